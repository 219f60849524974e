/* tool_estimate.c - the MCP `estimate` tool: memory and speed of one model
 * on one machine, for inference, fine-tuning or training from scratch.
 * Arguments are read into the parameter table's settings; the work is
 * mp_estimate_run (src/app), as for `mlxplan estimate`; this renders. */
#include <stdlib.h>

#include "app/app.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/estimate.h"

int mp_mcp_tool_estimate(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_ESTIMATE, &pv, err);
    if (rc)
        return rc;
    mp_estimate_in in = {&pv, false, false, false};
    mp_estimate_out *out = calloc(1, sizeof *out);
    if (!out)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    rc = mp_estimate_run(&in, out, err);
    if (rc == 0) {
        mp_render_estimate_md(&out->view, &res->text);
        rc = mp_mcp_set_result(res, mp_render_estimate_json(&out->view), err);
    }
    mp_estimate_out_release(out);
    free(out);
    return rc;
}
