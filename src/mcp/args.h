/*
 * args.h - what the MCP tool handlers share (internal to src/mcp): reading
 * arguments the input schema has already checked, the parameter table's
 * settings among them (mp_mcp_read_params), and handing over the result.
 * Models and machines are resolved by the use-cases (app/app.h) with
 * names only, never a path, so a request cannot make the server read a
 * file.  Engine messages already name settings in the tools' spelling (the
 * server sets MP_SPELL_MCP while a tool runs).
 */
#ifndef MP_MCP_ARGS_H
#define MP_MCP_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "engine/machine.h"
#include "engine/settings.h"
#include "kb/param.h"
#include "mcp/tools.h"
#include "model/registry.h"

/* Argument values; absent arguments give NULL / `dflt` / false. */
const char *mp_mcp_str(const cJSON *args, const char *key);
int64_t mp_mcp_int(const cJSON *args, const char *key, int64_t dflt);
double mp_mcp_num(const cJSON *args, const char *key, double dflt);
bool mp_mcp_true(const cJSON *args, const char *key);
bool mp_mcp_has(const cJSON *args, const char *key);

/* The parameter-table settings of a tool of `cmd` (MP_PC_*) among `args`,
 * typed and range-checked (kb/param.h); arguments that are not table rows
 * are left to the tool.  MP_EINVAL naming the argument. */
int mp_mcp_read_params(const cJSON *args, unsigned cmd, mp_pvals *pv, mp_error *err);

/* Take `structured` (NULL means out of memory) as the result object. */
int mp_mcp_set_result(mp_mcp_result *res, cJSON *structured, mp_error *err);

#endif
