/* cmd_models.c - `mlxplan models list | show ID | inspect DIR | cache list|clear`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hub/desc_cache.h"
#include "model/registry.h"
#include "model/safetensors.h"
#include "render/json.h"
#include "render/models.h"

#define MAX_LISTED 1000

/* `models cache list | clear`. */
static int run_cache(const cli_args *args, bool json, cli_io *io)
{
    const char *what = args->n_pos > 1 ? args->pos[1] : NULL;
    if (!what || (strcmp(what, "list") != 0 && strcmp(what, "clear") != 0))
        return cli_usage_error(&cli_cmd_models, &io->err,
                               "'models cache' takes list or clear%s%.60s%s",
                               what ? ", not '" : "", what ? what : "", what ? "'" : "");
    char dir[1024];
    int rc = mp_desc_cache_dir(dir, sizeof dir, &io->err);
    if (rc)
        return rc;
    if (what[0] == 'c') {
        int removed = 0;
        if ((rc = mp_desc_clear(dir, &removed, &io->err)) != 0)
            return rc;
        if (json)
            return mp_json_emit(mp_render_desc_clear_json(dir, removed), &io->out, &io->err);
        mp_render_desc_clear_md(dir, removed, &io->out);
        return 0;
    }
    mp_desc_entry *e = calloc(MAX_LISTED, sizeof *e);
    if (!e)
        return mp_error_set(&io->err, MP_ENOMEM, "out of memory");
    int n = 0;
    rc = mp_desc_list(dir, e, MAX_LISTED, &n, &io->err);
    if (rc == 0 && json)
        rc = mp_json_emit(mp_render_desc_cache_json(dir, e, n), &io->out, &io->err);
    else if (rc == 0)
        mp_render_desc_cache_md(dir, e, n, &io->out);
    free(e);
    return rc;
}

static int run(const cli_args *args, cli_io *io)
{
    const char *sub = args->pos[0];
    bool json = mp_pv_given(&args->pv, MP_P_JSON);
    if (strcmp(sub, "list") == 0) {
        if (args->n_pos > 1)
            return cli_usage_error(&cli_cmd_models, &io->err,
                                   "'models list' takes no argument, got '%.60s'", args->pos[1]);
        const char *fam = args->pv.v[MP_P_FAMILY].s;
        if (fam) {
            bool known = false;
            for (size_t i = 0; i < mp_model_rows_len; i++)
                if (strcmp(mp_model_rows[i].family, fam) == 0)
                    known = true;
            if (!known)
                return mp_error_set(&io->err, MP_ENOTFOUND,
                                    "no model of family '%.40s' (see 'mlxplan models list')", fam);
        }
        if (json)
            return mp_json_emit(mp_render_model_list_json(fam), &io->out, &io->err);
        mp_render_model_list_md(fam, &io->out);
        return 0;
    }
    if (strcmp(sub, "cache") == 0)
        return run_cache(args, json, io);
    if (strcmp(sub, "show") == 0 || strcmp(sub, "inspect") == 0) {
        bool inspect = sub[0] == 'i';
        if (args->n_pos != 2)
            return cli_usage_error(&cli_cmd_models, &io->err, "'models %s' needs one %s", sub,
                                   inspect ? "model folder" : "model name or path");
        mp_arch a;
        mp_origin o;
        mp_load_opts lo = {mp_pv_given(&args->pv, MP_P_OFFLINE)};
        int rc = mp_model_load(args->pos[1], &lo, &a, &o, &io->err);
        if (rc)
            return rc;
        if (!inspect) {
            rc = json ? mp_json_emit(mp_render_model_json(&a, &o), &io->out, &io->err)
                      : (mp_render_model_md(&a, &o, &io->out), 0);
            mp_arch_release(&a);
            return rc;
        }
        if (o.kind != MP_ORIGIN_DIR && o.kind != MP_ORIGIN_HF_CACHE) {
            mp_arch_release(&a);
            return mp_error_set(&io->err, MP_EINVAL,
                                "'models inspect' needs a model folder (config.json and "
                                "*.safetensors) or a repo in the Hugging Face cache, not '%.200s'",
                                args->pos[1]);
        }
        /* a cached repo is inspected in its snapshot folder */
        const char *dir = o.kind == MP_ORIGIN_DIR ? args->pos[1] : o.where;
        mp_st_model st;
        rc = mp_st_read_dir(dir, &st, &io->err);
        if (rc == 0) {
            if (json)
                rc = mp_json_emit(mp_render_inspect_json(dir, &a, &st), &io->out, &io->err);
            else
                mp_render_inspect_md(dir, &a, &st, &io->out);
            mp_st_release(&st);
        }
        mp_arch_release(&a);
        return rc;
    }
    return cli_usage_error(&cli_cmd_models, &io->err,
                           "unknown 'models' subcommand '%.60s'; use list, show, inspect or cache",
                           sub);
}

const cli_cmd cli_cmd_models = {
    "models",
    run,
    "model registry: list, show one, inspect a local model folder, cached descriptions",
    "list | show ID | inspect DIR|ID | cache list|clear [--json] [--offline]",
    "show takes a registry id (older repo names work: meta-llama/Meta-Llama-3.1-8B),\n"
    "a config.json path, a model folder, or a Hugging Face id: read from the local\n"
    "Hugging Face cache, else from mlxplan's description cache, else fetched from the\n"
    "Hub (config.json and safetensors index or header only; not with --offline or\n"
    "HF_HUB_OFFLINE=1).  inspect reads a folder's (or a cached repo's) config.json and\n"
    "safetensors headers (sharded or not, with or without an index) and reports exact\n"
    "bytes per dtype and the parameter count, without reading tensor data.  cache list\n"
    "shows the descriptions fetched from the Hub; cache clear removes them.\n"
    "Limits: names up to 400 bytes; config.json up to 4 MiB; safetensors headers up to\n"
    "100 MB, at most 1024 files per folder; JSON nested at most 1000 levels deep.",
    NULL,
    1,
    2,
    MP_PC_MODELS,
};
