/* cmd_fit.c - `mlxplan fit`: search the settings, models or machines that
 * fit.  The settings come from the parameter table (cli_args.pv); the
 * search (chosen from the options given) is mp_fit_run (src/app); this
 * renders. */
#include <stdlib.h>

#include "app/app.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "render/fit.h"
#include "render/json.h"

static int run(const cli_args *args, cli_io *io)
{
    mp_error *err = &io->err;
    mp_fit_in in = {&args->pv, -1, true, cli_report_wanted(args)};
    mp_fit_out *out = calloc(1, sizeof *out);
    if (!out)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    int rc = mp_fit_run(&in, out, err);
    const mp_fit_view *v = &out->view;
    if (rc == 0 && !mp_pv_given(&args->pv, MP_P_JSON)) {
        mp_render_fit_md(v, &io->out);
    } else if (rc == 0) {
        rc = mp_json_emit(mp_render_fit_json(v), &io->out, err);
    }
    if (rc == 0 && cli_report_wanted(args)) {
        /* --html / --svg: the search's charts */
        mp_buf md = MP_BUF_INIT;
        mp_chart_set charts;
        mp_chart_set_init(&charts);
        mp_render_fit_md(v, &md);
        mp_charts_fit(v, out->rows, out->n_rows, &charts);
        rc = cli_report_write(args, &md, NULL, &charts, io);
    }
    mp_fit_out_release(out);
    free(out);
    return rc;
}

const cli_cmd cli_cmd_fit = {
    "fit",
    run,
    "search the settings, models or machines that fit",
    "[--model ID] [--chip NAME [--memory GB]] [--task T] [--context N] [--min-tok-s X]",
    "  --model and --chip: the weight formats (and longest context) that run it,\n"
    "                      best quality first; with --task lora|qlora|dora|full, the\n"
    "                      fine-tuning settings that fit.\n"
    "  --chip only:        the registry models that fit, largest first.\n"
    "  --model only:       the machines that meet --context and --min-tok-s.\n"
    "Every option shown was estimated with the same code as 'mlxplan estimate'.\n"
    "Limits: --model up to 400 bytes, a config.json up to 4 MiB and 1000 levels deep,\n"
    "chip names up to 200 bytes, any argument up to 64 KiB.",
    NULL,
    0,
    0,
    MP_PC_FIT,
};
