/*
 * train.h - fine-tuning (mlx_lm.lora semantics) and from-scratch training:
 * memory breakdown and step time.
 *
 * Facts from mlx-lm (lora.py CONFIG_DEFAULTS, tuner/utils.py
 * linear_to_lora_layers, tuner/lora.py, tuner/dora.py) and MLX optimizers:
 *  - adapters go on every Linear / SwitchLinear / Embedding of the last
 *    num_layers blocks (default 16; -1 = all); LoRALinear keeps lora_a
 *    (in x r) and lora_b (r x out) in float32; LoRASwitchLinear keeps them
 *    per expert; DoRA adds a float32 magnitude per output and refuses expert
 *    layers; `full` unfreezes the whole of those blocks in the model dtype;
 *  - optimizer state lives in the parameter's dtype: Adam/AdamW m and v,
 *    SGD and Muon one buffer, Adafactor factored row and column moments;
 *  - activations are kept only for blocks that receive gradients; with
 *    --grad-checkpoint only each block's input is kept and the block is
 *    recomputed in the backward pass.
 * Activations count the tensors a block keeps for its backward pass (block
 * input, norm outputs, q/k/v, attention output, the MLP's gate, up,
 * activation and product).  At the pinned MLX commit the fused attention
 * has no backward on Metal or the CPU: while gradients are traced
 * mx.fast.scaled_dot_product_attention runs its unfused fallback, so every
 * trained attention layer keeps its probabilities (batch x heads x seq^2 in
 * the activation dtype) until the backward pass (mlx/fast.cpp,
 * mlx/backend/metal/scaled_dot_product_attention.cpp use_fallback).  The
 * CUDA backend runs cuDNN attention for 16-bit inputs and recomputes one
 * layer at a time.  A 16-bit base with float32 adapters keeps a float32 copy
 * of each adapted layer's input.  The loss keeps 16-bit logits, their
 * float32 softmax and the logits' gradient.  Constants fitted on measured
 * peaks are named in train.c.
 */
#ifndef MP_ENGINE_TRAIN_H
#define MP_ENGINE_TRAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/infer.h"
#include "engine/speed.h"

typedef enum mp_task {
    MP_TASK_INFER,
    MP_TASK_LORA,
    MP_TASK_DORA,
    MP_TASK_QLORA,     /* LoRA on a quantized base */
    MP_TASK_FULL,      /* full fine-tune of the last num_layers blocks */
    MP_TASK_PRETRAIN,  /* every parameter, from scratch */
} mp_task;

/* "inference", "lora", "dora", "qlora", "full", "pretrain"; parse is
 * case-insensitive ("infer" and "inference" both work). */
const char *mp_task_name(mp_task t);
int mp_task_parse(const char *s, mp_task *out, mp_error *err);

typedef enum mp_optim { MP_OPT_ADAM, MP_OPT_ADAMW, MP_OPT_MUON, MP_OPT_SGD, MP_OPT_ADAFACTOR } mp_optim;
const char *mp_optim_name(mp_optim o);          /* the mlx_lm.lora --optimizer value */
int mp_optim_parse(const char *s, mp_optim *out, mp_error *err);

typedef struct mp_train_req {
    const mp_arch *arch;
    const mp_machine *mach;
    mp_quant base_quant;     /* format of the frozen base (QLoRA: quantized) */
    mp_task task;
    int batch;               /* --batch-size (default 4) */
    int64_t seq_len;         /* tokens per example after truncation (--max-seq-length 2048) */
    int num_layers;          /* --num-layers (16; -1 = all) */
    int rank;                /* lora_parameters.rank (8) */
    bool grad_checkpoint;    /* --grad-checkpoint */
    int grad_accum;          /* --grad-accumulation-steps (1) */
    mp_optim optim;          /* --optimizer (adam) */
    mp_dtype train_dtype;    /* pretrain: dtype of the trained weights */
    int64_t iters;           /* --iters; 0 = use dataset_tokens or 1000 */
    double dataset_tokens;   /* total training tokens (0 = not given) */
    /* --data: the examples (engine/tdata.h); NULL = every example is
     * seq_len long.  Read by mp_fit_training and mp_train_on_data. */
    const struct mp_tdata *data;
} mp_train_req;

typedef struct mp_train_result {
    mp_task task;
    int layers_trained;          /* blocks that get gradients */
    double trainable_params;
    mp_mem_term frozen, trainable, grads, optimizer, activations, logits;
    double total_bytes;
    double budget_bytes, warn_bytes, max_bytes;
    mp_verdict verdict;          /* tight also when total + band passes budget_bytes */
    mp_verdict verdict_point;    /* of the point estimate alone: what the searches choose by */
    char verdict_text[MP_BASIS_LEN];
    double band_mem_pct, band_speed_pct;
    bool band_thin;

    double step_s;               /* one optimizer step (incl. accumulation) */
    double it_s;                 /* mlx-lm's it/sec: micro-batches per second */
    double tok_s;                /* trained tokens per second */
    /* the speed model's terms of one micro-batch (engine/speed.h,
     * mp_speed_train_s), its fixed seconds (its share of the optimizer
     * update) and its tokens */
    double step_x[MP_TR_N], step_fixed_s, micro_tokens;
    char speed_basis[MP_BASIS_LEN];
    const mp_calib *calib;       /* local calibration applied (engine/mcal.h), or NULL */
    mp_calib_label speed_label;  /* of tok_s, it_s and the times; estimated without calib */
    int64_t iters;               /* iterations counted for total_s */
    double total_s;
    char total_basis[MP_BASIS_LEN];
    double chinchilla_tokens;    /* pretrain: 20 tokens per parameter */
    double chinchilla_s;         /* pretrain: time to train on chinchilla_tokens */

    int n_notes;
    char notes[6][MP_BASIS_LEN];
} mp_train_result;

/* Estimate.  Errors: MP_EINVAL for bad settings (rank < 1, batch < 1,
 * num_layers beyond the model's depth, seq_len < 1), MP_EUNSUPPORTED for
 * combinations mlx-lm refuses (DoRA on expert layers, full fine-tuning of a
 * quantized base). */
int mp_train(const mp_train_req *req, mp_train_result *res, mp_error *err);

/* Whether training on `chip` runs MLX's fused attention (so no layer keeps
 * its attention probabilities): the CUDA backend with 16-bit activations
 * (`act_bytes` 2) and a head_dim cuDNN takes. */
bool mp_train_fused_attention(const mp_chip *chip, const mp_arch *a, double act_bytes);

/* A llama-style decoder of about `params` parameters for --params 125M:
 * hidden a multiple of 128 with hidden/layers near 64-128, SwiGLU MLP of
 * 8/3 hidden rounded to 256, head_dim 64, vocab `vocab`.  Fills `a` (release
 * with mp_arch_release). */
int mp_arch_for_size(double params, int64_t vocab, mp_dtype dtype, mp_arch *a, mp_error *err);

#endif
