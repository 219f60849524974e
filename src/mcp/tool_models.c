/* tool_models.c - the MCP `model_info` tool: one model's architecture, as
 * `mlxplan models show` prints it, for a model named by id (registry, local
 * Hugging Face cache, Hub) or given as the text of its config.json. */
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/models.h"

int mp_mcp_tool_model_info(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_mcp_model m;
    int rc = mp_mcp_model_load(args, &m, err);
    if (rc == 0) {
        mp_render_model_md(&m.arch, &m.origin, &res->text);
        rc = mp_mcp_set_result(res, mp_render_model_json(&m.arch, &m.origin), err);
    }
    mp_mcp_model_release(&m);
    return rc;
}
