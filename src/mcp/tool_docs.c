/* tool_docs.c - the MCP `docs_search` and `docs_show` tools: the offline
 * MLX / MLX-LM reference (kb/docs.h) with the renderers of `mlxplan docs`.
 * The index is compiled in and opened read-only in memory per search. */
#include <string.h>

#include "kb/docs.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/docs.h"

/* 'kind' as a doc kind, or -1 when absent (the schema's enum lists only
 * valid names). */
static int kind_arg(const cJSON *args)
{
    const char *k = mp_mcp_str(args, "kind");
    return k ? mp_doc_kind_parse(k, NULL) : -1;
}

int mp_mcp_tool_docs_search(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    const char *query = mp_mcp_str(args, "query");
    int limit = (int)mp_mcp_int(args, "limit", 10);
    mp_docs *d = NULL;
    mp_doc_results r;
    memset(&r, 0, sizeof r);
    int rc = mp_docs_open(&d, err);
    if (rc == 0)
        rc = mp_docs_search(d, query, limit, kind_arg(args), &r, err);
    if (rc == 0) {
        mp_render_doc_results_md(&r, &res->text);
        rc = mp_mcp_set_result(res, mp_render_doc_results_json(&r), err);
    }
    mp_doc_results_release(&r);
    mp_docs_close(d);
    return rc;
}

int mp_mcp_tool_docs_show(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_doc_entry e;
    int rc = mp_docs_show(mp_mcp_str(args, "name"), kind_arg(args), &e, NULL, err);
    if (rc)
        return rc;
    mp_render_doc_entry_md(&e, &res->text);
    return mp_mcp_set_result(res, mp_render_doc_entry_json(&e), err);
}
