/*
 * cli.h - the command table, option parsing and the handler contract.
 *
 * Each command lives in src/cli/cmd_<name>.c and exports one `cli_cmd`.
 * Every option comes from the parameter table (kb/params.def: the rows
 * whose CMDS has the command's `params` bit and that have a CLI spelling),
 * read and range-checked into cli_args.pv by cli_parse; handlers read
 * cli_args.pv (mp_pv_given, .i, .s), not option names.  A command's own
 * cli_opt array is left for the CLI_DASH_WORDS marker (test_params fails
 * on any option line that is not a table row).  The table drives parsing
 * and the usage text, so --help cannot drift from behaviour.
 *
 * Adding a command:
 *   1. write src/cli/cmd_<name>.c defining `const cli_cmd cli_cmd_<name>`;
 *   2. add X(<name>) to CLI_COMMANDS below (order = order in --help);
 *   3. add golden cases for --help, missing, extra and bad arguments to
 *      tests/e2e/cases.tsv.
 *
 * A handler parses nothing itself: it reads cli_args, calls the library,
 * renders into io->out and returns 0 or a negative mp_code with io->err
 * filled.  main() prints io->out to stdout only when the handler succeeded
 * (or returned MP_EFOUND, "problems found", for `check`), and the message
 * to stderr otherwise, so a failing command never prints half a document.
 */
#ifndef MP_CLI_CLI_H
#define MP_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "kb/param.h"
#include "util/buf.h"
#include "util/error.h"

typedef enum cli_opt_kind {
    CLI_SWITCH, /* --json */
    CLI_VALUE,  /* --model ID; the last occurrence wins */
    CLI_MULTI,  /* --rule R, may repeat */
    CLI_DASH_WORDS, /* not an option: its presence in the array makes unknown
                     * "-x" / "--xx" words positional arguments instead of
                     * errors (docs: `docs --num-layers` searches for the
                     * flag); not shown in the usage text */
} cli_opt_kind;

typedef struct cli_opt {
    const char *name;    /* long name without dashes */
    char short_name;     /* 0 for none */
    cli_opt_kind kind;
    const char *arg;     /* placeholder in usage, e.g. "ID"; NULL for switches */
    const char *help;    /* one line */
} cli_opt;

#define CLI_MAX_OPTS 48
#define CLI_MAX_MULTI 32
#define CLI_MAX_POS 1024 /* `check` takes many files */
/* Longest argument accepted (bytes); longer ones are a usage error, so no
 * option value, name or path reaches a parser unbounded.  As long as the
 * longest request `plan` takes (MP_REQUEST_MAX_BYTES), which may come as
 * one quoted argument. */
#define CLI_MAX_ARG_BYTES 65536

typedef struct cli_args {
    cli_opt opt_store[CLI_MAX_OPTS]; /* the table's rows, then the command's own */
    int param[CLI_MAX_OPTS];         /* opt_store[i]'s 1 + mp_param_id, or 0 */
    const cli_opt *opts;
    size_t n_opts;
    const char *value[CLI_MAX_OPTS];                 /* NULL when not given */
    const char *multi[CLI_MAX_OPTS][CLI_MAX_MULTI];
    int n_multi[CLI_MAX_OPTS];
    const char *pos[CLI_MAX_POS];
    int n_pos;
    bool help;
    mp_pvals pv;         /* the table's settings, read and checked by cli_parse */
} cli_args;

typedef struct cli_io {
    mp_buf out;          /* the document; written to stdout once */
    mp_error err;        /* the one-line failure message */
    const char *argv0;   /* "mlxplan" */
} cli_io;

typedef struct cli_cmd {
    const char *name;
    int (*run)(const cli_args *args, cli_io *io);
    const char *summary;     /* one line for `mlxplan --help` */
    const char *synopsis;    /* after "usage: mlxplan NAME " */
    const char *description; /* paragraph(s) shown by --help; may be NULL */
    const cli_opt *opts;     /* the command's own options, terminated by {NULL};
                              * NULL for none */
    int min_pos, max_pos;    /* positional argument count bounds */
    unsigned params;         /* MP_PC_* bit: the settings of kb/params.def this
                              * command takes come first, in table order */
} cli_cmd;

#define CLI_COMMANDS(X) \
    X(plan)             \
    X(estimate)         \
    X(fit)              \
    X(hw)               \
    X(models)           \
    X(docs)             \
    X(check)            \
    X(runs)             \
    X(mcp)

#define CLI_DECLARE(name) extern const cli_cmd cli_cmd_##name;
CLI_COMMANDS(CLI_DECLARE)
#undef CLI_DECLARE

/* Parse argv (after the command name), then read every table setting given
 * into out->pv (mp_param_read_text).  Usage errors return MP_EUSAGE with a
 * message that names the bad argument; a bad value MP_EUSAGE or MP_EINVAL
 * naming the option. */
int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_args *out, mp_error *err);

/* The value of option `name`, or NULL when absent.  Aborts on a name the
 * command did not declare (a programming error caught by the tests). */
const char *cli_get(const cli_args *a, const char *name);
bool cli_flag(const cli_args *a, const char *name);
/* Like cli_get, but NULL (not an abort) when the command does not declare
 * the option: for helpers shared by several commands. */
const char *cli_get_if(const cli_args *a, const char *name);
/* Values of a CLI_MULTI option; *n set to their count. */
const char *const *cli_get_multi(const cli_args *a, const char *name, int *n);

/* Write the --help text of `cmd`. */
void cli_usage(const cli_cmd *cmd, mp_buf *out);

/* A usage error naming the command (adds the "try --help" hint). */
int cli_usage_error(const cli_cmd *cmd, mp_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
