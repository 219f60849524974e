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

/* An array of strings (the schema checked it) as a LIST value. */
static int read_list(const cJSON *a, mp_param_id id, mp_pvals *pv, mp_error *err)
{
    const char *items[MP_PLIST_MAX];
    int n = 0;
    for (const cJSON *it = a->child; it; it = it->next) {
        if (!cJSON_IsString(it))
            return mp_error_set(err, MP_EINVAL, "%s must be %s", mp_pname(id),
                                mp_param_type_word(id));
        if (n == MP_PLIST_MAX)
            return mp_error_set(err, MP_ELIMIT, "%s takes at most %d items", mp_pname(id),
                                MP_PLIST_MAX);
        items[n++] = it->valuestring;
    }
    return mp_param_read_list(pv, id, items, n, err);
}

int mp_mcp_read_params(const cJSON *args, unsigned cmd, mp_pvals *pv, mp_error *err)
{
    memset(pv, 0, sizeof *pv);
    for (const cJSON *m = args ? args->child : NULL; m; m = m->next) {
        const mp_param *p = m->string ? mp_param_by_mcp(m->string, cmd) : NULL;
        if (!p)
            continue; /* the tool's own arguments (none now; the schema refuses others) */
        int rc;
        if (cJSON_IsBool(m))
            rc = mp_param_read_bool(pv, p->id, cJSON_IsTrue(m), err);
        else if (cJSON_IsNumber(m))
            rc = mp_param_read_number(pv, p->id, m->valuedouble, err);
        else if (cJSON_IsString(m))
            rc = mp_param_read_string(pv, p->id, m->valuestring, err);
        else if (cJSON_IsArray(m) && p->type == MP_PT_LIST)
            rc = read_list(m, p->id, pv, err);
        else
            rc = mp_error_set(err, MP_EINVAL, "%s must be %s, got %s", mp_pname(p->id),
                              mp_param_type_word(p->id),
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
