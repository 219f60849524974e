/*
 * params.h - the handful of fitted constants of the speed and memory models.
 *
 * The models are formulas of the architecture (bytes and FLOPs per token,
 * layer count, MoE) and the chip (bandwidth, GPU cores, compute); these
 * constants are the efficiencies and fixed costs the formulas cannot know.
 * They are fitted on data/calibration/mlx-eval.tsv by `accuracy --fit`
 * (bench/accuracy.c), which prints this struct; the values in params.c are
 * that output.  Nothing here is a per-model or per-chip lookup.
 */
#ifndef MP_ENGINE_PARAMS_H
#define MP_ENGINE_PARAMS_H

enum { MP_TIER_BASE, MP_TIER_PRO, MP_TIER_MAX, MP_TIER_ULTRA, MP_TIER_N };

typedef struct mp_params {
    /* decode: t = W/(BW*e_w[tier]) + KV/(BW*e_kv*(ultra ? kv_ultra : 1))
     *            + layers*(t_layer + moe_layer*t_moe) */
    double e_w[MP_TIER_N];   /* share of bandwidth reached reading weights */
    double e_kv;             /* share reached reading the KV cache (attention) */
    double kv_ultra;         /* Ultras' extra factor on KV reads (two dies) */
    double t_layer_us;       /* fixed cost per layer per token (dispatch, sync) */
    double t_moe_us;         /* extra fixed cost per MoE layer per token (router, gathers) */
    /* prefill: t = FLOPs/(cores*core_tflops*e_p*q_p*m_p*na) + W_total/BW */
    double e_p;              /* matmul share of FP32 peak (float weights) */
    double q_p;              /* factor for quantized weights (dequantizing matmuls) */
    double m_p;              /* factor for MoE layers (gathered matmuls) */
    double m3_core_tflops;   /* M3 family per-core FP32 rate: no published figure */
    double na;               /* M5 family: prefill gain of the GPU neural accelerators */
    /* training: step FLOPs / (matmul rate * e_train) */
    double e_train;
    /* memory: activations of one prefill chunk = chunk * act_h * hidden * dtype_bytes */
    double act_h;
    /* NVIDIA (MLX CUDA backend): not calibrated, stated as assumptions */
    double nv_e_w, nv_e_p;
} mp_params;

/* The fitted values (see params.c for the fit's date and data). */
extern const mp_params mp_params_fitted;

#endif
