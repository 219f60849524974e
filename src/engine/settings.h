/*
 * settings.h - the settings a person gives one estimate (weight format,
 * context, batch, KV cache, LoRA layers and rank, ...), checked together
 * and turned into an mp_infer_req or mp_train_req with mlx-lm's defaults.
 *
 * Front-ends read values in their own syntax (`mlxplan estimate` flags,
 * the MCP estimate tool's arguments), check each value's range, fill an
 * mp_settings and leave to this module what only shows when the values
 * meet: --prompt longer than --context, --kv-group-size without
 * --kv-bits, --kv-bits with --max-kv-size (mlx-lm cannot quantize a
 * rotating cache), a format other than the one a converted checkpoint is
 * stored in, QLoRA's usual 4-bit base, --dtype for a new model only.  So
 * both front-ends apply the same rules and defaults.
 *
 * Messages name settings with mp_pname (kb/param.h): each front-end's own
 * spelling ("--context" or 'context_tokens'), no rewriting.
 */
#ifndef MP_ENGINE_SETTINGS_H
#define MP_ENGINE_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/infer.h"
#include "engine/train.h"
#include "kb/param.h"

/* Bits of mp_settings.given: which values the person gave. */
enum {
    MP_SET_QUANT = 1u << 0,
    MP_SET_GROUP = 1u << 1,
    MP_SET_CONTEXT = 1u << 2,
    MP_SET_PROMPT = 1u << 3,
    MP_SET_BATCH = 1u << 4,
    MP_SET_KV_BITS = 1u << 5,
    MP_SET_KV_GROUP = 1u << 6,
    MP_SET_MAX_KV = 1u << 7,
    MP_SET_SEQ = 1u << 8,
    MP_SET_LAYERS = 1u << 9,
    MP_SET_RANK = 1u << 10,
    MP_SET_OPTIMIZER = 1u << 11,
    MP_SET_ACCUM = 1u << 12,
    MP_SET_ITERS = 1u << 13,
    MP_SET_DATASET = 1u << 14,
    MP_SET_DTYPE = 1u << 15,
};

/* Values count only when their bit is in `given`; the rest is ignored. */
typedef struct mp_settings {
    unsigned given;
    const char *quant;        /* --quant text: "4", "q4", "mxfp4", "bf16", "mixed_4_6" */
    int64_t group_size;       /* --group-size */
    int64_t context_tokens;   /* --context */
    int64_t prompt_tokens;    /* --prompt */
    int64_t batch;            /* --batch (inference: sequences; training: --batch-size) */
    int64_t kv_bits;          /* --kv-bits */
    int64_t kv_group;         /* --kv-group-size */
    int64_t max_kv_size;      /* --max-kv-size (tokens) */
    int64_t seq_len;          /* --seq: training tokens per example */
    int64_t num_layers;       /* --num-layers: -1 = all */
    int64_t rank;             /* --rank */
    const char *optimizer;    /* --optimizer: adam, adamw, muon, sgd, adafactor */
    int64_t grad_accum;       /* --grad-accum */
    int64_t iters;            /* --iters */
    double dataset_tokens;    /* --dataset-tokens */
    const char *dtype;        /* --dtype: trained weights of a new model */
    bool grad_checkpoint;     /* --grad-checkpoint (a switch: no bit) */
} mp_settings;

/* The settings among values read from the parameter table (the one
 * mapping from table rows to these fields). */
void mp_settings_from_pvals(const mp_pvals *pv, mp_settings *s);

/* The weight format: --quant with --group-size, else how `a` is stored.
 * Errors: MP_EUSAGE for --group-size without --quant; MP_EINVAL for a
 * format mlx-lm does not have, or one that differs from the format a
 * converted checkpoint is stored in (names the base model to convert
 * from when the registry has it). */
int mp_settings_quant(const mp_settings *s, const mp_arch *a, mp_quant *q, mp_error *err);

/* An inference request for `a` on `m` (both must outlive `req`): format as
 * mp_settings_quant, context 4096, prompt = context, batch 1, 16-bit KV
 * cache.  Errors: those of mp_settings_quant; MP_EINVAL for a prompt longer
 * than the given context; MP_EUSAGE for --kv-group-size without --kv-bits;
 * MP_EUNSUPPORTED for --kv-bits with --max-kv-size. */
int mp_settings_infer_req(const mp_settings *s, const mp_arch *a, const mp_machine *m,
                          mp_infer_req *req, mp_error *err);

/* A training request of `task` (not MP_TASK_INFER) for `a` on `m`, with
 * mlx_lm.lora's defaults: batch 4, 2048-token sequences, 16 layers, rank 8,
 * Adam, no accumulation; QLoRA on a 4-bit base unless a format is given or
 * the checkpoint is stored quantized; a new model (pretrain) trains in its
 * own dtype, or --dtype when `dtype_applies`.  Errors: those of
 * mp_settings_quant; MP_EINVAL for batch, seq or rank below 1, num_layers
 * 0 or below -1, an unknown optimizer, or a --dtype that is not a float
 * type. */
int mp_settings_train_req(const mp_settings *s, mp_task task, bool dtype_applies,
                          const mp_arch *a, const mp_machine *m, mp_train_req *req,
                          mp_error *err);

/* The float dtype named by `s` (bfloat16, float16, float32 and their short
 * forms).  MP_EINVAL naming --dtype otherwise. */
int mp_settings_dtype(const char *s, mp_dtype *out, mp_error *err);

#endif
