/*
 * tools.h - the MCP tool table: one row per tool, driving both `tools/list`
 * (name, title, description, schemas) and `tools/call` (validation against
 * the input schema, the handler, the check of the structured result
 * against the output schema).
 *
 * A handler receives arguments that already satisfy its input schema; it
 * checks only what a schema cannot say (which arguments go together) and
 * calls the library.  On success it writes Markdown for people into
 * res->text, sets res->structured to an object that satisfies its output
 * schema and returns 0.  On failure it returns a negative mp_code with
 * `err` filled: the message becomes an `isError: true` tool result, so it
 * must tell the caller what to change.  The caller owns and frees
 * res->structured in every case.
 *
 * Wiring an engine that has landed (plan, estimate, fit, model_info,
 * docs_search, docs_show, check_code):
 *   1. write src/mcp/tool_<area>.c with `int mp_mcp_tool_<name>(...)`
 *      (see tool_hw.c), declared below;
 *   2. put it in the row's `run` in tools.c, adjusting the schemas to what
 *      the engine really returns (the server refuses any structured result
 *      its output schema rejects);
 *   3. add valid and invalid calls to tests/unit/test_mcp.c and
 *      tests/mcp/client.test.mjs.
 * A row whose `run` is NULL is listed, validates its arguments and answers
 * "not available in this build".
 */
#ifndef MP_MCP_TOOLS_H
#define MP_MCP_TOOLS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct mp_mcp_result {
    mp_buf text;          /* Markdown for people */
    cJSON *structured;    /* object for programs; owned by the caller */
} mp_mcp_result;

typedef int (*mp_mcp_tool_fn)(const cJSON *args, mp_mcp_result *res, mp_error *err);

typedef struct mp_mcp_tool {
    const char *name;          /* [a-z_]+, stable */
    const char *title;         /* for people, a few words */
    const char *description;   /* for the model: what it answers and when to call it */
    const char *input_schema;  /* JSON Schema text (see schema.h for the subset) */
    const char *output_schema; /* JSON Schema text of structuredContent */
    mp_mcp_tool_fn run;        /* NULL: its engine is not in this build */
} mp_mcp_tool;

/* The table, in listing order. */
extern const mp_mcp_tool mp_mcp_tools[];
extern const size_t mp_mcp_tools_len;

/* ---- handlers --------------------------------------------------------------- */

/* hardware: list | show (chip, memory_gb) | detect. */
int mp_mcp_tool_hardware(const cJSON *args, mp_mcp_result *res, mp_error *err);

#endif
