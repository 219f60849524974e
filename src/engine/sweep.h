/*
 * sweep.h - the estimators run over a range of settings, for the charts:
 * memory and decode speed as the context grows, and every weight format of
 * the ladder for one or several models on one machine.
 *
 * Every point is computed with the functions mp_infer itself uses
 * (mp_infer_memory, mp_verdict_banded with the estimate's memory band, mp_decode_step_s), so the point at an
 * estimate's own settings equals that estimate exactly, and a grid cell
 * equals what `mlxplan estimate` prints for that model and format (tests
 * check both).  Renderers draw these structs; they compute nothing.
 */
#ifndef MP_ENGINE_SWEEP_H
#define MP_ENGINE_SWEEP_H

#include <stdint.h>

#include "engine/infer.h"

#define MP_SWEEP_MAX 64
#define MP_LADDER_MAX 16

typedef struct mp_context_point {
    int64_t context_tokens;
    double weights_bytes, kv_bytes, act_bytes, total_bytes;
    double decode_tok_s;          /* per sequence, as mp_infer_result.decode_tok_s */
    mp_verdict verdict;
} mp_context_point;

typedef enum mp_sweep_end {
    MP_SWEEP_END_MODEL,           /* the model's max_position_embeddings */
    MP_SWEEP_END_DEFAULT,         /* 128K: the model does not say */
    MP_SWEEP_END_REQUEST,         /* the requested context is longer than both */
    MP_SWEEP_END_RAM,             /* stopped where memory passes 1.25 x max(RAM, request) */
} mp_sweep_end;

typedef struct mp_context_sweep {
    int n;
    mp_context_point pts[MP_SWEEP_MAX]; /* increasing context */
    int requested;                /* index of the request's own context in pts */
    int64_t max_fit_tokens;       /* longest context (256-token steps) that "fits"; 0 = none */
    int64_t max_run_tokens;       /* longest that fits or is "tight"; 0 = none */
    double budget_bytes, warn_bytes, max_bytes, ram_bytes; /* the machine's lines */
    mp_sweep_end end;             /* why the last point is where it is */
    int64_t model_max_tokens;     /* max_position_embeddings; 0 = unknown */
} mp_context_sweep;

/* Memory and decode speed of `req` at contexts from 1K (256 when the
 * request is shorter) up to the model's max_position_embeddings (128K when
 * unknown; at most 16M) or the requested context if longer: four points per doubling
 * (fewer for very wide ranges), each a multiple of 256, plus the requested
 * context itself.  Past the requested context the sweep stops at the first
 * point that needs more than 1.25 x the larger of the machine's RAM and the
 * request's own total (the chart would only show a wall).  A point's prompt is min(the request's prompt, its context).
 * max_fit_tokens / max_run_tokens are searched up to 16M tokens.
 * Errors: those of mp_infer for the request (checked first).  Fills *out. */
int mp_infer_sweep(const mp_infer_req *req, mp_context_sweep *out, mp_error *err);

typedef struct mp_fit_cell {
    mp_quant quant;
    double weights_bytes, kv_bytes, act_bytes, total_bytes;
    double decode_tok_s;          /* batch 1 at the row's context */
    mp_verdict verdict;           /* as mp_infer's verdict (error band included) */
    mp_verdict verdict_point;     /* as mp_infer's verdict_point (what the searches pick by) */
} mp_fit_cell;

typedef struct mp_fit_row {
    const char *model_id;         /* borrowed from the caller (registry ids are static) */
    double params;
    int n;                        /* cells: the formats of mp_fit_quant_ladder, best first */
    mp_fit_cell cells[MP_LADDER_MAX];
    double budget_bytes, warn_bytes, max_bytes; /* the machine's lines, as mp_infer sets them */
} mp_fit_row;

/* Every ladder format of `a` on `m` at `context` tokens (prompt = context,
 * batch 1, 16-bit KV cache: the settings of mp_fit_inference).  `label`
 * becomes row->model_id.  Errors: MP_EINVAL for context < 1. */
int mp_fit_row_compute(const mp_arch *a, const char *label, const mp_machine *m, int64_t context,
                       mp_fit_row *row, mp_error *err);

/* Rows for registry models named by `ids` (n_ids of them, in that order),
 * e.g. the models of mp_fit_models.  `rows` holds n_ids.  Errors:
 * MP_ENOTFOUND for an id the registry lacks, and those of
 * mp_fit_row_compute. */
int mp_fit_grid(const mp_machine *m, int64_t context, const char *const *ids, int n_ids,
                mp_fit_row *rows, mp_error *err);

#endif
