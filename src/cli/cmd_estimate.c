/* cmd_estimate.c - `mlxplan estimate`: memory and speed of one model on one
 * machine, for inference or training. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/report.h"
#include "engine/fit.h"
#include "engine/sweep.h"
#include "plan/commands.h"
#include "render/estimate.h"
#include "render/json.h"
#include "util/text.h"


static int run(const cli_args *args, cli_io *io)
{
    mp_error *err = &io->err;
    mp_task task = MP_TASK_INFER;
    int rc;
    if (mp_pv_given(&args->pv, MP_P_TASK) &&
        (rc = mp_task_parse(args->pv.v[MP_P_TASK].s, &task, err)) != 0)
        return rc;
    if ((rc = mp_param_check_task(&args->pv, MP_PC_ESTIMATE, (int)task, err)) != 0)
        return rc;
    cli_common c;
    rc = cli_common_load(args, &c, true, err);
    if (rc)
        return rc;
    mp_estimate_view v;
    memset(&v, 0, sizeof v);
    v.model_label = c.model_label;
    v.origin = &c.origin;
    v.arch = &c.arch;
    v.mach = &c.mach;
    v.chip_by_memory = c.chip_by_memory;
    mp_buf cmds[MP_CMD_STEPS_MAX] = {MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT};
    mp_infer_result inf;
    mp_train_result tr;
    mp_train_req treq;
    mp_remedy remedies[MP_MAX_REMEDIES];
    mp_context_sweep sweep;
    const mp_context_sweep *sw = NULL;
    const char *hf = c.origin.kind == MP_ORIGIN_REGISTRY ? c.arch.id : c.model_label;
    if (c.task == MP_TASK_INFER) {
        mp_infer_req req;
        if ((rc = cli_common_infer_req(args, &c, &req, err)) != 0)
            goto done;
        if ((rc = mp_infer(&req, &inf, err)) != 0)
            goto done;
        v.inf = &inf;
        if (cli_report_wanted(args)) {
            if ((rc = mp_infer_sweep(&req, &sweep, err)) != 0)
                goto done;
            sw = &sweep;
        }
        v.n_remedies = mp_fit_remedies(&req, &inf, remedies, MP_MAX_REMEDIES);
        v.remedies = remedies;
        v.n_commands = mp_cmd_estimate_steps(cmds, hf, &req, NULL);
    } else {
        if ((rc = cli_common_train_req(args, &c, &treq, err)) != 0)
            goto done;
        if ((rc = mp_train(&treq, &tr, err)) != 0)
            goto done;
        v.treq = &treq;
        v.tr = &tr;
        v.n_commands = mp_cmd_estimate_steps(cmds, hf, NULL, &treq);
    }
    for (int i = 0; i < v.n_commands; i++) {
        if (mp_buf_status(&cmds[i])) {
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
            goto done;
        }
        v.commands[i] = mp_buf_cstr(&cmds[i]);
    }
    if (cli_flag(args, "json")) {
        cJSON *root = mp_render_estimate_json(&v);
        rc = root ? mp_json_write(root, &io->out) : MP_ENOMEM;
        cJSON_Delete(root);
        if (rc)
            mp_error_set(err, rc, "out of memory");
    } else {
        mp_render_estimate_md(&v, &io->out);
    }
    if (rc == 0 && cli_report_wanted(args)) {
        mp_buf md = MP_BUF_INIT;
        mp_chart_set charts;
        mp_chart_set_init(&charts);
        mp_render_estimate_md(&v, &md);
        mp_charts_estimate(&v, sw, &charts);
        rc = cli_report_write(args, &md, &charts, io);
    }
done:
    for (int i = 0; i < MP_CMD_STEPS_MAX; i++)
        mp_buf_release(&cmds[i]);
    cli_common_release(&c);
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
