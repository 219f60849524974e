/* cmd_estimate.c - `mlxplan estimate`: memory and speed of one model on one
 * machine, for inference or training.  The settings come from the parameter
 * table (cli_args.pv); the work is mp_estimate_run (src/app); this renders. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "render/estimate.h"
#include "render/json.h"

static int run(const cli_args *args, cli_io *io)
{
    mp_error *err = &io->err;
    mp_estimate_in in = {&args->pv, true, cli_report_wanted(args), false};
    mp_estimate_out *out = calloc(1, sizeof *out);
    if (!out)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    int rc = mp_estimate_run(&in, out, err);
    const mp_estimate_view *v = &out->view;
    if (rc == 0 && mp_pv_given(&args->pv, MP_P_JSON)) {
        rc = mp_json_emit(mp_render_estimate_json(v), &io->out, err);
    } else if (rc == 0) {
        mp_render_estimate_md(v, &io->out);
    }
    if (rc == 0 && cli_report_wanted(args)) {
        mp_buf md = MP_BUF_INIT;
        mp_chart_set charts;
        mp_chart_set_init(&charts);
        mp_render_estimate_md(v, &md);
        mp_charts_estimate(v, out->sweep, &charts);
        rc = cli_report_write(args, &md, NULL, &charts, io);
    }
    mp_estimate_out_release(out);
    free(out);
    return rc;
}

const cli_cmd cli_cmd_estimate = {
    "estimate",
    run,
    "memory and speed breakdown for one model on one machine (inference or training)",
    "--model ID --chip NAME [--memory GB] [--quant Q] [--context N] [--task T] [options]",
    "Every figure comes with its basis and an error band measured on real MLX runs\n"
    "(data/calibration/).  Inference follows mlx_lm.generate: KV cache in 256-token\n"
    "steps, prefill in 2048-token chunks.  Training follows mlx_lm.lora defaults:\n"
    "16 layers, rank 8, batch 4, 2048-token sequences, Adam.\n"
    "Limits: --model up to 400 bytes, a config.json up to 4 MiB and 1000 levels deep,\n"
    "chip names up to 200 bytes, any argument up to 64 KiB.",
    NULL,
    0,
    0,
    MP_PC_ESTIMATE,
};
