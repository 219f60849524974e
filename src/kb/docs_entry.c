/* docs_entry.c - docs entries as views of the compiled tables: their names,
 * kinds and every field `docs` shows; see docs.h.  Shared by the index
 * builder (tools/gen/mkindex.c) and the run-time search. */
#include <stdio.h>
#include <string.h>

#include "kb/docs.h"
#include "kb/kb.h"
#include "util/text.h"

static const char *const kind_names[] = {
#define MP_DOC_KIND_NAME(e, s) s,
    MP_DOC_KINDS(MP_DOC_KIND_NAME)
#undef MP_DOC_KIND_NAME
};

const char *mp_doc_kind_name(mp_doc_kind k)
{
    return (unsigned)k < MP_DOC_KIND_COUNT ? kind_names[k] : "?";
}

int mp_doc_kind_parse(const char *s, mp_error *err)
{
    for (int k = 0; k < MP_DOC_KIND_COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return k;
    mp_error_set(err, MP_EINVAL,
                 "unknown kind '%.60s'; use api, command, flag, lora_key, format, practice, "
                 "model_type or feature",
                 s);
    return -1;
}

size_t mp_docs_rows(mp_doc_kind kind)
{
    switch (kind) {
    case MP_DOC_API: return mp_api_rows_len;
    case MP_DOC_COMMAND:
    case MP_DOC_FLAG: return mp_cli_rows_len;
    case MP_DOC_LORA_KEY: return mp_lora_key_rows_len;
    case MP_DOC_FORMAT: return mp_format_rows_len;
    case MP_DOC_PRACTICE: return mp_practice_rows_len;
    case MP_DOC_MODEL_TYPE: return mp_model_type_rows_len;
    case MP_DOC_FEATURE: return mp_feature_rows_len;
    case MP_DOC_KIND_COUNT: break;
    }
    return 0;
}

/* A CLI row documents a whole command when it is the command's own row or
 * the umbrella launcher's subcommand argument ("mlx_lm <subcommand>"). */
static bool cli_is_command(const mp_cli_row *r)
{
    return strcmp(r->flag, "(command)") == 0 || strcmp(r->flag, "<subcommand>") == 0;
}

/* Whether `row` of `kind` starts an entry. */
static bool is_entry(mp_doc_kind kind, size_t row)
{
    if (row >= mp_docs_rows(kind))
        return false;
    if (kind == MP_DOC_API)
        return row == 0 || strcmp(mp_api_rows[row - 1].qname, mp_api_rows[row].qname) != 0;
    if (kind == MP_DOC_COMMAND)
        return cli_is_command(&mp_cli_rows[row]);
    if (kind == MP_DOC_FLAG)
        return !cli_is_command(&mp_cli_rows[row]);
    return true;
}

size_t mp_docs_count(mp_doc_kind kind)
{
    size_t n = 0, rows = mp_docs_rows(kind);
    for (size_t i = 0; i < rows; i++)
        n += is_entry(kind, i);
    return n;
}

/* The spelling people write in code: mx., nn., optim. */
static void api_alias(const char *qname, char *out)
{
    static const struct {
        const char *full, *shortp;
    } map[] = {{"mlx.core.", "mx."}, {"mlx.nn.", "nn."}, {"mlx.optimizers.", "optim."}};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t n = strlen(map[i].full);
        if (strncmp(qname, map[i].full, n) == 0) {
            snprintf(out, MP_DOC_NAME_MAX, "%s%s", map[i].shortp, qname + n);
            return;
        }
    }
}

static const char *after_last(const char *s, char c)
{
    const char *p = strrchr(s, c);
    return p ? p + 1 : s;
}

int mp_docs_entry_names(mp_doc_kind kind, size_t row, char *name, char *leaf, char *alias)
{
    if (!is_entry(kind, row))
        return MP_ENOTFOUND;
    const size_t cap = MP_DOC_NAME_MAX;
    alias[0] = '\0';
    switch (kind) {
    case MP_DOC_API: {
        const mp_api_row *r = &mp_api_rows[row];
        mp_strlcpy(name, r->qname, cap);
        mp_strlcpy(leaf, r->name, cap);
        api_alias(r->qname, alias);
        break;
    }
    case MP_DOC_COMMAND: {
        const mp_cli_row *r = &mp_cli_rows[row];
        mp_strlcpy(name, r->command, cap);
        mp_strlcpy(leaf, after_last(r->command, '.'), cap);
        break;
    }
    case MP_DOC_FLAG: {
        const mp_cli_row *r = &mp_cli_rows[row];
        snprintf(name, cap, "%s %s", r->command, r->flag);
        mp_strlcpy(leaf, r->flag, cap);
        break;
    }
    case MP_DOC_LORA_KEY:
        snprintf(name, cap, "lora_config.%s", mp_lora_key_rows[row].key);
        mp_strlcpy(leaf, mp_lora_key_rows[row].key, cap);
        break;
    case MP_DOC_FORMAT: {
        /* the "(files)" row describes the dataset folder, not a format */
        char f[64];
        mp_strlcpy(f, mp_format_rows[row].format, sizeof f);
        size_t n = strlen(f);
        if (n >= 2 && f[0] == '(' && f[n - 1] == ')') {
            memmove(f, f + 1, n - 2);
            f[n - 2] = '\0';
        }
        snprintf(name, cap, "data_format.%s", f);
        mp_strlcpy(leaf, f, cap);
        break;
    }
    case MP_DOC_PRACTICE:
        mp_strlcpy(name, mp_practice_rows[row].id, cap);
        mp_strlcpy(leaf, mp_practice_rows[row].id, cap);
        break;
    case MP_DOC_MODEL_TYPE:
        snprintf(name, cap, "model_type.%s", mp_model_type_rows[row].name);
        mp_strlcpy(leaf, mp_model_type_rows[row].name, cap);
        break;
    case MP_DOC_FEATURE:
        mp_strlcpy(name, mp_feature_rows[row].feature, cap);
        mp_strlcpy(leaf, mp_feature_rows[row].feature, cap);
        break;
    case MP_DOC_KIND_COUNT:
        return MP_ENOTFOUND;
    }
    return 0;
}

static void set_package(mp_doc_entry *e, const char *package)
{
    e->package = package;
    const char *v = mp_kb_version(strcmp(package, "mlx") == 0 ? "mlx_snapshot_version"
                                                              : "mlx_lm_snapshot_version");
    e->version = v ? v : "";
}

/* mlx_lm.* and the mlx-lm tables belong to mlx-lm; mlx.launch and the
 * mlx.* API to mlx. */
static const char *package_of(const char *name)
{
    return strncmp(name, "mlx_lm", 6) == 0 ? "mlx-lm" : "mlx";
}

int mp_docs_entry(mp_doc_kind kind, size_t row, mp_doc_entry *e)
{
    memset(e, 0, sizeof *e);
    int rc = mp_docs_entry_names(kind, row, e->name, e->leaf, e->alias);
    if (rc)
        return rc;
    e->kind = kind;
    e->row = row;
    e->summary = e->detail = e->api_kind = e->signature = e->type = e->dflt = "";
    e->choices = e->aliases = e->related = e->source = e->since = e->deprecated_since = "";
    switch (kind) {
    case MP_DOC_API: {
        const mp_api_row *r = &mp_api_rows[row];
        e->api_kind = r->kind;
        e->signature = r->signature;
        e->detail = r->notes;
        e->source = r->source;
        size_t n = 1;
        while (row + n < mp_api_rows_len && strcmp(mp_api_rows[row + n].qname, r->qname) == 0)
            n++;
        e->n_overloads = n;
        e->deprecated = mp_kb_api_deprecated(r, e->replacement, sizeof e->replacement);
        break;
    }
    case MP_DOC_COMMAND:
    case MP_DOC_FLAG: {
        const mp_cli_row *r = &mp_cli_rows[row];
        e->summary = r->gist;
        e->detail = r->notes;
        e->type = r->type;
        e->dflt = r->dflt;
        e->choices = r->choices;
        e->aliases = r->aliases;
        e->source = r->source;
        break;
    }
    case MP_DOC_LORA_KEY: {
        const mp_lora_key_row *r = &mp_lora_key_rows[row];
        e->summary = r->gist;
        e->type = r->type;
        e->dflt = r->dflt;
        e->related = r->cli_flag;
        e->source = r->source;
        break;
    }
    case MP_DOC_FORMAT: {
        const mp_format_row *r = &mp_format_rows[row];
        e->summary = r->required_keys;
        e->detail = r->notes;
        e->source = r->source;
        break;
    }
    case MP_DOC_PRACTICE: {
        const mp_practice_row *r = &mp_practice_rows[row];
        e->summary = r->rule;
        e->detail = r->why;
        e->related = r->names;
        e->source = r->source;
        break;
    }
    case MP_DOC_MODEL_TYPE:
        e->summary = "model type (config.json model_type) that mlx-lm can load";
        break;
    case MP_DOC_FEATURE: {
        const mp_feature_row *r = &mp_feature_rows[row];
        e->summary = r->feature;
        e->related = r->names;
        e->since = r->version;
        break;
    }
    case MP_DOC_KIND_COUNT:
        break;
    }
    /* where the entry comes from decides the package; practices name a
     * repository in their source ("mlx:", "mlx-lm:") */
    const char *pkg;
    if (kind == MP_DOC_PRACTICE)
        pkg = strncmp(e->source, "mlx-lm:", 7) == 0 ? "mlx-lm" : "mlx";
    else if (kind == MP_DOC_FEATURE)
        pkg = strcmp(mp_feature_rows[row].package, "mlx-lm") == 0 ? "mlx-lm" : "mlx";
    else if (kind == MP_DOC_LORA_KEY || kind == MP_DOC_FORMAT || kind == MP_DOC_MODEL_TYPE)
        pkg = "mlx-lm";
    else
        pkg = package_of(e->name);
    set_package(e, pkg);
    if (kind != MP_DOC_FEATURE) {
        const mp_feature_row *f = mp_kb_feature_for(e->name);
        if (f)
            e->since = f->version;
    }
    if (e->deprecated && e->replacement[0]) {
        /* the release that added the replacement is the one that moved it */
        const mp_feature_row *f = mp_kb_feature_for(e->replacement);
        if (f)
            e->deprecated_since = f->version;
    }
    return 0;
}
