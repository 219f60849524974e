/* tool_models.c - the MCP `model_info` tool: one model's architecture, as
 * `mlxplan models show` prints it, for a model named by id (registry, local
 * Hugging Face cache, Hub) or given as the text of its config.json. */
#include <string.h>

#include "app/app.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/models.h"

int mp_mcp_tool_model_info(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    mp_app_model m;
    memset(&m, 0, sizeof m);
    int rc = mp_mcp_read_params(args, MP_PC_MODEL_INFO, &pv, err);
    if (rc == 0)
        rc = mp_app_model_load(&pv, false, &m, err);
    if (rc == 0) {
        mp_render_model_md(&m.arch, &m.origin, &res->text);
        rc = mp_mcp_set_result(res, mp_render_model_json(&m.arch, &m.origin), err);
    }
    mp_app_model_release(&m);
    return rc;
}
