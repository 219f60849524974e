/*
 * docs.h - renderers for docs search results and single entries, in
 * Markdown (for people) and JSON (for programs and the MCP server).
 */
#ifndef MP_RENDER_DOCS_H
#define MP_RENDER_DOCS_H

#include <cjson/cJSON.h>

#include "kb/docs.h"
#include "util/buf.h"

/* Ranked results: one block per hit with its signature or default and its
 * version; "no results" plus suggestions when there are none. */
void mp_render_doc_results_md(const mp_doc_results *r, mp_buf *out);
/* {"query", "total", "results": [entry + rank, tier, score], "suggestions"}.
 * NULL when out of memory; the caller frees with cJSON_Delete. */
cJSON *mp_render_doc_results_json(const mp_doc_results *r);

/* Everything known about one entry, all overloads included. */
void mp_render_doc_entry_md(const mp_doc_entry *e, mp_buf *out);
/* NULL when out of memory; the caller frees with cJSON_Delete. */
cJSON *mp_render_doc_entry_json(const mp_doc_entry *e);

#endif
