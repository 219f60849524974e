/* tool_plan.c - the MCP `plan` tool: mp_plan_run (src/app) for a request in
 * plain words, with the renderers of `mlxplan plan`.
 *
 * What differs from the CLI, because an MCP server may run on another
 * machine than the person it answers and serves whatever a model asks:
 * it reads this machine for "my Mac" only when `detect` is true; models
 * are resolved by name only (never a path named in the request); it reads
 * no project journal and writes no file (the plan comes back in the
 * result; the caller saves it where it wants). */
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
    mp_plan_in in = {&pv, NULL, false, mp_pv_given(&pv, MP_P_DETECT), false};
    mp_plan *plan = NULL;
    rc = mp_plan_run(&in, &plan, err);
    if (rc)
        return rc;
    mp_render_plan_md(plan, &res->text);
    rc = mp_mcp_set_result(res, mp_render_plan_json(plan), err);
    mp_plan_free(plan);
    return rc;
}
