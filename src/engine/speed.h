/*
 * speed.h - the structural speed model: decode, prefill and time to first
 * token as sums of terms with a physical meaning, each multiplied by a
 * constant fitted per GPU generation.
 *
 * A case (model, machine, settings) is first turned into its terms: bytes
 * over bandwidth, FLOPs over the GPU's nominal peak, counts of layers,
 * chunks and calls.  A time is then the dot product of the terms with the
 * constants of the machine's generation:
 *
 *   decode step (s) = sum_j c_j[gen] * x_j       (mp_speed_decode_s)
 *   prefill (s)     = sum_j c_j[gen] * x_j       (mp_speed_prefill_s)
 *   TTFT (s)        = prefill + one decode step at the prompt's length
 *
 * A constant on a "bytes / bandwidth" or "FLOPs / peak" term is an inverse
 * efficiency (1 = the nominal rate; 3 = a third of it); one on a count is
 * seconds per item.  The constants live in data/calibration/speed-constants.tsv,
 * written by bench/fit_speed.c (least squares on every calibration row) and
 * compiled into the binary; generations without rows use their vendor's
 * pooled value.  Nothing here is a per-model or per-row lookup.
 */
#ifndef MP_ENGINE_SPEED_H
#define MP_ENGINE_SPEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/machine.h"
#include "model/arch.h"

/* The classes constants are fitted per: GPU generations, then the two vendor
 * pools a generation without rows falls back to. */
typedef enum mp_sclass {
    MP_SC_M1, MP_SC_M2, MP_SC_M3, MP_SC_M4, MP_SC_M5,
    MP_SC_AMPERE, MP_SC_ADA, MP_SC_HOPPER, MP_SC_BLACKWELL,
    MP_SC_APPLE, MP_SC_NVIDIA, /* pools */
    MP_SC_N
} mp_sclass;
#define MP_SC_GENS MP_SC_APPLE /* classes below this are generations */

const char *mp_sclass_name(int c);       /* "M3", "Hopper", "apple", "nvidia" */
int mp_sclass_of_name(const char *name); /* -1 when not a class */
/* The generation class of a chip (its vendor pool when the generation is
 * not one of the fitted ones, e.g. an M6). */
int mp_sclass_of(const mp_chip *c);
int mp_sclass_pool(int c);               /* MP_SC_APPLE or MP_SC_NVIDIA */

/* Decode terms, per step of `batch` sequences. */
typedef enum mp_dterm {
    MP_DEC_W_FLOAT,  /* non-routed weight bytes / bandwidth, float weights (s) */
    MP_DEC_W_Q8,     /* the same, 7-8-bit quantized weights (s) */
    MP_DEC_W_QLOW,   /* the same, 2-6-bit quantized weights (affine, mxfp4) (s) */
    MP_DEC_EXPERT,   /* routed experts' bytes, union over the batch / bandwidth (s) */
    MP_DEC_KV,       /* KV cache (and fixed state) bytes read x batch / bandwidth (s) */
    MP_DEC_FLOPS,    /* the step's FLOPs / nominal peak (s) */
    MP_DEC_QFLOPS,   /* NVIDIA, quantized weights only: (batch - 1) x one sequence's weight-matmul
                        FLOPs / nominal peak (s): what extra streams cost in qmm */
    MP_DEC_LAYER,    /* layers: fixed cost per layer per step (count) */
    MP_DEC_MOE,      /* MoE layers: routing and gather dispatch (count) */
    MP_DEC_LIN,      /* linear-attention layers: recurrent-state kernels (count) */
    MP_DEC_SEQ,      /* (batch - 1) x layers: per extra sequence per layer (count) */
    MP_DEC_STEP,     /* 1: per-step framework cost (sampling, Python) */
    MP_DEC_U_W,      /* Ultra only: weight and expert bytes / bandwidth (s): die-to-die */
    MP_DEC_U_LAYER,  /* Ultra only: layers (count): cross-die synchronisation */
    MP_DEC_N
} mp_dterm;

/* Prefill terms, for the whole prompt of `batch` sequences. */
typedef enum mp_pterm {
    MP_PRE_MM_FLOAT, /* dense matmul FLOPs / peak, float weights (s) */
    MP_PRE_MM_QUANT, /* dense matmul FLOPs / peak, quantized weights (s) */
    MP_PRE_MM_EXPERT,/* routed-expert matmul FLOPs / peak (gathered matmuls) (s) */
    MP_PRE_ATTN,     /* attention FLOPs / peak (grows with the context) (s) */
    MP_PRE_LIN,      /* linear-attention state updates: 4 x state x tokens / peak (s) */
    MP_PRE_WPASS,    /* chunks x weight bytes read per chunk / bandwidth (s) */
    MP_PRE_ACT,      /* tokens x layers x hidden x dtype bytes / bandwidth (s) */
    MP_PRE_CHUNK,    /* chunks x layers: fixed cost per layer per 2048-token chunk (count) */
    MP_PRE_CALL,     /* 1: fixed cost per call (tokenize, first graph build) */
    MP_PRE_N
} mp_pterm;

typedef struct mp_term_info {
    const char *name;      /* "w_float", as in speed-constants.tsv */
    const char *unit;      /* of the constant: "x" (inverse efficiency), "s" */
    bool per_generation;   /* fitted per generation; else one value per vendor */
    double lower;          /* the least physical value of the constant */
    const char *meaning;
} mp_term_info;

extern const mp_term_info mp_dterm_info[MP_DEC_N];
extern const mp_term_info mp_pterm_info[MP_PRE_N];
/* Training terms, per micro-batch: one constant each for every GPU (kind
 * "train", class "-" in speed-constants.tsv), too few measured runs to
 * split them by generation or vendor. */
typedef enum mp_tterm {
    MP_TR_MM,        /* the step's FLOPs (forward, backward, gradients) / nominal peak (s) */
    MP_TR_LAYER,     /* layers x the generation's fitted decode cost per layer (s) */
    MP_TR_N
} mp_tterm;
extern const mp_term_info mp_tterm_info[MP_TR_N];

/* The constants: [term][class], and the training step's. */
typedef struct mp_speed_consts {
    double d[MP_DEC_N][MP_SC_N];
    double p[MP_PRE_N][MP_SC_N];
    double t[MP_TR_N];
} mp_speed_consts;

/* The compiled-in constants (data/calibration/speed-constants.tsv). */
const mp_speed_consts *mp_speed_fitted(void);

/* Calibration rows the fit had for generation class `cls` (0: its
 * constants are its vendor pool's). */
int mp_speed_class_rows(int cls);

/* One case to cost. */
typedef struct mp_speed_case {
    const mp_arch *arch;
    const mp_chip *chip;
    mp_quant quant;
    int64_t context_tokens;    /* decode: tokens in the cache */
    int64_t prompt_tokens;     /* prefill */
    int batch;
    int kv_bits, kv_group;
    int64_t max_kv_size;
    int prefill_step;          /* 0 = 2048 */
} mp_speed_case;

/* The precision class of a weight format: 0 float, 1 8-bit, 2 lower. */
int mp_speed_precision(const mp_quant *q);

/* The GPU's nominal matmul peak (FLOP/s) the FLOP terms divide by: NVIDIA's
 * BF16 tensor rate (2 x FP32 when not published); Apple's GPU cores x the
 * published FP32 rate per core (the family's mean per-core rate when a bin
 * has none; M4's for a family without any), x 4 on chips with GPU neural
 * accelerators (M5: Apple states over 4x M4's peak GPU compute for AI).
 * `basis` (may be NULL) says which. */
double mp_speed_peak_flops(const mp_chip *c, char *basis, size_t cap);

/* Routed and non-routed weight bytes read by one decode step of `batch`
 * sequences (routed experts: every expert some sequence picks,
 * 1-(1-k/E)^batch of them). */
void mp_speed_step_bytes(const mp_arch *a, const mp_quant *q, double batch_tokens,
                         double *dense_bytes, double *expert_bytes);

/* FLOPs of `n` new tokens after `past` cached ones, split: dense matmuls,
 * routed-expert matmuls, attention (scores and weighted sum), and
 * linear-attention state updates. */
void mp_speed_flops(const mp_arch *a, int64_t n, int64_t past, double *dense, double *expert,
                    double *attn, double *lin);

void mp_speed_decode_terms(const mp_speed_case *k, double x[MP_DEC_N]);
void mp_speed_prefill_terms(const mp_speed_case *k, double x[MP_PRE_N]);

/* The fitted fixed cost of one layer's step on chip `c` (s): what a layer
 * costs beyond its bytes and FLOPs (used by the training estimate). */
double mp_speed_layer_s(const mp_chip *c);

/* A training micro-batch's seconds: its terms `x` times the training
 * constants, + `fixed_s` (its share of the optimizer update).  NULL consts =
 * fitted. */
double mp_speed_train_s(const mp_speed_consts *c, const double x[MP_TR_N], double fixed_s);

/* Dot products with the constants of class `cls` (NULL consts = fitted). */
double mp_speed_decode_s(const mp_speed_consts *c, int cls, const double x[MP_DEC_N]);
double mp_speed_prefill_s(const mp_speed_consts *c, int cls, const double x[MP_PRE_N]);

#endif
