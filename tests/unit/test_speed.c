/* test_speed.c - the structural speed model: each term against a hand
 * computation on a tiny model, the dot product with the constants, the
 * fitter recovering known constants, and the committed constants
 * (data/calibration/speed-constants.tsv) matching the calibration tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/calib.h"
#include "engine/infer.h"
#include "engine/speed.h"
#include "engine/speedfit.h"
#include "kb/tables.h"
#include "model/registry.h"

/* A tiny llama: 2 layers, hidden 128, 4 heads of 32, 2 KV heads, MLP 256,
 * vocabulary 1000, untied embeddings, bfloat16. */
static const char tiny[] =
    "{\"model_type\":\"llama\",\"hidden_size\":128,\"intermediate_size\":256,"
    "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
    "\"vocab_size\":1000,\"tie_word_embeddings\":false,\"torch_dtype\":\"bfloat16\"}";

/* per layer: q, o 128x128; k, v 64x128; gate, up 256x128; down 128x256 */
#define LAYER_MAT (2.0 * 16384 + 2 * 8192 + 3 * 32768)
#define HEAD_MAT (1000.0 * 128)
/* decode reads: 2 layers (matrices + 2 norms) + head + final norm, 2 B each;
 * the untied embedding is a row lookup */
#define DENSE_BYTES (2 * (2 * (LAYER_MAT + 256)) + 2 * HEAD_MAT + 2 * 128)

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(b) + 1e-30;
}

static void chip(const char *name, mp_chip *c)
{
    mp_chip_match m;
    assert_int_equal(mp_chip_resolve(name, 0, &m, NULL), 0);
    *c = m.chip;
}

static void test_decode_terms(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_arch_from_json(tiny, strlen(tiny), "tiny", &a, NULL), 0);
    mp_chip c;
    chip("M4 Max 40c", &c);
    mp_speed_case k = {&a, &c, mp_quant_float(MP_DT_BF16), 1000, 1000, 1, 0, 64, 0, 0};
    double x[MP_DEC_N];
    mp_speed_decode_terms(&k, x);
    double bw = 546e9;
    assert_true(near(x[MP_DEC_W_FLOAT], DENSE_BYTES / bw));
    assert_true(x[MP_DEC_W_Q8] == 0 && x[MP_DEC_W_QLOW] == 0 && x[MP_DEC_EXPERT] == 0);
    /* KV: 1000 tokens x 2 layers x (K+V) x 2 heads x 32 x 2 B */
    assert_true(near(x[MP_DEC_KV], 1000.0 * 512 / bw));
    /* FLOPs: 2 per weight element + head; attention 4 x ctx (1000 + 1) x 128 per layer */
    double flops = 2 * 2 * LAYER_MAT + 2 * HEAD_MAT + 2 * 4.0 * 1001 * 128;
    assert_true(near(x[MP_DEC_FLOPS], flops / mp_speed_peak_flops(&c, NULL, 0)));
    assert_true(near(mp_speed_peak_flops(&c, NULL, 0), 18.4e12)); /* published FP32 */
    assert_true(x[MP_DEC_LAYER] == 2 && x[MP_DEC_MOE] == 0 && x[MP_DEC_LIN] == 0 &&
                x[MP_DEC_SEQ] == 0 && x[MP_DEC_STEP] == 1);
    assert_true(x[MP_DEC_U_W] == 0 && x[MP_DEC_U_LAYER] == 0); /* not an Ultra */

    /* batch 3: weights once per step, the KV cache and FLOPs per sequence,
     * two extra sequences per layer */
    k.batch = 3;
    double y[MP_DEC_N];
    mp_speed_decode_terms(&k, y);
    assert_true(near(y[MP_DEC_W_FLOAT], x[MP_DEC_W_FLOAT]));
    assert_true(near(y[MP_DEC_KV], 3 * x[MP_DEC_KV]));
    assert_true(near(y[MP_DEC_FLOPS], 3 * x[MP_DEC_FLOPS]));
    assert_true(y[MP_DEC_SEQ] == 2 * 2);

    /* 8-bit weights move the bytes to the 8-bit term; an Ultra fills its own */
    chip("M2 Ultra 76c", &c);
    k.batch = 1;
    k.quant = (mp_quant){MP_Q_AFFINE, 8, 64, MP_RECIPE_NONE, MP_DT_BF16};
    mp_speed_decode_terms(&k, y);
    assert_true(y[MP_DEC_W_FLOAT] == 0 && y[MP_DEC_W_Q8] > 0 && y[MP_DEC_W_QLOW] == 0);
    assert_true(near(y[MP_DEC_U_W], y[MP_DEC_W_Q8]) && y[MP_DEC_U_LAYER] == 2);
    /* 8 bits + two bf16 values per 64 (scale, bias): 8.5 bits per matrix element */
    double q8 = 2 * (LAYER_MAT * 8.5 / 8 + 2 * 256) + HEAD_MAT * 8.5 / 8 + 2 * 128;
    assert_true(near(y[MP_DEC_W_Q8], q8 / (c.bandwidth_gbs * 1e9)));
    assert_true(y[MP_DEC_QFLOPS] == 0); /* batch 1 */
    /* the extra streams' quantized matmuls are a CUDA term: 0 on Apple GPUs
     * at any batch; on an H100, batch 4 adds 3 streams' weight-matmul FLOPs */
    k.batch = 4;
    mp_speed_decode_terms(&k, y);
    assert_true(y[MP_DEC_QFLOPS] == 0);
    chip("H100 SXM", &c);
    mp_speed_decode_terms(&k, y);
    double wflops = 2 * 2 * LAYER_MAT + 2 * HEAD_MAT;
    assert_true(near(y[MP_DEC_QFLOPS], 3 * wflops / mp_speed_peak_flops(&c, NULL, 0)));
    k.quant = mp_quant_float(MP_DT_BF16); /* float weights: the `flops` term only */
    mp_speed_decode_terms(&k, y);
    assert_true(y[MP_DEC_QFLOPS] == 0 && y[MP_DEC_FLOPS] > 0);
    mp_arch_release(&a);
}

static void test_prefill_terms(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_arch_from_json(tiny, strlen(tiny), "tiny", &a, NULL), 0);
    mp_chip c;
    chip("M4 Max 40c", &c);
    /* 3000 tokens: chunks of 2048 and 952 */
    mp_speed_case k = {&a, &c, mp_quant_float(MP_DT_BF16), 3000, 3000, 1, 0, 64, 0, 0};
    double x[MP_PRE_N];
    mp_speed_prefill_terms(&k, x);
    double peak = 18.4e12, bw = 546e9;
    /* the head runs for one token per chunk */
    assert_true(near(x[MP_PRE_MM_FLOAT], (2 * 2 * LAYER_MAT * 3000 + 2 * 2 * HEAD_MAT) / peak));
    assert_true(x[MP_PRE_MM_QUANT] == 0 && x[MP_PRE_MM_EXPERT] == 0 && x[MP_PRE_LIN] == 0);
    /* attention: chunk 1 sees 1024.5 tokens on average, chunk 2 2048 + 476.5 */
    double attn = 2 * 4.0 * 128 * (2048 * 1024.5 + 952 * 2524.5);
    assert_true(near(x[MP_PRE_ATTN], attn / peak));
    /* every chunk reads every weight (the embedding is a lookup) */
    assert_true(near(x[MP_PRE_WPASS], 2 * DENSE_BYTES / bw));
    assert_true(near(x[MP_PRE_ACT], 3000.0 * 2 * 128 * 2 / bw));
    assert_true(x[MP_PRE_CHUNK] == 2 * 2 && x[MP_PRE_CALL] == 1);
    /* quantized weights move the matmuls to the quantized term */
    k.quant = (mp_quant){MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, MP_DT_BF16};
    double y[MP_PRE_N];
    mp_speed_prefill_terms(&k, y);
    assert_true(y[MP_PRE_MM_FLOAT] == 0 && near(y[MP_PRE_MM_QUANT], x[MP_PRE_MM_FLOAT]));
    mp_arch_release(&a);
}

static void test_moe_and_hybrid_terms(void **state)
{
    (void)state;
    mp_arch a;
    /* Qwen3-30B-A3B: 48 MoE layers, 128 experts, 8 per token */
    assert_int_equal(mp_model_load("Qwen/Qwen3-30B-A3B", NULL, &a, NULL, NULL), 0);
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, MP_DT_BF16};
    double d1, e1, d4, e4, dall, eall;
    mp_speed_step_bytes(&a, &q4, 1, &d1, &e1);
    mp_speed_step_bytes(&a, &q4, 4, &d4, &e4);
    mp_speed_step_bytes(&a, &q4, 1e9, &dall, &eall);
    /* one token reads 8/128 of the experts; four read the union, 1-(1-1/16)^4 */
    assert_true(near(e1, eall / 16));
    assert_true(near(e4, eall * (1 - pow(15.0 / 16, 4))));
    assert_true(d1 == d4 && d1 == dall);
    mp_chip c;
    chip("M3 Max 40c", &c);
    mp_speed_case k = {&a, &c, q4, 1000, 1000, 1, 0, 64, 0, 0};
    double x[MP_DEC_N];
    mp_speed_decode_terms(&k, x);
    assert_true(x[MP_DEC_MOE] == 48 && near(x[MP_DEC_EXPERT], e1 / (c.bandwidth_gbs * 1e9)));
    mp_arch_release(&a);

    /* Qwen3.5-27B: Gated DeltaNet layers keep a fixed state, no KV growth */
    assert_int_equal(mp_model_load("Qwen/Qwen3.5-27B", NULL, &a, NULL, NULL), 0);
    int lin = 0;
    for (int64_t i = 0; i < a.n_layers; i++)
        lin += a.layers[i].attn == MP_ATTN_LINEAR;
    assert_true(lin > 0);
    k.arch = &a;
    k.quant = q4;
    double x2[MP_DEC_N];
    mp_speed_decode_terms(&k, x);
    k.context_tokens = 2000;
    mp_speed_decode_terms(&k, x2);
    assert_true(x[MP_DEC_LIN] == lin);
    /* only the full-attention layers' reads grow: by 1000 tokens of their KV */
    double full_tok = 0;
    for (int64_t i = 0; i < a.n_layers; i++)
        if (a.layers[i].attn == MP_ATTN_FULL)
            full_tok += (double)a.layers[i].kv_elems * 2;
    assert_true(near((x2[MP_DEC_KV] - x[MP_DEC_KV]) * c.bandwidth_gbs * 1e9, 1000 * full_tok));
    double xp[MP_PRE_N];
    mp_speed_prefill_terms(&k, xp);
    assert_true(xp[MP_PRE_LIN] > 0);
    mp_arch_release(&a);
}

static void test_dot_and_fallback(void **state)
{
    (void)state;
    static mp_speed_consts c;
    memset(&c, 0, sizeof c);
    c.d[MP_DEC_W_FLOAT][MP_SC_M4] = 1.25;
    c.d[MP_DEC_LAYER][MP_SC_M4] = 50e-6;
    c.d[MP_DEC_KV][MP_SC_APPLE] = 2; /* per vendor */
    c.d[MP_DEC_LAYER][MP_SC_APPLE] = 80e-6;
    double x[MP_DEC_N] = {0};
    x[MP_DEC_W_FLOAT] = 0.010;
    x[MP_DEC_KV] = 0.001;
    x[MP_DEC_LAYER] = 36;
    /* 10 ms x 1.25 + 1 ms x 2 + 36 x 50 us */
    assert_true(near(mp_speed_decode_s(&c, MP_SC_M4, x), 0.0125 + 0.002 + 0.0018));
    /* a generation without constants of its own: the Apple pool */
    assert_true(near(mp_speed_decode_s(&c, MP_SC_APPLE, x), 0.002 + 36 * 80e-6));
    mp_chip ch;
    chip("M4 Max 40c", &ch);
    assert_int_equal(mp_sclass_of(&ch), MP_SC_M4);
    chip("H100 SXM", &ch);
    assert_int_equal(mp_sclass_of(&ch), MP_SC_HOPPER);
    assert_int_equal(mp_sclass_pool(MP_SC_HOPPER), MP_SC_NVIDIA);
    assert_int_equal(mp_sclass_pool(MP_SC_M2), MP_SC_APPLE);
    /* an M5 has neural accelerators: 4x its FP32 cores */
    chip("M5 10c", &ch);
    assert_true(ch.neural_accel);
    char basis[200];
    mp_speed_peak_flops(&ch, basis, sizeof basis);
    assert_non_null(strstr(basis, "x 4 (neural accelerators)"));
}

/* Observations made from known constants (two generations; `m1_layer_s`
 * the per-layer cost of M1's) fitted back; returns the fit in *got and the
 * worst relative error of a predicted time. */
static double fit_known(double m1_layer_s, mp_speed_consts *got)
{
    static mp_speed_consts truth;
    memset(&truth, 0, sizeof truth);
    for (int k = 0; k < MP_SC_N; k++) {
        truth.d[MP_DEC_W_QLOW][k] = 1.2;
        truth.d[MP_DEC_KV][k] = 1.5;
        truth.d[MP_DEC_LAYER][k] = 40e-6;
        truth.d[MP_DEC_STEP][k] = 1e-3;
        truth.p[MP_PRE_MM_QUANT][k] = 2.0;
        truth.p[MP_PRE_CALL][k] = 0.05;
    }
    truth.d[MP_DEC_LAYER][MP_SC_M1] = m1_layer_s;
    enum { N = 120 };
    static mp_speed_obs obs[N];
    memset(obs, 0, sizeof obs);
    for (int i = 0; i < N; i++) {
        mp_speed_obs *o = &obs[i];
        o->cls = i % 2 ? MP_SC_M1 : MP_SC_M4;
        o->prefill = i >= N / 2;
        o->xd[MP_DEC_W_QLOW] = 0.002 * (1 + i % 7);
        o->xd[MP_DEC_KV] = 0.0005 * (i % 5);
        o->xd[MP_DEC_LAYER] = 24 + 4 * (i % 11);
        o->xd[MP_DEC_STEP] = 1;
        if (o->prefill) {
            o->xp[MP_PRE_MM_QUANT] = 0.01 * (1 + i % 9);
            o->xp[MP_PRE_CALL] = 1;
        }
        o->weight = 1;
        o->t_s = mp_speed_obs_predict(&truth, o);
    }
    assert_int_equal(mp_speed_fit(obs, N, got), N);
    double worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(mp_speed_obs_predict(got, &obs[i]) / obs[i].t_s - 1));
    return worst;
}

static void test_fit_recovers(void **state)
{
    (void)state;
    static mp_speed_consts got;
    /* every generation alike: the constants come back */
    assert_true(fit_known(40e-6, &got) < 1e-4);
    assert_true(fabs(got.d[MP_DEC_LAYER][MP_SC_M4] / 40e-6 - 1) < 1e-3);
    assert_true(fabs(got.d[MP_DEC_W_QLOW][MP_SC_M1] / 1.2 - 1) < 1e-3);
    assert_true(fabs(got.p[MP_PRE_MM_QUANT][MP_SC_M4] / 2.0 - 1) < 1e-3);
    assert_true(fabs(got.p[MP_PRE_CALL][MP_SC_M1] / 0.05 - 1) < 1e-3);
    /* a generation without rows takes its vendor's pooled value */
    assert_true(near(got.d[MP_DEC_LAYER][MP_SC_M3], got.d[MP_DEC_LAYER][MP_SC_APPLE]));
    /* M1 costs more per layer: its own constant moves most of the way there
     * (pulled toward the pool a little, the price of the prior) */
    double worst = fit_known(90e-6, &got);
    assert_true(worst < 0.03);
    assert_true(got.d[MP_DEC_LAYER][MP_SC_M1] > 75e-6);
    assert_true(got.d[MP_DEC_LAYER][MP_SC_M4] < 50e-6);
}

/* The training terms: a micro-batch costs train_mm x its FLOPs over the peak
 * + layer x its layers' decode cost + its fixed seconds; the fit recovers
 * the two constants from rows made with them, and holds one at its least
 * value when the rows ask for less. */
static void test_train_terms(void **state)
{
    (void)state;
    static mp_speed_consts c;
    memset(&c, 0, sizeof c);
    c.t[MP_TR_MM] = 2.5;
    c.t[MP_TR_LAYER] = 6.0;
    /* 1.2 s at the peak, 32 layers x 100 us, 0.05 s of optimizer update:
     * 2.5 x 1.2 + 6 x 0.0032 + 0.05 = 3.0692 s */
    double x[MP_TR_N] = {1.2, 32 * 100e-6};
    assert_true(fabs(mp_speed_train_s(&c, x, 0.05) - 3.0692) < 1e-12);
    /* a constant below its least value counts as the least value: 3 layers' worth */
    c.t[MP_TR_LAYER] = 0;
    assert_true(fabs(mp_speed_train_s(&c, x, 0.05) - (3.0 + 3 * 0.0032 + 0.05)) < 1e-12);
    c.t[MP_TR_LAYER] = 6.0;

    enum { N = 6 };
    static mp_speed_obs obs[N];
    memset(obs, 0, sizeof obs);
    for (int i = 0; i < N; i++) {
        obs[i].train = true;
        obs[i].cls = i % 2 ? MP_SC_M1 : MP_SC_AMPERE;
        obs[i].xt[MP_TR_MM] = 0.01 * (1 + i);
        obs[i].xt[MP_TR_LAYER] = 0.004 * (3 - i % 3);
        obs[i].ot = 0.001;
        obs[i].weight = 1;
        obs[i].t_s = mp_speed_obs_predict(&c, &obs[i]);
    }
    static mp_speed_consts got;
    assert_int_equal(mp_speed_fit(obs, N, &got), N);
    assert_true(fabs(got.t[MP_TR_MM] - 2.5) < 1e-6);
    assert_true(fabs(got.t[MP_TR_LAYER] - 6.0) < 1e-6);
    /* rows made with layer 1 (less than a forward and backward pass): it is
     * held at 3 and train_mm takes up the rest */
    c.t[MP_TR_LAYER] = 1.0;
    for (int i = 0; i < N; i++)
        obs[i].t_s = 2.5 * obs[i].xt[MP_TR_MM] + 1.0 * obs[i].xt[MP_TR_LAYER] + obs[i].ot;
    mp_speed_fit(obs, N, &got);
    assert_true(got.t[MP_TR_LAYER] == 3.0);
    assert_true(got.t[MP_TR_MM] >= 1.0 && got.t[MP_TR_MM] < 2.5);
    /* no training rows: both at their least values */
    for (int i = 0; i < N; i++)
        obs[i].weight = 0;
    mp_speed_fit(obs, N, &got);
    assert_true(got.t[MP_TR_MM] == 1.0 && got.t[MP_TR_LAYER] == 3.0);
}

/* A prior pulls one generation's constant toward its value as if by `rows`
 * rows: a generation without rows takes the weighted mean of its vendor's
 * value and the prior's (equal weights: the mean); one with rows that fix
 * the constant barely moves; every row of speed-priors.tsv names a term and
 * a generation, and leaving a source group out drops its priors. */
static void test_priors(void **state)
{
    (void)state;
    enum { N = 40 };
    static mp_speed_obs obs[N];
    memset(obs, 0, sizeof obs);
    static mp_speed_consts truth;
    memset(&truth, 0, sizeof truth);
    for (int k = 0; k < MP_SC_N; k++) {
        truth.d[MP_DEC_W_QLOW][k] = 1.2;
        truth.d[MP_DEC_STEP][k] = 1e-3;
    }
    for (int i = 0; i < N; i++) {
        obs[i].cls = MP_SC_M4;
        obs[i].xd[MP_DEC_W_QLOW] = 0.002 * (1 + i % 7);
        obs[i].xd[MP_DEC_STEP] = 1;
        obs[i].weight = 1;
        obs[i].t_s = mp_speed_obs_predict(&truth, &obs[i]);
    }
    /* weight MP_SPEEDFIT_PRIOR_ROWS: as strong as the pull toward the pool */
    mp_speed_prior pr[2] = {{false, MP_DEC_W_QLOW, MP_SC_M3, 2.0, MP_SPEEDFIT_PRIOR_ROWS, "x"},
                            {false, MP_DEC_W_QLOW, MP_SC_M4, 2.0, MP_SPEEDFIT_PRIOR_ROWS, "x"}};
    static mp_speed_consts got;
    assert_int_equal(mp_speed_fit_with(obs, N, pr, 2, &got), N);
    assert_true(fabs(got.d[MP_DEC_W_QLOW][MP_SC_APPLE] - 1.2) < 1e-6);
    assert_true(fabs(got.d[MP_DEC_W_QLOW][MP_SC_M3] - 1.6) < 1e-6);
    /* M4's 40 rows outweigh the prior's 2: it moves less than a fifth of
     * the way (the step term takes part of the rows' curvature) */
    assert_true(got.d[MP_DEC_W_QLOW][MP_SC_M4] > 1.2);
    assert_true(got.d[MP_DEC_W_QLOW][MP_SC_M4] < 1.2 + 0.2 * (2.0 - 1.2));
    /* without priors M3 is the pool's */
    mp_speed_fit_with(obs, N, pr, 0, &got);
    assert_true(fabs(got.d[MP_DEC_W_QLOW][MP_SC_M3] - 1.2) < 1e-6);

    static mp_speed_prior all[MP_SPEED_PRIORS_MAX], rest[MP_SPEED_PRIORS_MAX];
    size_t n = mp_speed_priors(NULL, all);
    assert_int_equal(n, mp_speed_prior_rows_len);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert_true(all[i].cls < MP_SC_GENS && all[i].value > 0 && all[i].rows > 0);
        size_t left = mp_speed_priors(all[i].source_group, rest), same = 0;
        for (size_t k = 0; k < n; k++)
            same += strcmp(all[k].source_group, all[i].source_group) == 0;
        assert_int_equal(left, n - same);
        for (size_t k = 0; k < left; k++)
            assert_true(strcmp(rest[k].source_group, all[i].source_group) != 0);
    }
}

#define REWRITE "(run: build/fit_speed data/calibration, then rebuild)"

/* The compiled-in constants are the fit of today's calibration tables. */
static void test_constants_current(void **state)
{
    (void)state;
    double rows = -1, hash = -1;
    for (size_t i = 0; i < mp_speed_const_rows_len; i++) {
        const mp_speed_const_row *r = &mp_speed_const_rows[i];
        if (strcmp(r->kind, "fit") == 0 && strcmp(r->term, "rows") == 0 && !strcmp(r->class_, "-"))
            rows = r->value;
        if (strcmp(r->kind, "fit") == 0 && strcmp(r->term, "hash") == 0)
            hash = r->value;
    }
    if (hash != (double)mp_calib_hash())
        fail_msg("speed-constants.tsv was fitted on other calibration tables (hash %.0f, "
                 "tables %u) " REWRITE, hash, mp_calib_hash());
    static mp_calib_eval ev[MP_CALIB_MAX];
    static mp_speed_obs obs[MP_CALIB_MAX];
    size_t n;
    assert_int_equal(mp_calib_evaluate(NULL, ev, &n, NULL), 0);
    mp_calib_speed_obs(ev, n, NULL, obs);
    static mp_speed_consts c;
    size_t used = mp_speed_fit(obs, n, &c);
    if ((double)used != rows)
        fail_msg("speed-constants.tsv records %.0f rows, the tables give %zu " REWRITE, rows,
                 used);
    const mp_speed_consts *f = mp_speed_fitted();
    for (int j = 0; j < MP_DEC_N; j++)
        for (int k = 0; k < MP_SC_N; k++)
            if (fabs(c.d[j][k] - f->d[j][k]) > 1e-5 * fabs(c.d[j][k]) + 1e-12 &&
                (mp_dterm_info[j].per_generation || k >= MP_SC_GENS))
                fail_msg("decode %s %s: file %g, fit %g " REWRITE, mp_dterm_info[j].name,
                         mp_sclass_name(k), f->d[j][k], c.d[j][k]);
    for (int j = 0; j < MP_PRE_N; j++)
        for (int k = 0; k < MP_SC_N; k++)
            if (fabs(c.p[j][k] - f->p[j][k]) > 1e-5 * fabs(c.p[j][k]) + 1e-12 &&
                (mp_pterm_info[j].per_generation || k >= MP_SC_GENS))
                fail_msg("prefill %s %s: file %g, fit %g " REWRITE, mp_pterm_info[j].name,
                         mp_sclass_name(k), f->p[j][k], c.p[j][k]);
    for (int j = 0; j < MP_TR_N; j++)
        if (fabs(c.t[j] - f->t[j]) > 1e-5 * fabs(c.t[j]) + 1e-12)
            fail_msg("train %s: file %g, fit %g " REWRITE, mp_tterm_info[j].name, f->t[j],
                     c.t[j]);
    /* every constant is at or above its physical least value */
    for (int j = 0; j < MP_DEC_N; j++)
        assert_true(f->d[j][MP_SC_APPLE] >= mp_dterm_info[j].lower - 1e-9);
    /* the estimator predicts with them: a decode row repredicted from its
     * terms equals what mp_infer gave */
    static mp_calib_eval again[MP_CALIB_MAX];
    memcpy(again, ev, n * sizeof ev[0]);
    mp_calib_repredict(again, n, f);
    for (size_t i = 0; i < n; i++)
        if (ev[i].resolved && ev[i].speed)
            assert_true(fabs(again[i].predicted / ev[i].predicted - 1) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_terms),
        cmocka_unit_test(test_prefill_terms),
        cmocka_unit_test(test_moe_and_hybrid_terms),
        cmocka_unit_test(test_dot_and_fallback),
        cmocka_unit_test(test_fit_recovers),
        cmocka_unit_test(test_train_terms),
        cmocka_unit_test(test_priors),
        cmocka_unit_test(test_constants_current),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
