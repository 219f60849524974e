/* cmd_runs.c - `mlxplan runs`: read what mlx_lm printed (read), keep it in
 * the user's runs database compared with its estimate (add), and list, show
 * or forget stored runs.  The work is in src/app/runs.c; this reads the
 * arguments and renders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/runs.h"
#include "cli/cli.h"
#include "render/run.h"
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

/* The settings of the run's setup (read and checked by cli_parse). */
static const mp_param_id setup_ids[] = {MP_P_MODEL, MP_P_QUANT, MP_P_CHIP, MP_P_MEMORY,
                                        MP_P_CONTEXT};

static mp_run_view view_of(const mp_run_out *o)
{
    mp_run_view v = {&o->reading, &o->row,    o->have_estimate, o->band_pct, o->n_assumed,
                     o->assumed,  o->no_estimate, o->id,        o->db_path, &o->diag, NULL};
    return v;
}

static int read_or_add(const cli_args *args, cli_io *io, bool add)
{
    if (args->n_pos > 2)
        return cli_usage_error(&cli_cmd_runs, &io->err, "'runs %s' takes one FILE or '-', got '%.60s'", add ? "add" : "read",
                               args->pos[2]);
    int rc;
    char *text = NULL;
    size_t len = 0;
    if ((rc = read_input(args->n_pos > 1 ? args->pos[1] : NULL, &text, &len, &io->err)))
        return rc;
    mp_run_out *o = calloc(1, sizeof *o);
    if (!o) {
        free(text);
        return mp_error_set(&io->err, MP_ENOMEM, "out of memory");
    }
    mp_run_in in = {&args->pv, text, len, add, add, false};
    rc = add ? mp_run_add(&in, o, &io->err) : mp_run_prepare(&in, o, &io->err);
    free(text);
    if (rc == 0) {
        mp_run_view v = view_of(o);
        if (mp_pv_given(&args->pv, MP_P_JSON) && !add && !o->have_estimate)
            rc = mp_json_emit(mp_render_reading_json(&o->reading), &io->out, &io->err);
        else if (mp_pv_given(&args->pv, MP_P_JSON))
            rc = mp_json_emit(mp_render_run_json(&v), &io->out, &io->err);
        else
            mp_render_run_md(&v, &io->out);
    }
    mp_run_out_release(o);
    free(o);
    return rc;
}

/* runs read: the reading, and with a setup (the paste's command line and
 * --chip; this machine is never read, so the output depends on the input
 * only) its comparison with the estimate and the diagnosis. */
static int run_read(const cli_args *args, cli_io *io)
{
    return read_or_add(args, io, false);
}

static int run_add(const cli_args *args, cli_io *io)
{
    return read_or_add(args, io, true);
}

static int run_list(const cli_args *args, cli_io *io)
{
    if (args->n_pos > 1)
        return cli_usage_error(&cli_cmd_runs, &io->err, "'runs list' takes no argument, got '%.60s'",
                               args->pos[1]);
    mp_run_row *rows = NULL;
    int n = 0;
    char path[4096];
    int rc = mp_runs_list_run(&rows, &n, path, &io->err);
    if (rc == 0) {
        if (mp_pv_given(&args->pv, MP_P_JSON))
            rc = mp_json_emit(mp_render_runs_list_json(rows, n, path), &io->out, &io->err);
        else
            mp_render_runs_list_md(rows, n, path, &io->out);
    }
    free(rows);
    return rc;
}

static int parse_id(const char *s, int64_t *id, mp_error *err)
{
    return mp_parse_i64(s, 1, 999999999999LL, "run id", id, err);
}

static int run_show(const cli_args *args, cli_io *io)
{
    if (args->n_pos != 2)
        return cli_usage_error(&cli_cmd_runs, &io->err, "'runs show' takes one run id%s",
                               args->n_pos > 2 ? " (see 'mlxplan runs list')" : "");
    int64_t id;
    int rc = parse_id(args->pos[1], &id, &io->err);
    if (rc)
        return rc;
    mp_run_row row;
    char *reading = NULL;
    rc = mp_runs_show_run(id, &row, &reading, &io->err);
    if (rc == 0) {
        if (mp_pv_given(&args->pv, MP_P_JSON))
            rc = mp_json_emit(mp_render_run_row_json(&row, reading), &io->out, &io->err);
        else
            mp_render_run_row_md(&row, reading, &io->out);
    }
    free(reading);
    return rc;
}

static int run_forget(const cli_args *args, cli_io *io)
{
    bool all = mp_pv_given(&args->pv, MP_P_ALL);
    if ((all && args->n_pos != 1) || (!all && args->n_pos != 2))
        return cli_usage_error(&cli_cmd_runs, &io->err, "'runs forget' takes one run id or --all");
    int64_t id = -1;
    int rc;
    if (!all && (rc = parse_id(args->pos[1], &id, &io->err)))
        return rc;
    int removed = 0;
    if ((rc = mp_runs_forget_run(id, &removed, &io->err)))
        return rc;
    if (mp_pv_given(&args->pv, MP_P_JSON)) {
        cJSON *o = cJSON_CreateObject();
        if (o)
            mp_json_num(o, "forgotten", removed);
        return mp_json_emit(o, &io->out, &io->err);
    }
    mp_buf_printf(&io->out, "Forgot %d run%s.\n", removed, removed == 1 ? "" : "s");
    return 0;
}

static int run(const cli_args *args, cli_io *io)
{
    const char *sub = args->pos[0];

    if (strcmp(sub, "add") != 0 && strcmp(sub, "read") != 0)
        for (size_t i = 0; i < sizeof setup_ids / sizeof setup_ids[0]; i++)
            if (mp_pv_given(&args->pv, setup_ids[i]))
                return cli_usage_error(&cli_cmd_runs, &io->err, "%s goes with 'runs add' and 'runs read'",
                                       mp_pname(setup_ids[i]));
    if (strcmp(sub, "forget") != 0 && mp_pv_given(&args->pv, MP_P_ALL))
        return cli_usage_error(&cli_cmd_runs, &io->err, "--all goes with 'runs forget'");
    if (strcmp(sub, "read") == 0)
        return run_read(args, io);
    if (strcmp(sub, "add") == 0)
        return run_add(args, io);
    if (strcmp(sub, "list") == 0)
        return run_list(args, io);
    if (strcmp(sub, "show") == 0)
        return run_show(args, io);
    if (strcmp(sub, "forget") == 0)
        return run_forget(args, io);
    return cli_usage_error(&cli_cmd_runs, &io->err,
                           "unknown 'runs' subcommand '%.60s'; use read, add, list, show or forget",
                           sub);
}

const cli_cmd cli_cmd_runs = {
    "runs",
    run,
    "your own runs: read what mlx_lm printed, keep it, compare it with the estimate",
    "read|add [FILE|-] | list | show ID | forget ID|--all  [options]",
    "'runs read' reads pasted mlx-lm output (a file, or standard input when FILE\n"
    "is '-' or absent): mlx_lm.generate --verbose, mlx_lm.benchmark, mlx_lm.lora\n"
    "logs (0.32 and older releases), mlx_lm.chat turns, mlx_lm.server logs, a\n"
    "printed GenerationResponse, and a pasted mlx_lm command line for the setup.\n"
    "It prints every figure it took (label: measured) and which lines it used\n"
    "and which it did not understand; with --chip (and the model pasted or given)\n"
    "also the estimate for that setup and the diagnosis: measured / estimated,\n"
    "the verdict, and when slower the likely causes, each with the command that\n"
    "checks it and the computed gain of its fix.\n"
    "'runs add' reads the same output, diagnoses it and stores it in your runs\n"
    "database with its setup and the estimate for that setup.  The setup comes from the pasted\n"
    "command line, else from the options, else from this machine; what is still\n"
    "missing is stated as assumed.  Nothing is stored when the input is refused.\n"
    "'runs list', 'runs show ID' and 'runs forget ID|--all' read and edit it.\n"
    "Database: $MLXPLAN_HOME/runs.db when MLXPLAN_HOME is set, else\n"
    "~/Library/Application Support/mlxplan/runs.db on macOS and\n"
    "$XDG_DATA_HOME/mlxplan/runs.db (~/.local/share) elsewhere.\n"
    "Limits: input up to 4 MiB; lines past 4095 bytes are cut.",
    NULL,
    1,
    2,
    MP_PC_RUNS,
};
