/*
 * check.h - `mlxplan check`: a static checker for Python code that uses MLX
 * and MLX-LM.  It reads source (it never runs it) and reports, like a
 * compiler, names that do not exist or are deprecated, keyword arguments a
 * function does not take, and training/inference patterns that make MLX slow
 * or wrong (lazy evaluation, compilation, dtypes, memory, randomness).
 *
 * Every rule has a stable ID, a name, a severity and a practice of the
 * knowledge base (data/mlx/practices.tsv) that explains it.  The rules are
 * listed once, in MP_CHECK_RULES below; that list drives the rule table, the
 * dispatch in check.c, `mlxplan check --help` and the IDs accepted by
 * --rule / --ignore and by "# mlxplan: ignore[ID]" comments.
 *
 * Rule IDs are stable: MLX0xx names, MLX1xx lazy evaluation, MLX2xx
 * performance, MLX3xx correctness.  An ID is never reused for another rule.
 *
 * Rules are conservative: a rule only fires when the code shows the problem
 * without doubt (a name reached through a module alias the file imported, a
 * loop that calls optimizer.update, ...); when in doubt, it stays silent.
 *
 * Callers: the CLI (src/cli/cmd_check.c) and the MCP server check source
 * text in memory with mp_check_source, under a display name of their choice.
 */
#ifndef MP_CHECK_CHECK_H
#define MP_CHECK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/error.h"

/* The largest source accepted, in bytes. */
#define MP_CHECK_MAX_SOURCE_BYTES ((size_t)2 << 20)

/* X(ID, function suffix, name, severity, practice, summary)
 * Severities: error (the code fails or computes the wrong thing), warning
 * (it works but wastes time or memory, or is not reproducible), note (a
 * suggestion). */
#define MP_CHECK_RULES(X) \
    X(MLX001, unknown_name, "unknown-name", error, "API-001", \
      "a name under mx., nn., optim., mlx.utils or mlx_lm that does not exist") \
    X(MLX002, deprecated_name, "deprecated-name", warning, "MEM-001", \
      "a deprecated name, with its replacement and since when") \
    X(MLX003, unknown_keyword, "unknown-keyword", error, "API-002", \
      "a keyword argument the MLX / MLX-LM function does not take") \
    X(MLX101, train_loop_no_eval, "train-loop-no-eval", warning, "LAZY-001", \
      "a training loop that never calls mx.eval on the updated state") \
    X(MLX102, sync_in_loop, "sync-in-loop", warning, "LAZY-003", \
      "a host sync (.item(), print(array), ...) before the step's mx.eval") \
    X(MLX103, array_grow_in_loop, "array-grow-in-loop", warning, "PERF-012", \
      "an array grown by concatenate or filled element by element in a loop") \
    X(MLX201, uncompiled_step, "uncompiled-step", note, "COMPILE-001", \
      "a training step called in a loop without mx.compile") \
    X(MLX202, compile_in_loop, "compile-in-loop", warning, "COMPILE-001", \
      "mx.compile called on every iteration of a training loop") \
    X(MLX203, float32_inference, "float32-inference", warning, "DTYPE-001", \
      "a model cast to float32 in a script that only runs inference") \
    X(MLX204, recreate_in_loop, "recreate-in-loop", warning, "TRAIN-009", \
      "the model, the optimizer or mlx_lm.load(...) redone in every iteration") \
    X(MLX205, load_weights_dtype, "load-weights-dtype", warning, "DTYPE-007", \
      "load_weights after set_dtype: the file's dtypes undo the cast") \
    X(MLX206, wired_limit, "wired-limit", note, "MEM-004", \
      "memory sizes set by hand for a model whose weights are never wired") \
    X(MLX207, host_read_per_step, "host-read-per-step", warning, "LAZY-006", \
      "a host read (.item(), float()) each iteration of a model loop") \
    X(MLX301, value_and_grad_args, "value-and-grad-args", error, "TRAIN-010", \
      "value_and_grad given, or called with, arguments that do not fit") \
    X(MLX302, update_without_eval, "update-without-eval", warning, "LAZY-001", \
      "an optimizer update that no mx.eval of the step evaluates") \
    X(MLX303, compile_missing_state, "compile-missing-state", error, "COMPILE-004", \
      "a compiled step that updates state without inputs= and outputs=") \
    X(MLX304, rng_mix, "rng-mix", warning, "RAND-001", \
      "NumPy and MLX randomness mixed with one generator left unseeded") \
    X(MLX305, checkpoint_bound_module, "checkpoint-bound-module", error, "TRAIN-011", \
      "mx.checkpoint over a module call: its weights get zero gradients")

typedef enum mp_check_rule_id {
#define MP_CHECK_RULE_ENUM(id, fn, name, sev, practice, summary) MP_CHECK_##id,
    MP_CHECK_RULES(MP_CHECK_RULE_ENUM)
#undef MP_CHECK_RULE_ENUM
    MP_CHECK_N_RULES
} mp_check_rule_id;

typedef enum mp_check_severity {
    MP_CHECK_note,
    MP_CHECK_warning,
    MP_CHECK_error,
} mp_check_severity;

typedef struct mp_check_rule {
    const char *id;         /* "MLX101" */
    const char *name;       /* "train-loop-no-eval" */
    mp_check_severity severity;
    const char *practice;   /* an id of data/mlx/practices.tsv */
    const char *summary;    /* one line */
} mp_check_rule;

/* The rule table, in ID order; *n set to MP_CHECK_N_RULES. */
const mp_check_rule *mp_check_rules(size_t *n);

/* The rule named by `id_or_name` ("MLX101", "mlx101" or "train-loop-no-eval");
 * NULL when there is none. */
const mp_check_rule *mp_check_rule_find(const char *id_or_name);

/* "error", "warning" or "note". */
const char *mp_check_severity_name(mp_check_severity s);

/* The rules as text for --help: "  MLX001 unknown-name (error, API-001)\n
 * <indent>summary\n" for each.  Compile-time constant, also available as
 * MP_CHECK_RULES_HELP for static initializers. */
#define MP_CHECK_RULE_HELP(id, fn, name, sev, practice, summary) \
    "  " #id "  " name " (" #sev ", practice " practice ")\n          " summary "\n"
#define MP_CHECK_RULES_HELP MP_CHECK_RULES(MP_CHECK_RULE_HELP)
void mp_check_rules_text(mp_buf *out);

/* Which rules run: a bit per mp_check_rule_id. */
typedef struct mp_check_options {
    uint32_t enabled;
} mp_check_options;

/* Every rule enabled. */
void mp_check_options_all(mp_check_options *o);

/* Enable only the rules in `select` (all when n_select is 0), then disable
 * those in `ignore`.  Names are IDs or rule names, case-insensitive.
 * Returns 0 or MP_ENOTFOUND for an unknown rule (the message quotes it and
 * suggests the closest rule). */
int mp_check_options_select(mp_check_options *o, const char *const *select, int n_select,
                            const char *const *ignore, int n_ignore, mp_error *err);

typedef struct mp_check_finding {
    const char *file;         /* display name, owned by the result */
    uint32_t line, col;       /* 1-based; col counts characters */
    mp_check_rule_id rule;
    const char *message;      /* one line, owned by the result */
    const char *hint;         /* one line, owned by the result; "" when none */
} mp_check_finding;

/* Findings of one or more sources.  Initialize with MP_CHECK_RESULT_INIT
 * (or mp_check_result_init); free with mp_check_result_release. */
typedef struct mp_check_result {
    mp_check_finding *items;
    size_t n, cap;
    size_t n_files;                  /* sources checked successfully */
    size_t n_files_with_findings;
    size_t count[3];                 /* per mp_check_severity */
    struct mp_check_strings *strings; /* storage of the texts */
} mp_check_result;

#define MP_CHECK_RESULT_INIT {NULL, 0, 0, 0, 0, {0, 0, 0}, NULL}

void mp_check_result_init(mp_check_result *r);
void mp_check_result_release(mp_check_result *r);

/* Check one source text and append its findings to `res` (sorted by line,
 * column and rule; "# mlxplan: ignore[ID]" comments applied).
 *   src, len      the source; it need not be NUL-terminated
 *   display_name  how findings and errors name it (copied)
 *   opts          the rules to run; NULL runs all
 * Errors (res unchanged, except that MP_ENOMEM may leave part of this
 * source's findings in it; the message starts with the display name):
 *   MP_ELIMIT  larger than MP_CHECK_MAX_SOURCE_BYTES, or a syntax tree over
 *              MP_PY_TREE_MAX_BYTES (check/pyast.h);
 *   MP_EPARSE  binary data (NUL bytes or invalid UTF-8), or not valid Python
 *              ("name:LINE:COL: not valid Python: <what>");
 *   MP_ENOMEM. */
int mp_check_source(const char *src, size_t len, const char *display_name,
                    const mp_check_options *opts, mp_check_result *res, mp_error *err);

/* Read `path` (a regular file of at most MP_CHECK_MAX_SOURCE_BYTES) and
 * check it as mp_check_source does, under the name `path`.  Extra errors:
 * MP_EIO (missing, unreadable, a directory), MP_ELIMIT (too large). */
int mp_check_file(const char *path, const mp_check_options *opts, mp_check_result *res,
                  mp_error *err);

/* Read a whole stream (standard input for `mlxplan check -`) and check it
 * under `display_name`.  Extra errors: MP_EIO (read error), MP_ELIMIT (more
 * than MP_CHECK_MAX_SOURCE_BYTES). */
int mp_check_stream(FILE *f, const char *display_name, const mp_check_options *opts,
                    mp_check_result *res, mp_error *err);

#endif
