/*
 * calib.h - the estimators against measured MLX runs.
 *
 * Each row of data/calibration/mlx-eval.tsv is resolved into a model, a chip
 * and settings and predicted with the same code paths `mlxplan estimate`
 * uses; rows that cannot be resolved say why.  bench/accuracy.c prints the
 * errors and fits mp_params; the error bands of every estimate come from
 * these errors (bands.h).
 */
#ifndef MP_ENGINE_CALIB_H
#define MP_ENGINE_CALIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/params.h"
#include "engine/speedfit.h"
#include "kb/tables.h"
#include "util/error.h"

typedef enum mp_metric {
    MP_METRIC_DECODE,     /* decode tok/s */
    MP_METRIC_PREFILL,    /* prompt tok/s (prompt tokens / time to first token) */
    MP_METRIC_TTFT,       /* time to first token, s */
    MP_METRIC_TTFT_RATIO, /* M4 / M5 time-to-first-token ratio on the same prompt */
    MP_METRIC_MEMORY,     /* peak memory, decimal GB as mx.get_peak_memory()/1e9 */
    MP_METRIC_LORA_TOK,   /* fine-tuning tokens/s */
    MP_METRIC_LORA_IT,    /* fine-tuning iterations/s */
    MP_METRIC_N
} mp_metric;

const char *mp_metric_name(mp_metric m);

typedef struct mp_calib_eval {
    const mp_calib_row *row;
    mp_metric metric;
    bool resolved;
    char why[200];          /* when not resolved */
    double predicted, measured;
    double err_pct;         /* (predicted / measured - 1) * 100 */
    char tier[8];           /* base, Pro, Max, Ultra, nvidia */
    char family[8];         /* M1..M6, NVIDIA */
    char generation[16];    /* M1..M6, or the NVIDIA architecture (Hopper, ...) */
    bool moe;
    bool hybrid;            /* has linear-attention (fixed-state) layers */
    bool validation;        /* use=validation: never fitted, only predicted */
    int batch;              /* concurrent sequences (decode rows: aggregate tok/s) */
    char quant[24];         /* bf16, fp16, affine-4, mxfp4, ... */
    /* the speed model's view of a decode, prefill or TTFT row */
    bool speed;             /* the terms below are filled */
    int sclass;             /* generation class (engine/speed.h) */
    double xd[MP_DEC_N];      /* decode terms (prefill, TTFT: the first decode step) */
    double xp[MP_PRE_N];      /* prefill terms (prefill, TTFT rows) */
    /* LoRA rows: one micro-batch's FLOPs over the nominal peak (s), its
     * fixed seconds and its tokens (mp_train_result) */
    double xt[MP_TR_N], ot, micro_tokens;
    int ref_sclass;         /* TTFT-ratio rows: the M4 partner's class and terms */
    double ref_xd[MP_DEC_N], ref_xp[MP_PRE_N];
} mp_calib_eval;

#define MP_CALIB_MAX 1024

/* Evaluate every row with parameters `p` (NULL = fitted).  `out` holds
 * MP_CALIB_MAX entries; *n receives how many were written (resolved or
 * not).  Returns 0, or an error when the built-in data cannot be read. */
int mp_calib_evaluate(const mp_params *p, mp_calib_eval *out, size_t *n, mp_error *err);

/* The speed observations of evaluations (index-aligned with `ev`): each
 * resolved decode, prefill, TTFT or LoRA row with its terms and measured
 * seconds, weighted 1/sqrt(rows of its source and kind); weight 0 for every other
 * evaluation, for validation rows and for those `skip` marks (may be NULL). */
void mp_calib_speed_obs(const mp_calib_eval *ev, size_t n, const bool *skip, mp_speed_obs *obs);

/* Recompute the predicted value and error of the speed evaluations under
 * constants `c` (the others are left as they are). */
void mp_calib_repredict(mp_calib_eval *ev, size_t n, const mp_speed_consts *c);

/* A hash of every calibration row's fields the estimators read, and of the
 * speed priors (FNV-1a):
 * speed-constants.tsv records it, and a test fails when they differ. */
uint32_t mp_calib_hash(void);

/* The model family of an evaluation: "dense", "moe" or "hybrid" (hybrid
 * wins over moe: Qwen3.5-35B-A3B is both). */
const char *mp_calib_family(const mp_calib_eval *e);

/* Median and 90th-percentile absolute error (percent) of the resolved
 * evaluations accepted by `keep` (NULL = all); returns how many were used. */
size_t mp_calib_stats(const mp_calib_eval *ev, size_t n,
                      bool (*keep)(const mp_calib_eval *e, const void *ctx), const void *ctx,
                      double *median_pct, double *p90_pct);

/* Statistics of one category named as in data/calibration/error-bands.tsv:
 * "METRIC[/TIER|FAMILY][/dense|moe|hybrid]", "METRIC/g:GENERATION" or
 * "METRIC/q:QUANT" (e.g. "decode", "decode/Max/moe", "prefill/M4",
 * "decode/g:Hopper", "decode/q:affine-4"); validation rows are left out.  Returns the number
 * of rows (0 when none, or when the name is not a category). */
size_t mp_calib_category_stats(const mp_calib_eval *ev, size_t n, const char *category,
                               double *median_pct, double *p90_pct);

#endif
