/* docs.c - docs result and entry renderers; see docs.h. */
#include "render/docs.h"

#include <stdio.h>
#include <string.h>

#include "kb/kb.h"
#include "render/json.h"

static const char *repo_of(const mp_doc_entry *e)
{
    return strcmp(e->package, "mlx-lm") == 0 ? "ml-explore/mlx-lm" : "ml-explore/mlx";
}

/* "api function", "flag of mlx_lm.lora", "practice (lora)", ... */
static void what_text(const mp_doc_entry *e, char *buf, size_t cap)
{
    switch (e->kind) {
    case MP_DOC_API:
        snprintf(buf, cap, "api %s", e->api_kind);
        break;
    case MP_DOC_FLAG:
        snprintf(buf, cap, "flag of %s", mp_cli_rows[e->row].command);
        break;
    case MP_DOC_LORA_KEY:
        snprintf(buf, cap, "LoRA config key");
        break;
    case MP_DOC_FORMAT:
        snprintf(buf, cap, "training data format");
        break;
    case MP_DOC_PRACTICE:
        snprintf(buf, cap, "practice (%s)", mp_practice_rows[e->row].topic);
        break;
    case MP_DOC_MODEL_TYPE:
        snprintf(buf, cap, "model type");
        break;
    default:
        snprintf(buf, cap, "%s", mp_doc_kind_name(e->kind));
        break;
    }
}

/* "mlx 0.32.2.dev, since v0.6.0"; a feature is its release alone. */
static void version_text(const mp_doc_entry *e, char *buf, size_t cap)
{
    if (e->kind == MP_DOC_FEATURE)
        snprintf(buf, cap, "%s %s", e->package, e->since);
    else if (e->since[0])
        snprintf(buf, cap, "%s %s, since %s", e->package, e->version, e->since);
    else
        snprintf(buf, cap, "%s %s", e->package, e->version);
}

static void deprecated_text(const mp_doc_entry *e, char *buf, size_t cap)
{
    snprintf(buf, cap, "deprecated%s%s%s%s", e->deprecated_since[0] ? " since " : "",
             e->deprecated_since, e->replacement[0] ? ": use " : "", e->replacement);
}

/* "default: 16; type: int; choices: a|b" from the non-empty parts. */
static void value_text(const mp_doc_entry *e, char *buf, size_t cap)
{
    const char *label[] = {"default", "type", "choices", "flag"};
    const char *val[] = {e->dflt, e->type, e->choices,
                         e->kind == MP_DOC_LORA_KEY ? e->related : ""};
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < 4 && k < cap; i++)
        if (val[i][0])
            k += (size_t)snprintf(buf + k, cap - k, "%s%s: %s", k ? "; " : "", label[i], val[i]);
}

/* The API signature as code: "rms_norm(x: array, ...)" for callables,
 * the text as written otherwise. */
static void signature_text(const mp_doc_entry *e, const char *sig, char *buf, size_t cap)
{
    if (sig[0] == '(')
        snprintf(buf, cap, "%s%s", e->leaf, sig);
    else
        snprintf(buf, cap, "%s", sig);
}

/* ---- search results ----------------------------------------------------------- */

static void hit_md(const mp_doc_hit *h, size_t rank, mp_buf *out)
{
    const mp_doc_entry *e = &h->entry;
    char what[128], ver[128], text[1024];
    what_text(e, what, sizeof what);
    version_text(e, ver, sizeof ver);
    mp_buf_printf(out, "%zu. `%s` (%s; %s)\n", rank, e->name, what, ver);
    if (e->deprecated) {
        deprecated_text(e, text, sizeof text);
        mp_buf_printf(out, "   %s\n", text);
    }
    switch (e->kind) {
    case MP_DOC_API:
        if (e->signature[0]) {
            signature_text(e, e->signature, text, sizeof text);
            mp_buf_printf(out, "   `%s`%s\n", text,
                          e->n_overloads > 1 ? " (and other overloads)" : "");
        }
        if (e->detail[0] && !e->deprecated)
            mp_buf_printf(out, "   %s\n", e->detail);
        break;
    case MP_DOC_COMMAND:
    case MP_DOC_FLAG:
    case MP_DOC_LORA_KEY:
        value_text(e, text, sizeof text);
        if (text[0])
            mp_buf_printf(out, "   %s\n", text);
        mp_buf_printf(out, "   %s\n", e->summary);
        break;
    case MP_DOC_FORMAT:
        mp_buf_printf(out, "   keys: %s\n   %s\n", e->summary, e->detail);
        break;
    case MP_DOC_PRACTICE:
    case MP_DOC_FEATURE:
        mp_buf_printf(out, "   %s\n", e->summary);
        if (e->related[0])
            mp_buf_printf(out, "   names: %s\n", e->related);
        break;
    default:
        mp_buf_printf(out, "   %s\n", e->summary);
        break;
    }
}

void mp_render_doc_results_md(const mp_doc_results *r, mp_buf *out)
{
    mp_buf_printf(out, "# docs: %s\n\n", r->query);
    if (r->n == 0) {
        char text[400];
        mp_buf_puts(out, "No results.\n");
        if (mp_suggest_text(&r->suggest, text, sizeof text))
            mp_buf_printf(out, "Did you mean %s?\n", text);
        return;
    }
    if (r->n < r->total)
        mp_buf_printf(out, "%zu of %zu matches (--limit shows more; 'mlxplan docs show NAME' "
                           "shows one in full).\n\n",
                      r->n, r->total);
    else
        mp_buf_printf(out, "%zu match%s ('mlxplan docs show NAME' shows one in full).\n\n", r->n,
                      r->n == 1 ? "" : "es");
    for (size_t i = 0; i < r->n; i++)
        hit_md(&r->hits[i], i + 1, out);
}

/* ---- one entry ------------------------------------------------------------------ */

static void field(mp_buf *out, const char *label, const char *value)
{
    if (value && value[0])
        mp_buf_printf(out, "- %s: %s\n", label, value);
}

static void api_md(const mp_doc_entry *e, mp_buf *out)
{
    char text[1024];
    const mp_api_row *r = &mp_api_rows[e->row];
    field(out, "module", r->module);
    if (e->alias[0])
        mp_buf_printf(out, "- short form: `%s`\n", e->alias);
    if (e->n_overloads > 1) {
        mp_buf_printf(out, "- signatures (%zu overloads):\n", e->n_overloads);
        for (size_t i = 0; i < e->n_overloads; i++) {
            signature_text(e, mp_api_rows[e->row + i].signature, text, sizeof text);
            mp_buf_printf(out, "  - `%s`\n", text);
        }
    } else if (e->signature[0]) {
        signature_text(e, e->signature, text, sizeof text);
        mp_buf_printf(out, "- signature: `%s`\n", text);
    }
    field(out, "notes", e->detail);
}

/* The mlx_lm.lora flag and config key that set the same value. */
static void lora_link_md(const mp_doc_entry *e, mp_buf *out)
{
    if (e->kind == MP_DOC_FLAG && strcmp(mp_cli_rows[e->row].command, "mlx_lm.lora") == 0) {
        for (size_t i = 0; i < mp_lora_key_rows_len; i++)
            if (strcmp(mp_lora_key_rows[i].cli_flag, e->leaf) == 0)
                mp_buf_printf(out, "- config key: lora_config.%s\n", mp_lora_key_rows[i].key);
    } else if (e->kind == MP_DOC_LORA_KEY && strncmp(e->related, "--", 2) == 0 &&
               mp_kb_cli_find("mlx_lm.lora", e->related)) {
        mp_buf_printf(out, "- flag: mlx_lm.lora %s\n", e->related);
    }
}

static void kind_md(const mp_doc_entry *e, mp_buf *out)
{
    switch (e->kind) {
    case MP_DOC_API:
        api_md(e, out);
        break;
    case MP_DOC_COMMAND:
    case MP_DOC_FLAG: {
        const mp_cli_row *r = &mp_cli_rows[e->row];
        field(out, "default", e->dflt);
        field(out, "type", e->type);
        field(out, "choices", e->choices);
        field(out, "short form", e->aliases);
        field(out, "action / nargs", r->nargs);
        field(out, "required", r->required);
        field(out, "notes", e->detail);
        lora_link_md(e, out);
        break;
    }
    case MP_DOC_LORA_KEY:
        field(out, "default", e->dflt);
        field(out, "type", e->type);
        lora_link_md(e, out);
        if (strncmp(e->related, "--", 2) != 0)
            field(out, "set by", e->related);
        break;
    case MP_DOC_FORMAT: {
        const mp_format_row *r = &mp_format_rows[e->row];
        field(out, "required keys", r->required_keys);
        field(out, "optional keys", r->optional_keys);
        field(out, "renamed by the YAML keys", r->rename_key);
        field(out, "mask_prompt", r->mask_prompt);
        field(out, "loader", r->dataset_class);
        break;
    }
    case MP_DOC_PRACTICE:
        field(out, "why", e->detail);
        field(out, "names", e->related);
        break;
    case MP_DOC_MODEL_TYPE:
        for (size_t i = 0; i < mp_model_alias_rows_len; i++)
            if (strcmp(mp_model_alias_rows[i].module, mp_model_type_rows[e->row].name) == 0)
                mp_buf_printf(out, "- also loads model_type: %s (%s)\n",
                              mp_model_alias_rows[i].config_type, mp_model_alias_rows[i].source);
        break;
    case MP_DOC_FEATURE: {
        const mp_feature_row *r = &mp_feature_rows[e->row];
        field(out, "names", e->related);
        field(out, "date", r->date);
        field(out, "commit", r->commit);
        break;
    }
    default:
        break;
    }
}

void mp_render_doc_entry_md(const mp_doc_entry *e, mp_buf *out)
{
    char what[128], ver[128], text[512];
    what_text(e, what, sizeof what);
    version_text(e, ver, sizeof ver);
    mp_buf_printf(out, "# %s\n\n", e->name);
    if (e->kind != MP_DOC_API && e->kind != MP_DOC_FORMAT)
        mp_buf_printf(out, "%s\n\n", e->summary);
    else if (e->kind == MP_DOC_FORMAT)
        mp_buf_printf(out, "%s\n\n", e->detail);
    mp_buf_printf(out, "- kind: %s\n", what);
    if (e->deprecated) {
        deprecated_text(e, text, sizeof text);
        mp_buf_printf(out, "- %s\n", text);
    }
    kind_md(e, out);
    mp_buf_printf(out, "- version: %s\n", ver);
    if (e->source[0]) {
        if (e->kind == MP_DOC_PRACTICE)
            mp_buf_printf(out, "- source: %s\n", e->source);
        else
            mp_buf_printf(out, "- source: %s %s\n", repo_of(e), e->source);
    }
}

/* ---- JSON -------------------------------------------------------------------------- */

static void str_or_null(cJSON *o, const char *key, const char *s)
{
    mp_json_str(o, key, s && s[0] ? s : NULL);
}

/* "a,b,c" -> ["a", "b", "c"] */
static void list_json(cJSON *o, const char *key, const char *list)
{
    cJSON *arr = cJSON_AddArrayToObject(o, key);
    if (!arr)
        return;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        char item[MP_DOC_NAME_MAX];
        snprintf(item, sizeof item, "%.*s", (int)n, p);
        cJSON_AddItemToArray(arr, cJSON_CreateString(item));
        p += n;
        if (*p == ',')
            p++;
    }
}

static cJSON *entry_json(const mp_doc_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    mp_json_str(o, "kind", mp_doc_kind_name(e->kind));
    mp_json_str(o, "name", e->name);
    str_or_null(o, "alias", e->alias);
    str_or_null(o, "summary", e->kind == MP_DOC_API ? "" : e->summary);
    if (e->kind == MP_DOC_API) {
        mp_json_str(o, "api_kind", e->api_kind);
        cJSON *sigs = cJSON_AddArrayToObject(o, "signatures");
        for (size_t i = 0; sigs && i < e->n_overloads; i++)
            cJSON_AddItemToArray(sigs, cJSON_CreateString(mp_api_rows[e->row + i].signature));
    }
    if (e->kind == MP_DOC_FLAG)
        mp_json_str(o, "command", mp_cli_rows[e->row].command);
    str_or_null(o, "default", e->dflt);
    str_or_null(o, "type", e->type);
    str_or_null(o, "choices", e->choices);
    str_or_null(o, "aliases", e->aliases);
    str_or_null(o, "notes", e->detail);
    if (e->kind == MP_DOC_LORA_KEY)
        str_or_null(o, "cli_flag", e->related);
    else if (e->kind == MP_DOC_PRACTICE || e->kind == MP_DOC_FEATURE)
        list_json(o, "names", e->related);
    str_or_null(o, "source", e->source);
    mp_json_str(o, "package", e->package);
    mp_json_str(o, "version", e->version);
    str_or_null(o, "since", e->since);
    if (e->deprecated) {
        cJSON *d = cJSON_AddObjectToObject(o, "deprecated");
        if (d) {
            str_or_null(d, "since", e->deprecated_since);
            str_or_null(d, "use", e->replacement);
        }
    } else {
        cJSON_AddNullToObject(o, "deprecated");
    }
    return o;
}

cJSON *mp_render_doc_entry_json(const mp_doc_entry *e)
{
    return entry_json(e);
}

cJSON *mp_render_doc_results_json(const mp_doc_results *r)
{
    static const char *const tiers[] = {"text", "folded name", "last part", "name"};
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    mp_json_str(root, "query", r->query);
    mp_json_num(root, "total", (double)r->total);
    cJSON *arr = cJSON_AddArrayToObject(root, "results");
    for (size_t i = 0; arr && i < r->n; i++) {
        cJSON *o = entry_json(&r->hits[i].entry);
        if (!o)
            continue;
        mp_json_num(o, "rank", (double)(i + 1));
        int t = r->hits[i].tier;
        mp_json_str(o, "match", tiers[t >= 0 && t <= 3 ? t : 0]);
        mp_json_num(o, "score", r->hits[i].score);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON *sg = cJSON_AddArrayToObject(root, "suggestions");
    for (int i = 0; sg && i < r->suggest.n; i++)
        cJSON_AddItemToArray(sg, cJSON_CreateString(r->suggest.name[i]));
    return root;
}
