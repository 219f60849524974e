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

static const cli_opt opts[] = {
    {"model", 'm', CLI_VALUE, "ID", "registry id, Hugging Face id, config.json or model folder"},
    {"chip", 'c', CLI_VALUE, "NAME", "chip, e.g. \"M4 Pro 20c\" (see 'mlxplan hw list')"},
    {"memory", 'M', CLI_VALUE, "GB", "installed memory (default: the chip's smallest)"},
    {"task", 't', CLI_VALUE, "TASK", "inference (default), lora, dora, qlora, full, pretrain"},
    {"quant", 'q', CLI_VALUE, "Q", "bf16|fp16|fp32, 2-8 (affine bits), mxfp4|nvfp4|mxfp8, mixed_4_6"},
    {"group-size", 0, CLI_VALUE, "N", "affine group size 32, 64 (default) or 128"},
    {"context", 0, CLI_VALUE, "N", "tokens held in the KV cache (default 4096)"},
    {"prompt", 0, CLI_VALUE, "N", "prompt tokens for prefill and TTFT (default: the context)"},
    {"batch", 'b', CLI_VALUE, "N", "sequences (inference, default 1) or --batch-size (training, 4)"},
    {"kv-bits", 0, CLI_VALUE, "N", "quantize the KV cache (mlx_lm --kv-bits)"},
    {"kv-group-size", 0, CLI_VALUE, "N", "KV quantization group size (default 64)"},
    {"max-kv-size", 0, CLI_VALUE, "N", "rotating KV cache of N tokens (mlx_lm --max-kv-size)"},
    {"seq", 0, CLI_VALUE, "N", "training tokens per example (--max-seq-length, default 2048)"},
    {"num-layers", 0, CLI_VALUE, "N", "blocks to train (default 16, -1 = all)"},
    {"rank", 0, CLI_VALUE, "N", "LoRA rank (default 8)"},
    {"optimizer", 0, CLI_VALUE, "NAME", "adam (default), adamw, muon, sgd, adafactor"},
    {"grad-checkpoint", 0, CLI_SWITCH, NULL, "recompute activations in the backward pass"},
    {"grad-accum", 0, CLI_VALUE, "N", "gradient accumulation steps (default 1)"},
    {"iters", 0, CLI_VALUE, "N", "training iterations (default 1000)"},
    {"dataset-tokens", 0, CLI_VALUE, "N", "training tokens in one pass, e.g. 50M"},
    {"params", 0, CLI_VALUE, "N", "pretrain: model size such as 125M (instead of --model)"},
    {"vocab", 0, CLI_VALUE, "N", "pretrain with --params: vocabulary size (default 32000)"},
    {"dtype", 0, CLI_VALUE, "T", "pretrain: dtype of the trained weights (default float32)"},
    {"offline", 0, CLI_SWITCH, NULL, "never contact the Hugging Face Hub"},
    CLI_REPORT_OPTS,
    {"json", 0, CLI_SWITCH, NULL, "print JSON instead of Markdown"},
    {NULL, 0, CLI_SWITCH, NULL, NULL},
};

static int run(const cli_args *args, cli_io *io)
{
    mp_error *err = &io->err;
    cli_common c;
    int rc = cli_common_load(args, &c, true, err);
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
    opts,
    0,
    0,
};
