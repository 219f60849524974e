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

#include "engine/params.h"
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
} mp_calib_eval;

#define MP_CALIB_MAX 1024

/* Evaluate every row with parameters `p` (NULL = fitted).  `out` holds
 * MP_CALIB_MAX entries; *n receives how many were written (resolved or
 * not).  Returns 0, or an error when the built-in data cannot be read. */
int mp_calib_evaluate(const mp_params *p, mp_calib_eval *out, size_t *n, mp_error *err);

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
