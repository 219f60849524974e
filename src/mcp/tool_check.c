/* tool_check.c - the MCP `check_code` tool: the static checker of
 * `mlxplan check` (check/check.h) over source text the client sends.  The
 * server never reads a file for it. */
#include <string.h>

#include "check/check.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/check.h"

int mp_mcp_tool_check_code(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_CHECK, &pv, err);
    if (rc)
        return rc;
    const char *src = pv.v[MP_P_CHECK_SOURCE].s;
    const char *name = pv.v[MP_P_CHECK_FILENAME].s;
    const mp_pval *sel = &pv.v[MP_P_RULES], *ign = &pv.v[MP_P_IGNORE];
    mp_check_options opts;
    rc = mp_check_options_select(&opts, sel->list, sel->n, ign->list, ign->n, err);
    if (rc)
        return rc;
    mp_check_result r = MP_CHECK_RESULT_INIT;
    rc = mp_check_source(src, strlen(src), name ? name : mp_param_table[MP_P_CHECK_FILENAME].dflt,
                         &opts, &r, err);
    if (rc == 0) {
        mp_render_check_text(&r, &res->text);
        rc = mp_mcp_set_result(res, mp_render_check_json(&r), err);
    }
    mp_check_result_release(&r);
    return rc;
}
