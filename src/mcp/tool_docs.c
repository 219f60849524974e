/* tool_docs.c - the MCP `docs_search` and `docs_show` tools: the offline
 * MLX / MLX-LM reference (kb/docs.h) with the renderers of `mlxplan docs`.
 * The index is compiled in and opened read-only in memory per search. */
#include <string.h>

#include "kb/docs.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/docs.h"

/* The settings of a docs tool of `cmd`; *kind: 'kind' as a doc kind, or -1
 * when absent (the schema's enum lists only valid names). */
static int read_args(const cJSON *args, unsigned cmd, mp_pvals *pv, int *kind, mp_error *err)
{
    int rc = mp_mcp_read_params(args, cmd, pv, err);
    const char *k = pv->v[MP_P_DOC_KIND].s;
    *kind = !rc && k ? mp_doc_kind_parse(k, NULL) : -1;
    return rc;
}

int mp_mcp_tool_docs_search(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int kind;
    int rc = read_args(args, MP_PC_DOCS_SEARCH, &pv, &kind, err);
    if (rc)
        return rc;
    const char *query = pv.v[MP_P_DOC_QUERY].s;
    int limit = mp_pv_given(&pv, MP_P_DOC_LIMIT) ? (int)pv.v[MP_P_DOC_LIMIT].i
                                                  : (int)mp_param_dflt_i64(MP_P_DOC_LIMIT);
    mp_docs *d = NULL;
    mp_doc_results r;
    memset(&r, 0, sizeof r);
    rc = mp_docs_open(&d, err);
    if (rc == 0)
        rc = mp_docs_search(d, query, limit, kind, &r, err);
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
    mp_pvals pv;
    int kind;
    int rc = read_args(args, MP_PC_DOCS_SHOW, &pv, &kind, err);
    if (rc)
        return rc;
    mp_doc_entry e;
    rc = mp_docs_show(pv.v[MP_P_DOC_NAME].s, kind, &e, NULL, err);
    if (rc)
        return rc;
    mp_render_doc_entry_md(&e, &res->text);
    return mp_mcp_set_result(res, mp_render_doc_entry_json(&e), err);
}
