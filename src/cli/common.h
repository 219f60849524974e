/*
 * common.h - options shared by estimate, fit and plan: resolving --model,
 * --chip/--memory and --task, and turning the settings flags into engine
 * requests.  Each helper reads only the options its command declares
 * (cli_get_if), validates every value and names the bad one in the error.
 */
#ifndef MP_CLI_COMMON_H
#define MP_CLI_COMMON_H

#include "cli/cli.h"
#include "engine/infer.h"
#include "engine/train.h"
#include "model/registry.h"

typedef struct cli_common {
    const char *model_label;   /* what the user typed (or "decoder-125M") */
    mp_arch arch;
    bool have_arch;
    mp_origin origin;
    mp_machine mach;
    bool have_machine;
    bool chip_by_memory;
    mp_task task;
} cli_common;

/* Resolve --task, --model (or --params for pretrain) and --chip/--memory.
 * `need_machine`: a missing --chip is a usage error. */
int cli_common_load(const cli_args *args, cli_common *c, bool need_machine, mp_error *err);
void cli_common_release(cli_common *c);

/* Resolve only --chip/--memory into c->mach (used by commands without a
 * model, e.g. `fit --chip`). */
int cli_common_machine(const cli_args *args, cli_common *c, bool required, mp_error *err);

/* --offline (when the command declares it) as model loading options. */
mp_load_opts cli_load_opts(const cli_args *args);

/* --quant (default: how the model is stored) with --group-size.  A model
 * stored quantized (a config.json "quantization" block) takes only its own
 * format: another one is MP_EINVAL naming the stored format and the base
 * model to convert from. */
int cli_common_quant(const cli_args *args, const mp_arch *a, mp_quant *q, mp_error *err);

/* Inference settings: --quant --group-size --context --prompt --batch
 * --kv-bits --kv-group-size --max-kv-size. */
int cli_common_infer_req(const cli_args *args, cli_common *c, mp_infer_req *req, mp_error *err);

/* Training settings: --quant (base) --batch --seq --num-layers --rank
 * --optimizer --grad-checkpoint --grad-accum --iters --dataset-tokens --dtype. */
int cli_common_train_req(const cli_args *args, cli_common *c, mp_train_req *req, mp_error *err);

/* Output folder for a converted model, mlx-community style:
 * "mlx_model/Qwen3-8B-4bit". */
void cli_out_dir(const char *hf_id, const mp_quant *q, char *buf, size_t cap);

#endif
