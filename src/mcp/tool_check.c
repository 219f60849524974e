/* tool_check.c - the MCP `check_code` tool: the static checker of
 * `mlxplan check` (check/check.h) over source text the client sends.  The
 * server never reads a file for it. */
#include <string.h>

#include "check/check.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/check.h"

#define MAX_RULE_ARGS 32

/* The strings of array argument `key` (the schema bounds its length). */
static int string_list(const cJSON *args, const char *key, const char **out)
{
    int n = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(args, key), *it;
    cJSON_ArrayForEach(it, a)
    {
        if (cJSON_IsString(it) && n < MAX_RULE_ARGS)
            out[n++] = it->valuestring;
    }
    return n;
}

int mp_mcp_tool_check_code(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    const char *src = mp_mcp_str(args, "source");
    const char *name = mp_mcp_str(args, "filename");
    const char *sel[MAX_RULE_ARGS], *ign[MAX_RULE_ARGS];
    int n_sel = string_list(args, "rules", sel), n_ign = string_list(args, "ignore", ign);
    mp_check_options opts;
    int rc = mp_check_options_select(&opts, sel, n_sel, ign, n_ign, err);
    if (rc)
        return rc;
    mp_check_result r = MP_CHECK_RESULT_INIT;
    rc = mp_check_source(src, strlen(src), name ? name : "input.py", &opts, &r, err);
    if (rc == 0) {
        mp_render_check_text(&r, &res->text);
        rc = mp_mcp_set_result(res, mp_render_check_json(&r), err);
    }
    mp_check_result_release(&r);
    return rc;
}
