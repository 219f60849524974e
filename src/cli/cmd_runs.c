/* cmd_runs.c - `mlxplan runs read [FILE|-]`: read what mlx_lm printed and
 * show the figures taken and the lines not understood. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "render/json.h"
#include "render/runs.h"
#include "runs/read.h"
#include "util/text.h"

/* Read the paste from `path` ("-" or NULL: standard input) into a malloc'd
 * buffer of at most MP_RUNS_MAX_INPUT_BYTES. */
static int read_input(const char *path, char **text, size_t *len, mp_error *err)
{
    if (path && strcmp(path, "-") != 0)
        return mp_read_file(path, MP_RUNS_MAX_INPUT_BYTES, "run output", text, len, err);
    return mp_read_stream(stdin, MP_RUNS_MAX_INPUT_BYTES, "standard input", text, len, err);
}

static int emit_json(cJSON *root, cli_io *io)
{
    if (!root)
        return mp_error_set(&io->err, MP_ENOMEM, "out of memory");
    int rc = mp_json_write(root, &io->out);
    cJSON_Delete(root);
    return rc ? mp_error_set(&io->err, rc, "out of memory") : 0;
}

static int run_read(const cli_args *args, cli_io *io)
{
    if (args->n_pos > 2)
        return cli_usage_error(&cli_cmd_runs, &io->err, "'runs read' takes one FILE or '-', got '%.60s'",
                               args->pos[2]);
    char *text = NULL;
    size_t len = 0;
    int rc = read_input(args->n_pos > 1 ? args->pos[1] : NULL, &text, &len, &io->err);
    if (rc)
        return rc;
    mp_run_reading *r = malloc(sizeof *r);
    if (!r) {
        free(text);
        return mp_error_set(&io->err, MP_ENOMEM, "out of memory");
    }
    rc = mp_runs_read(text, len, r, &io->err);
    free(text);
    if (rc == 0) {
        if (mp_pv_given(&args->pv, MP_P_JSON))
            rc = emit_json(mp_render_reading_json(r), io);
        else
            mp_render_reading_md(r, &io->out);
    }
    free(r);
    return rc;
}

static int run(const cli_args *args, cli_io *io)
{
    const char *sub = args->pos[0];
    if (strcmp(sub, "read") == 0)
        return run_read(args, io);
    return cli_usage_error(&cli_cmd_runs, &io->err, "unknown 'runs' subcommand '%.60s'; use read",
                           sub);
}

const cli_cmd cli_cmd_runs = {
    "runs",
    run,
    "your own runs: read what mlx_lm printed (generate, benchmark, lora, chat, server)",
    "read [FILE|-] [--json]",
    "'runs read' reads pasted mlx-lm output (a file, or standard input when FILE\n"
    "is '-' or absent): mlx_lm.generate --verbose, mlx_lm.benchmark, mlx_lm.lora\n"
    "logs (0.32 and older releases), mlx_lm.chat turns, mlx_lm.server logs, a\n"
    "printed GenerationResponse, and a pasted mlx_lm command line for the setup.\n"
    "It prints every figure it took (label: measured) and which lines it used\n"
    "and which it did not understand.\n"
    "Limits: input up to 4 MiB; lines past 4095 bytes are cut.",
    NULL,
    1,
    2,
    MP_PC_RUNS,
};
