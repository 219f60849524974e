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
 * Adding a tool:
 *   1. write src/mcp/tool_<area>.c with `int mp_mcp_tool_<name>(...)`
 *      (see tool_estimate.c), declared below; it calls the library, never
 *      src/cli, and reuses the render/ JSON builder for res->structured and
 *      the Markdown renderer for res->text.  mcp/args.h has the shared
 *      pieces: argument reading (mp_mcp_read_params for the parameter
 *      table's settings), model (names only, never a path) and machine
 *      resolution.  Every argument is a row of kb/params.def: the
 *      tool's `params` bit gives its schema properties (the input schema
 *      here keeps only "required"); the handler reads them with
 *      mp_mcp_read_params;
 *   2. put it in the row's `run` in tools.c, adjusting the schemas to what
 *      the renderer really writes (the server refuses any structured result
 *      its output schema rejects, and clients check it too);
 *   3. add valid and invalid calls to tests/unit/test_mcp.c,
 *      tests/mcp/client.test.mjs, tests/mcp/soak.c and the session of
 *      tests/e2e/cases-mcp.tsv.
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
    unsigned params;           /* MP_PC_* bit: the settings of kb/params.def the
                                * tool takes, added to input_schema's properties */
    bool writes;               /* it stores something (add_run: the user's runs
                                * database): not read-only, not idempotent */
} mp_mcp_tool;

/* The table, in listing order. */
extern const mp_mcp_tool mp_mcp_tools[];
extern const size_t mp_mcp_tools_len;

/* ---- handlers --------------------------------------------------------------- */

/* hardware: list | show (chip, memory_gb) | detect (tool_hw.c). */
int mp_mcp_tool_hardware(const cJSON *args, mp_mcp_result *res, mp_error *err);
/* check_code: source (text), filename, rules / ignore (rule IDs or names). */
int mp_mcp_tool_check_code(const cJSON *args, mp_mcp_result *res, mp_error *err);

/* plan: a plan for a request in plain words (tool_plan.c). */
int mp_mcp_tool_plan(const cJSON *args, mp_mcp_result *res, mp_error *err);

/* estimate: one model on one machine, inference or training (tool_estimate.c). */
int mp_mcp_tool_estimate(const cJSON *args, mp_mcp_result *res, mp_error *err);

/* diagnose_run / add_run: pasted mlx-lm output against its estimate; add_run
 * also stores it (tool_runs.c). */
int mp_mcp_tool_diagnose_run(const cJSON *args, mp_mcp_result *res, mp_error *err);
int mp_mcp_tool_add_run(const cJSON *args, mp_mcp_result *res, mp_error *err);

/* fit: formats | models | machines | training searches (tool_fit.c). */
int mp_mcp_tool_fit(const cJSON *args, mp_mcp_result *res, mp_error *err);

/* model_info: one model's architecture (tool_models.c). */
int mp_mcp_tool_model_info(const cJSON *args, mp_mcp_result *res, mp_error *err);

/* docs_search, docs_show: the offline MLX / MLX-LM reference (tool_docs.c). */
int mp_mcp_tool_docs_search(const cJSON *args, mp_mcp_result *res, mp_error *err);
int mp_mcp_tool_docs_show(const cJSON *args, mp_mcp_result *res, mp_error *err);

#endif
