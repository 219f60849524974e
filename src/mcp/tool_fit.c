/* tool_fit.c - the MCP `fit` tool: the searches of engine/fit.h, one per
 * mode (formats of a model on a chip, registry models for a chip, machines
 * for a model, fine-tuning settings).  The CLI picks the search from the
 * flags given; here the caller names it.  Arguments are read into the
 * parameter table's settings; the work is mp_fit_run (src/app). */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/fit.h"

int mp_mcp_tool_fit(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_FIT, &pv, err);
    if (rc)
        return rc;
    /* the schema requires 'mode', from the list */
    const char *mode_s = pv.v[MP_P_FIT_MODE].s;
    int mode = 0;
    while (mode < MP_PMODE_N - 1 && strcmp(mp_param_mode_names[mode], mode_s) != 0)
        mode++;
    mp_fit_in in = {&pv, mode, false, false};
    mp_fit_out *out = calloc(1, sizeof *out);
    if (!out)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    rc = mp_fit_run(&in, out, err);
    if (rc == 0) {
        mp_render_fit_md(&out->view, &res->text);
        rc = mp_mcp_set_result(res, mp_render_fit_json(&out->view), err);
    }
    mp_fit_out_release(out);
    free(out);
    return rc;
}
