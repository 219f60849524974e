/* cmd_docs.c - `mlxplan docs QUERY... | show NAME`: the offline MLX / MLX-LM
 * reference (API, commands, flags, LoRA config keys, data formats,
 * practices, model types, feature versions). */
#include <string.h>

#include "cli/cli.h"
#include "kb/docs.h"
#include "render/docs.h"
#include "render/json.h"
#include "util/text.h"

/* Not an option: query words may start with '-' (`docs --num-layers`). */
static const cli_opt opts[] = {
    {"(query words may start with '-')", 0, CLI_DASH_WORDS, NULL, NULL},
    {NULL, 0, CLI_SWITCH, NULL, NULL},
};

/* The positional words from `first` on, joined by spaces; MP_EINVAL when
 * the text is longer than a query may be. */
static int join_words(const cli_args *args, int first, mp_buf *b, mp_error *err)
{
    for (int i = first; i < args->n_pos; i++)
        mp_buf_printf(b, "%s%s", i > first ? " " : "", args->pos[i]);
    if (b->len > MP_DOCS_QUERY_MAX)
        return mp_error_set(err, MP_EINVAL, "docs query is %zu bytes, over the limit of %d bytes",
                            b->len, MP_DOCS_QUERY_MAX);
    return mp_buf_status(b);
}

static int show(const cli_args *args, int kind, bool json, cli_io *io)
{
    if (args->n_pos < 2)
        return cli_usage_error(&cli_cmd_docs, &io->err, "'docs show' needs a name");
    mp_buf name = MP_BUF_INIT;
    mp_doc_entry e;
    int rc = join_words(args, 1, &name, &io->err);
    if (rc == 0)
        rc = mp_docs_show(mp_buf_cstr(&name), kind, &e, NULL, &io->err);
    mp_buf_release(&name);
    if (rc)
        return rc;
    if (json)
        return mp_json_emit(mp_render_doc_entry_json(&e), &io->out, &io->err);
    mp_render_doc_entry_md(&e, &io->out);
    return 0;
}

static int search(const cli_args *args, int kind, int limit, bool json, cli_io *io)
{
    mp_buf query = MP_BUF_INIT;
    mp_docs *d = NULL;
    mp_doc_results r;
    memset(&r, 0, sizeof r);
    int rc = join_words(args, 0, &query, &io->err);
    const char *q = mp_buf_cstr(&query);
    if (rc == 0 && q[strspn(q, " \t")] == '\0')
        rc = cli_usage_error(&cli_cmd_docs, &io->err, "empty query");
    if (rc == 0)
        rc = mp_docs_open(&d, &io->err);
    if (rc == 0)
        rc = mp_docs_search(d, mp_buf_cstr(&query), limit, kind, &r, &io->err);
    if (rc == 0) {
        if (json)
            rc = mp_json_emit(mp_render_doc_results_json(&r), &io->out, &io->err);
        else
            mp_render_doc_results_md(&r, &io->out);
    }
    mp_doc_results_release(&r);
    mp_docs_close(d);
    mp_buf_release(&query);
    return rc;
}

static int run(const cli_args *args, cli_io *io)
{
    const mp_pvals *pv = &args->pv;
    bool json = mp_pv_given(pv, MP_P_JSON);
    int64_t limit = mp_pv_given(pv, MP_P_DOC_LIMIT) ? pv->v[MP_P_DOC_LIMIT].i
                                                    : mp_param_dflt_i64(MP_P_DOC_LIMIT);
    int kind = -1;
    const char *kind_s = pv->v[MP_P_DOC_KIND].s;
    if (kind_s && (kind = mp_doc_kind_parse(kind_s, &io->err)) < 0)
        return MP_EINVAL;
    if (strcmp(args->pos[0], "show") == 0)
        return show(args, kind, json, io);
    return search(args, kind, (int)limit, json, io);
}

const cli_cmd cli_cmd_docs = {
    "docs",
    run,
    "offline MLX / MLX-LM reference: API names, signatures, flags, defaults, practices",
    "QUERY... | show NAME [--json]",
    "QUERY is any text: a name ('value_and_grad', 'mx.fast.rms_norm'), a flag\n"
    "('--num-layers'; words starting with '-' are part of the query) or plain words\n"
    "('reduce memory lora').  Results are ranked: entries named exactly by the query\n"
    "first, then by how well the words match names, summaries and notes.\n"
    "'show NAME' prints one entry in full: a qualified name ('mlx.core.eval',\n"
    "'mlx_lm.lora --num-layers', 'lora_config.num_layers', 'data_format.chat',\n"
    "'model_type.llama'), a short form ('mx.eval', 'nn.Linear'), a practice id\n"
    "('LORA-001') or a last part only one entry has ('rms_norm').  Deprecated names\n"
    "answer with their replacement.\n"
    "KIND is one of api, command, flag, lora_key, format, practice, model_type, feature.\n"
    "Limits: a query up to 1024 bytes, of which the first 16 words count.",
    opts,
    1,
    -1,
    MP_PC_DOCS,
};
