/*
 * infer.h - the inference estimator: memory and speed of one model on one
 * machine with one set of mlx-lm settings.
 *
 * Memory (bytes): weights (exact storage of every tensor in the chosen
 * format) + KV cache (per layer kind: full caches grow in 256-token steps,
 * rotating caches stop at their window, latent caches hold R+Dr values,
 * linear-attention layers keep a fixed state; quantized KV costs
 * bits/8 + 2*dtype_bytes/group per value) + activations of one prefill
 * chunk (mlx-lm evaluates the prompt 2048 tokens at a time) + the transient
 * copy a rotating cache makes while prefilling.
 *
 * Speed: the structural model of engine/speed.h (bytes over bandwidth,
 * FLOPs over peak, fixed costs per layer, chunk and call, with constants
 * fitted per GPU generation).  Every figure carries its basis and error band.
 */
#ifndef MP_ENGINE_INFER_H
#define MP_ENGINE_INFER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/machine.h"
#include "engine/params.h"
#include "model/arch.h"
#include "runs/calib.h"

#define MP_PREFILL_STEP 2048   /* mlx_lm generate_step prefill_step_size default */
#define MP_KV_STEP 256         /* KVCache.step */

typedef struct mp_infer_req {
    const mp_arch *arch;
    const mp_machine *mach;
    mp_quant quant;            /* weight format */
    int64_t context_tokens;    /* tokens the cache holds at the end (prompt + output) */
    int64_t prompt_tokens;     /* prompt length for prefill and TTFT */
    int batch;                 /* concurrent sequences (1 = mlx_lm.generate) */
    int kv_bits;               /* 0 = float KV cache; else --kv-bits */
    int kv_group;              /* --kv-group-size (64) */
    int64_t max_kv_size;       /* 0 = unlimited; else --max-kv-size */
    int prefill_step;          /* 0 = MP_PREFILL_STEP */
    const mp_params *params;   /* NULL = mp_params_fitted (memory constants) */
} mp_infer_req;

typedef enum mp_verdict {
    MP_FITS,        /* under 90 % of the default GPU limit */
    MP_TIGHT,       /* under the default limit, or only with a raised wired limit */
    MP_NO_FIT,      /* more than the raised limit allows */
} mp_verdict;

const char *mp_verdict_name(mp_verdict v); /* "fits", "tight", "does not fit" */

#define MP_BASIS_LEN 320
#define MP_CURVE_MAX 8

typedef struct mp_mem_term {
    double bytes;
    char basis[MP_BASIS_LEN];
} mp_mem_term;

typedef struct mp_curve_point {
    int64_t context_tokens;
    double decode_tok_s;
    double kv_bytes;
} mp_curve_point;

typedef struct mp_infer_result {
    /* the settings actually used (after defaults) */
    mp_quant quant;
    int64_t context_tokens, prompt_tokens;
    int batch;
    bool max_kv_ignored;        /* the model builds its own cache */

    double params, active_params;
    double bits_per_weight;     /* weights * 8 / params */

    mp_mem_term weights, kv, activations, overhead;
    double total_bytes;
    double band_mem_pct;        /* error band (+/- %) */

    double budget_bytes;        /* default GPU limit */
    double warn_bytes;          /* mlx-lm's 90 % warning threshold */
    double max_bytes;           /* with a raised wired limit */
    mp_verdict verdict;         /* tight also when total + band passes budget_bytes */
    mp_verdict verdict_point;   /* of the point estimate alone: what the searches choose by */
    char verdict_text[MP_BASIS_LEN];

    /* speed */
    double decode_tok_s;        /* at context_tokens (per sequence) */
    double decode_total_tok_s;  /* all sequences of the batch */
    double decode_ms_weights, decode_ms_kv, decode_ms_fixed; /* one token's time split */
    char decode_basis[MP_BASIS_LEN];
    double band_decode_pct;
    int n_curve;
    mp_curve_point curve[MP_CURVE_MAX];
    double prefill_tok_s, ttft_s;
    double prefill_tflops;      /* matmul rate assumed */
    char prefill_basis[MP_BASIS_LEN];
    double band_prefill_pct;
    bool band_thin;             /* the calibration has few rows like this case */
    /* local calibration (engine/mcal.h): the machine's runs applied, or NULL */
    const mp_calib *calib;
    mp_calib_label decode_label, prefill_label; /* estimated when calib is NULL */

    int n_notes;
    char notes[6][MP_BASIS_LEN];
} mp_infer_result;

/* Estimate.  Errors: MP_EINVAL for impossible settings (zero context,
 * batch < 1, a KV group MLX rejects), MP_EUNSUPPORTED for settings mlx-lm
 * refuses (--kv-bits with a model that has sliding-window layers). */
int mp_infer(const mp_infer_req *req, mp_infer_result *res, mp_error *err);

/* Pieces shared with the training and fit engines. */

/* The memory part of mp_infer alone (same formulas), for searches that try
 * many settings: weights, KV cache and activation bytes; `weights_bytes` < 0
 * computes the weights, else it is reused.  Returns the total. */
double mp_infer_memory(const mp_infer_req *req, double weights_bytes, double *kv_bytes,
                       double *act_bytes);

/* The verdict for a total on a machine (thresholds of mp_infer). */
mp_verdict mp_verdict_of(const mp_machine *m, double total_bytes);
/* The same, except that a total that fits whose upper band end
 * (total x (1 + band_pct/100)) passes the default GPU limit is tight. */
mp_verdict mp_verdict_banded(const mp_machine *m, double total_bytes, double band_pct);

/* The memory verdict of every estimator (inference, training) for
 * `total_bytes` with a +/-`band_pct` % error band on `m`: *point is
 * mp_verdict_of(total); *verdict is the same except that a point estimate
 * that fits whose upper band end (total x (1 + band/100)) passes the default
 * GPU limit is tight.  Also the default GPU budget, mlx-lm's 90 % warning
 * level, the most the GPU can get, and the one sentence that says so with
 * the margin left. */
typedef struct mp_memory_judgement {
    mp_verdict verdict, point;
    double budget_bytes, warn_bytes, max_bytes;
} mp_memory_judgement;
void mp_memory_verdict(const mp_machine *m, double total_bytes, double band_pct,
                       mp_memory_judgement *out, char text[MP_BASIS_LEN]);

/* KV-cache bytes when the cache holds `tokens` tokens per sequence. */
double mp_kv_bytes(const mp_arch *a, int64_t tokens, int batch, int kv_bits, int kv_group,
                   int64_t max_kv_size);
/* Bytes attention reads per generated token (one sequence): the filled part
 * of every cache, the fixed state of linear-attention layers. */
double mp_kv_read_bytes(const mp_arch *a, const mp_quant *q, int64_t tokens, int kv_bits,
                        int kv_group, int64_t max_kv);
/* Decode seconds per step (batch sequences) at `tokens` of context. */
double mp_decode_step_s(const mp_arch *a, const mp_machine *m, const mp_quant *q,
                        int64_t tokens, int batch, int kv_bits, int kv_group,
                        int64_t max_kv_size, const mp_params *p);
/* The GPU's matmul rate (FLOP/s) the prefill model reaches: the nominal
 * peak over the fitted matmul efficiency of its generation (`p` unused). */
double mp_matmul_rate(const mp_chip *c, const mp_params *p, bool quantized, char *basis,
                      size_t cap);
/* Forward FLOPs for `n` new tokens after `past` cached ones (batch 1). */
double mp_forward_flops(const mp_arch *a, int64_t n, int64_t past);

#endif
