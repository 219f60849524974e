/* tool_runs.c - the MCP `diagnose_run` and `add_run` tools: pasted mlx-lm
 * output read by the same readers as `mlxplan runs read` / `runs add`,
 * compared with the estimate for its setup and diagnosed; add_run also
 * stores it in the user's runs database.  The work is mp_run_prepare /
 * mp_run_add (src/app/runs.c); this reads the arguments and renders. */
#include <stdlib.h>
#include <string.h>

#include "app/runs.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/run.h"

static int run_tool(const cJSON *args, bool add, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_RUNS, &pv, err);
    if (rc)
        return rc;
    const char *text = pv.v[MP_P_RUN_OUTPUT].s; /* required by the schema */
    mp_run_out *o = calloc(1, sizeof *o);
    if (!o)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    /* the server's machine is read only when adding without a chip */
    mp_run_in in = {&pv, text, strlen(text), add, add, true};
    rc = add ? mp_run_add(&in, o, err) : mp_run_prepare(&in, o, err);
    if (rc == 0) {
        mp_run_view v = {&o->reading, &o->row,        o->have_estimate, o->band_pct,
                         o->n_assumed, o->assumed,    o->no_estimate,   o->id,
                         o->db_path,   &o->diag,     NULL};
        mp_render_run_md(&v, &res->text);
        rc = mp_mcp_set_result(res, mp_render_run_json(&v), err);
    }
    mp_run_out_release(o);
    free(o);
    return rc;
}

int mp_mcp_tool_diagnose_run(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    return run_tool(args, false, res, err);
}

int mp_mcp_tool_add_run(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    return run_tool(args, true, res, err);
}
