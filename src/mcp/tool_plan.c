/* tool_plan.c - the MCP `plan` tool: mp_plan_build for a request in plain
 * words, with the renderers of `mlxplan plan`.
 *
 * What differs from the CLI, because an MCP server may run on another
 * machine than the person it answers and serves whatever a model asks:
 * it reads this machine for "my Mac" only when `detect` is true; models
 * are resolved by name only (never a path named in the request); it reads
 * no project journal and writes no file (the plan comes back in the
 * result; the caller saves it where it wants). */
#include <string.h>

#include "app/app.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "plan/plan.h"
#include "render/plan.h"

int mp_mcp_tool_plan(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_PLAN, &pv, err);
    if (rc)
        return rc;
    mp_plan_req req;
    mp_plan_req_from_params(&pv, &req);
    size_t len = strlen(req.text);
    if (strspn(req.text, " \t\r\n") == len)
        return mp_error_set(err, MP_EINVAL, "'request' is blank: say what to do in plain words, "
                            "e.g. \"fine-tune Llama 3.1 8B on my M3 Max 36GB\"");
    if (len > MP_REQUEST_MAX_BYTES)
        return mp_error_set(err, MP_ELIMIT, "'request' is %zu bytes, over the limit of %d",
                            len, MP_REQUEST_MAX_BYTES);
    req.detect = mp_pv_given(&pv, MP_P_DETECT);
    req.names_only = true;
    mp_plan *plan = NULL;
    rc = mp_plan_build(&req, &plan, err);
    if (rc)
        return rc;
    mp_render_plan_md(plan, &res->text);
    rc = mp_mcp_set_result(res, mp_render_plan_json(plan), err);
    mp_plan_free(plan);
    return rc;
}
