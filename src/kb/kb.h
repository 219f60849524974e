/*
 * kb.h - exact look-ups in the MLX / MLX-LM knowledge base: API symbols,
 * command-line flags, LoRA config keys, data formats, practices, feature
 * versions and the pinned versions plans install.
 *
 * Every look-up is a binary search or a scan over compiled-in tables (see
 * tables.h); nothing is read from disk.  Names are accepted in the spellings
 * people write in code: `mx.` = mlx.core, `nn.` = mlx.nn, `optim.` =
 * mlx.optimizers, `mx.fast.` = mlx.core.fast, and fully qualified ones.
 */
#ifndef MP_KB_KB_H
#define MP_KB_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "kb/tables.h"
#include "util/buf.h"

/* ---- versions ----------------------------------------------------------- */

/* Value of a key of data/mlx/versions.tsv ("mlx_pin", ...); NULL if absent. */
const char *mp_kb_version(const char *key);

/* The text of `mlxplan --version`. */
void mp_kb_version_text(mp_buf *out);

/* ---- API symbols -------------------------------------------------------- */

/* Expand the usual aliases into a qualified name ("mx.fast.rms_norm" ->
 * "mlx.core.fast.rms_norm").  Writes into buf; returns buf. */
const char *mp_kb_qualify(const char *name, char *buf, size_t cap);

/* Exact match on a qualified or alias-prefixed name; NULL when unknown.
 * Overloads are adjacent rows with the same qname; this returns the first. */
const mp_api_row *mp_kb_api_find(const char *name);

/* Whether a row is deprecated; when it is and `repl` is not NULL, the
 * qualified replacement is written there (the row's replaced_by, which
 * tools/gen/gen.c took from the notes at build time). */
bool mp_kb_api_deprecated(const mp_api_row *r, char *repl, size_t cap);

/* The rows whose qname starts with `prefix` ("mlx.core.metal."): first
 * index and count, for completion and checks of a module's members. */
size_t mp_kb_api_prefix(const char *prefix, size_t *count);

/* Whether any row's qname starts with `prefix` (mp_kb_api_prefix without
 * counting them: one binary search). */
bool mp_kb_api_has_prefix(const char *prefix);

/* ---- command line ------------------------------------------------------- */

/* The row of `flag` (or of an alias of it, "-m") of `command`; NULL when the
 * command has no such flag.  `command` accepts "mlx_lm.lora" and
 * "mlx_lm lora". */
const mp_cli_row *mp_kb_cli_find(const char *command, const char *flag);

/* Whether `command` ("mlx_lm.lora", "mlx.launch") is known. */
bool mp_kb_cli_command_known(const char *command);

/* ---- LoRA config, data formats, model types, practices -------------------- */

const mp_lora_key_row *mp_kb_lora_key(const char *key);
const mp_format_row *mp_kb_format(const char *name);
bool mp_kb_model_type_supported(const char *model_type);
const mp_practice_row *mp_kb_practice(const char *id);

/* The first feature row that lists `qname` among its names (for "since"
 * notes); NULL when none does. */
const mp_feature_row *mp_kb_feature_for(const char *qname);

#endif
