/*
 * args.h - what the MCP tool handlers share (internal to src/mcp): reading
 * arguments the input schema has already checked, resolving the model and
 * the machine the way every tool does, reading the parameter table's
 * settings, and handing over the result.  Engine messages already name
 * settings in the tools' spelling (the server sets MP_SPELL_MCP).
 *
 * Models are resolved by name only: the registry, the local Hugging Face
 * cache, mlxplan's description cache and (unless `offline`) the Hub, or
 * the text of a config.json passed as `config_json`.  A name is never
 * taken as a path, so a request cannot make the server read a file.
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

typedef struct mp_mcp_model {
    mp_arch arch;
    mp_origin origin;
    char label[256];    /* as the caller named it: the id, or the config's model_type */
    bool loaded;
} mp_mcp_model;

/* The model named by 'model' (with 'offline'), or read from the text of
 * 'config_json'; exactly one of the two must be given (the message says
 * which tool arguments to use otherwise).  Release with
 * mp_mcp_model_release, also after an error. */
int mp_mcp_model_load(const cJSON *args, mp_mcp_model *m, mp_error *err);
void mp_mcp_model_release(mp_mcp_model *m);

/* The Hugging Face id the model's mlx_lm commands name: the registry id,
 * else the name as given; a placeholder for a 'config_json' model. */
const char *mp_mcp_model_hf(const mp_mcp_model *m);

/* The machine named by 'chip' (MP_EINVAL when absent) with 'memory_gb'
 * (absent: the chip's smallest configuration, marked assumed).  *by_memory tells whether the
 * memory size chose the GPU bin. */
int mp_mcp_machine(const cJSON *args, mp_machine *m, bool *by_memory, mp_error *err);

/* Take `structured` (NULL means out of memory) as the result object. */
int mp_mcp_set_result(mp_mcp_result *res, cJSON *structured, mp_error *err);

#endif
