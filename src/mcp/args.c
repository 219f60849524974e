/* args.c - argument reading, model and machine resolution and messages
 * shared by the MCP tool handlers; see args.h. */
#include "mcp/args.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *mp_mcp_str(const cJSON *args, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t mp_mcp_int(const cJSON *args, const char *key, int64_t dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : dflt;
}

double mp_mcp_num(const cJSON *args, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

bool mp_mcp_true(const cJSON *args, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, key));
}

bool mp_mcp_has(const cJSON *args, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(args, key) != NULL;
}

/* ---- messages ---------------------------------------------------------------- */

/* Command-line words the engines use, and what a tool caller gives instead.
 * Flags are replaced only as whole words ("--batch" not in "--batch-size"). */
static const char *const swaps[][2] = {
    {"(see 'mlxplan hw list')", "(call hardware with action 'list')"},
    {"(see 'mlxplan models list')", "(a registry or Hugging Face id)"},
    {"(try 'mlxplan docs ", "(try docs_search with query '"},
    {"a config.json or a model folder", "or the text of a config.json as 'config_json'"},
    {"pass --quant (e.g. 4)", "pass 'quant' (e.g. q4)"},
    {"(--offline stays local)", "(\"offline\": true stays local)"},
    {"--memory", "'memory_gb'"},
    {"--chip", "'chip'"},
    {"--model", "'model'"},
    {"--task", "'task'"},
    {"--quant", "'quant'"},
    {"--group-size", "'group_size'"},
    {"--context", "'context_tokens'"},
    {"--prompt", "'prompt_tokens'"},
    {"--batch", "'batch'"},
    {"--kv-bits", "'kv_bits'"},
    {"--kv-group-size", "'kv_group_size'"},
    {"--max-kv-size", "'max_kv_size'"},
    {"--seq", "'seq_len_tokens'"},
    {"--num-layers", "'num_layers'"},
    {"--rank", "'rank'"},
    {"--optimizer", "'optimizer'"},
    {"--grad-accum", "'grad_accumulation_steps'"},
    {"--iters", "'iters'"},
    {"--dataset-tokens", "'dataset_tokens'"},
    {"--params", "'params'"},
    {"--vocab", "'vocab_size'"},
    {"--dtype", "'dtype'"},
    {"--strict", "'strict'"},
    {"--offline", "'offline'"},
    {"--min-tok-s", "'min_decode_tok_s'"},
    {"--users", "'users'"},
    {"--budget-hours", "'budget_hours'"},
    {"--data", "'data'"},
    {"--kind", "'kind'"},
};

static bool flag_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

void mp_mcp_words(mp_error *err)
{
    for (size_t i = 0; i < sizeof swaps / sizeof swaps[0]; i++) {
        const char *from = swaps[i][0], *to = swaps[i][1];
        size_t n = strlen(from);
        bool flag = from[0] == '-';
        for (char *at = strstr(err->msg, from); at; at = strstr(at, from)) {
            if (flag && (flag_char(at[n]) || (at > err->msg && flag_char(at[-1])))) {
                at += n;
                continue;
            }
            char tail[MP_ERROR_MSG_MAX];
            snprintf(tail, sizeof tail, "%s", at + n);
            size_t head = (size_t)(at - err->msg);
            snprintf(at, sizeof err->msg - head, "%s%s", to, tail);
            at += strlen(to);
            if ((size_t)(at - err->msg) >= sizeof err->msg - 1)
                break;
        }
    }
}

int mp_mcp_fail(int rc, mp_error *err)
{
    mp_mcp_words(err);
    return rc;
}

/* ---- model and machine --------------------------------------------------------- */

int mp_mcp_model_load(const cJSON *args, mp_mcp_model *m, mp_error *err)
{
    memset(m, 0, sizeof *m);
    const char *name = mp_mcp_str(args, "model");
    const char *config = mp_mcp_str(args, "config_json");
    if (name && config)
        return mp_error_set(err, MP_EINVAL, "give 'model' or 'config_json', not both");
    if (!name && !config)
        return mp_error_set(err, MP_EINVAL,
                            "give 'model' (a registry or Hugging Face id such as "
                            "'Qwen/Qwen3-8B') or 'config_json' (the text of a config.json)");
    int rc;
    if (config) {
        rc = mp_arch_from_json(config, strlen(config), "config_json", &m->arch, err);
        if (rc)
            return rc;
        m->origin.kind = MP_ORIGIN_FILE;
        snprintf(m->origin.where, sizeof m->origin.where, "given as 'config_json'");
        snprintf(m->label, sizeof m->label, "%s", m->arch.model_type);
    } else {
        mp_load_opts lo = {mp_mcp_true(args, "offline")};
        if ((rc = mp_model_load_name(name, &lo, &m->arch, &m->origin, err)) != 0)
            return mp_mcp_fail(rc, err);
        snprintf(m->label, sizeof m->label, "%s", name);
    }
    m->loaded = true;
    return 0;
}

void mp_mcp_model_release(mp_mcp_model *m)
{
    if (m->loaded)
        mp_arch_release(&m->arch);
    m->loaded = false;
}

const char *mp_mcp_model_hf(const mp_mcp_model *m)
{
    if (m->origin.kind == MP_ORIGIN_FILE)
        return "<hf-repo-of-this-config>"; /* a config.json's text does not say its repo */
    return m->origin.kind == MP_ORIGIN_REGISTRY ? m->arch.id : m->label;
}

int mp_mcp_machine(const cJSON *args, mp_machine *m, bool *by_memory, mp_error *err)
{
    const char *chip = mp_mcp_str(args, "chip");
    int memory_gb = (int)mp_mcp_int(args, "memory_gb", 0);
    if (!chip)
        return mp_error_set(err, MP_EINVAL, "give 'chip', e.g. 'M4 Pro 20c' (call hardware "
                            "with action 'list' for every chip)");
    mp_chip_match match;
    int rc = mp_chip_resolve(chip, memory_gb, &match, err);
    if (rc == 0)
        rc = mp_machine_init(m, &match.chip, memory_gb, err);
    if (rc)
        return mp_mcp_fail(rc, err);
    if (by_memory)
        *by_memory = match.by_memory;
    return 0;
}

void mp_mcp_settings(const cJSON *args, mp_settings *s)
{
    static const struct {
        const char *key;
        unsigned bit;
        size_t at; /* offset of the int64_t field */
    } ints[] = {
        {"group_size", MP_SET_GROUP, offsetof(mp_settings, group_size)},
        {"context_tokens", MP_SET_CONTEXT, offsetof(mp_settings, context_tokens)},
        {"prompt_tokens", MP_SET_PROMPT, offsetof(mp_settings, prompt_tokens)},
        {"batch", MP_SET_BATCH, offsetof(mp_settings, batch)},
        {"kv_bits", MP_SET_KV_BITS, offsetof(mp_settings, kv_bits)},
        {"kv_group_size", MP_SET_KV_GROUP, offsetof(mp_settings, kv_group)},
        {"max_kv_size", MP_SET_MAX_KV, offsetof(mp_settings, max_kv_size)},
        {"seq_len_tokens", MP_SET_SEQ, offsetof(mp_settings, seq_len)},
        {"num_layers", MP_SET_LAYERS, offsetof(mp_settings, num_layers)},
        {"rank", MP_SET_RANK, offsetof(mp_settings, rank)},
        {"grad_accumulation_steps", MP_SET_ACCUM, offsetof(mp_settings, grad_accum)},
        {"iters", MP_SET_ITERS, offsetof(mp_settings, iters)},
    };
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (!mp_mcp_has(args, ints[i].key))
            continue;
        s->given |= ints[i].bit;
        *(int64_t *)((char *)s + ints[i].at) = mp_mcp_int(args, ints[i].key, 0);
    }
    if ((s->quant = mp_mcp_str(args, "quant")) != NULL)
        s->given |= MP_SET_QUANT;
    if ((s->optimizer = mp_mcp_str(args, "optimizer")) != NULL)
        s->given |= MP_SET_OPTIMIZER;
    if ((s->dtype = mp_mcp_str(args, "dtype")) != NULL)
        s->given |= MP_SET_DTYPE;
    if (mp_mcp_has(args, "dataset_tokens")) {
        s->given |= MP_SET_DATASET;
        s->dataset_tokens = mp_mcp_num(args, "dataset_tokens", 0);
    }
    s->grad_checkpoint = mp_mcp_true(args, "grad_checkpoint");
}

int mp_mcp_scope_check(const cJSON *args, const mp_mcp_scope *table, size_t n, int at,
                       const char *what, const char *const *names, mp_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if ((table[i].where & (1u << at)) || !mp_mcp_has(args, table[i].key))
            continue;
        char list[200] = "";
        size_t k = 0;
        int count = 0, total = __builtin_popcount(table[i].where);
        for (int b = 0; b < 32 && k < sizeof list; b++) {
            if (!(table[i].where & (1u << b)))
                continue;
            count++;
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%s",
                                  count == 1 ? "" : count == total ? " or " : ", ", names[b]);
        }
        return mp_error_set(err, MP_EINVAL, "'%s' does not apply to %s '%s'; it goes with %s %s",
                            table[i].key, what, names[at], what, list);
    }
    return 0;
}

int mp_mcp_set_result(mp_mcp_result *res, cJSON *structured, mp_error *err)
{
    if (!structured)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    res->structured = structured;
    return 0;
}
