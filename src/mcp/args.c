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

int mp_mcp_set_result(mp_mcp_result *res, cJSON *structured, mp_error *err)
{
    if (!structured)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    res->structured = structured;
    return 0;
}
