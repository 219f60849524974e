/*
 * guard.h - find every MLX / MLX-LM name and flag in a text and check it
 * against the knowledge tables.
 *
 * Recognised: Python names reached through the usual prefixes (mx., nn.,
 * optim., mlx.core., mlx.nn., mlx.optimizers., mlx.utils., mlx_lm.),
 * `from mlx... import a, b` and `import mlx...` lines, command lines of
 * mlx_lm.* / mlx_lm SUB / python -m mlx_lm SUB / mlx.launch /
 * mlx.distributed_config with their flags, and the keys of an mlx_lm.lora
 * YAML config (between "# mlx_lm.lora config" and the end of the block, or
 * any text passed with MP_GUARD_YAML).  The guard is what lets mlxplan
 * promise it never prints an API that does not exist: tests run it over the
 * program's own text and over every golden plan.
 */
#ifndef MP_KB_GUARD_H
#define MP_KB_GUARD_H

#include <stddef.h>

typedef enum mp_guard_kind {
    MP_GUARD_NAME,     /* a Python name: mlx.core.foo */
    MP_GUARD_MODULE,   /* an imported module */
    MP_GUARD_COMMAND,  /* a console command */
    MP_GUARD_FLAG,     /* a flag of a command */
    MP_GUARD_YAML_KEY, /* an mlx_lm.lora config key */
} mp_guard_kind;

/* Called for each unknown name: `what` is the qualified name or
 * "command flag"; line is 1-based.  Return nonzero to stop. */
typedef int (*mp_guard_cb)(mp_guard_kind kind, const char *what, int line, void *ctx);

enum { MP_GUARD_TEXT = 0, MP_GUARD_YAML = 1 };

/* Scan `text` (len bytes); returns the number of unknown names found and
 * calls `cb` (may be NULL) for each.  `known` (may be NULL) receives how
 * many names were checked. */
int mp_guard_scan(const char *text, size_t len, int mode, mp_guard_cb cb, void *ctx, int *known);

#endif
