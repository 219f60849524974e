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

/* ---- settings ------------------------------------------------------------------ */

int mp_mcp_read_params(const cJSON *args, unsigned cmd, mp_pvals *pv, mp_error *err)
{
    memset(pv, 0, sizeof *pv);
    for (const cJSON *m = args ? args->child : NULL; m; m = m->next) {
        const mp_param *p = m->string ? mp_param_by_mcp(m->string) : NULL;
        if (!p || !(p->cmds & cmd))
            continue; /* the tool's own arguments (mode, ...) */
        int rc;
        if (cJSON_IsBool(m))
            rc = mp_param_read_bool(pv, p->id, cJSON_IsTrue(m), err);
        else if (cJSON_IsNumber(m))
            rc = mp_param_read_number(pv, p->id, m->valuedouble, err);
        else if (cJSON_IsString(m))
            rc = mp_param_read_string(pv, p->id, m->valuestring, err);
        else
            rc = mp_error_set(err, MP_EINVAL, "%s must be %s, got %s", mp_pname(p->id),
                              p->type == MP_PT_SWITCH ? "a boolean"
                              : p->type == MP_PT_TEXT ? "a string"
                                                      : "a number",
                              cJSON_IsNull(m) ? "null" : cJSON_IsArray(m) ? "an array" : "an object");
        if (rc)
            return rc;
    }
    return 0;
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
            return rc;
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
    const char *chip = mp_mcp_str(args, mp_param_table[MP_P_CHIP].mcp);
    int memory_gb = (int)mp_mcp_int(args, mp_param_table[MP_P_MEMORY].mcp, 0);
    if (!chip)
        return mp_error_set(err, MP_EINVAL, "give %s, e.g. 'M4 Pro 20c' (call hardware "
                            "with action 'list' for every chip)", mp_pname(MP_P_CHIP));
    mp_chip_match match;
    int rc = mp_chip_resolve(chip, memory_gb, &match, err);
    if (rc == 0)
        rc = mp_machine_init(m, &match.chip, memory_gb, err);
    if (rc)
        return rc;
    if (by_memory)
        *by_memory = match.by_memory;
    return 0;
}

int mp_mcp_set_result(mp_mcp_result *res, cJSON *structured, mp_error *err)
{
    if (!structured)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    res->structured = structured;
    return 0;
}
