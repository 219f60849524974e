/* speed.c - the structural speed model: terms of a case and their times; see speed.h. */
#include "engine/speed.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/infer.h"
#include "kb/tables.h"

static const char *const class_names[MP_SC_N] = {
    "M1", "M2", "M3", "M4", "M5", "Ampere", "Ada", "Hopper", "Blackwell", "apple", "nvidia"};

const char *mp_sclass_name(int c)
{
    return c >= 0 && c < MP_SC_N ? class_names[c] : "?";
}

int mp_sclass_of_name(const char *name)
{
    for (int i = 0; i < MP_SC_N; i++)
        if (strcmp(class_names[i], name) == 0)
            return i;
    return -1;
}

int mp_sclass_of(const mp_chip *c)
{
    int k = c->generation ? mp_sclass_of_name(c->generation) : -1;
    if (k >= 0 && k < MP_SC_GENS)
        return k;
    return c->vendor == MP_VENDOR_NVIDIA ? MP_SC_NVIDIA : MP_SC_APPLE;
}

int mp_sclass_pool(int c)
{
    return c >= MP_SC_AMPERE && c != MP_SC_APPLE ? MP_SC_NVIDIA : MP_SC_APPLE;
}

const mp_term_info mp_dterm_info[MP_DEC_N] = {
    {"w_float", "x", true, 1.0, "inverse efficiency of reading float weights (bandwidth / rate reached)"},
    {"w_q8", "x", true, 1.0, "inverse efficiency of reading 8-bit weights (dequantizing matvec)"},
    {"w_qlow", "x", true, 1.0, "inverse efficiency of reading 2-6-bit weights (dequantizing matvec)"},
    {"expert", "x", true, 1.0, "inverse efficiency of reading routed experts (gather_qmm)"},
    {"kv", "x", false, 0.5, "inverse efficiency of reading the KV cache (attention kernel)"},
    {"flops", "x", false, 0.0, "inverse matmul efficiency of a decode step's FLOPs (batch > 1)"},
    {"qflops", "x", false, 0.0, "CUDA: inverse efficiency of the extra streams' matmul FLOPs "
                                "on quantized weights (qmm at a small batch)"},
    {"layer", "s", true, 0.0, "fixed cost per layer per step (kernel launches, synchronisation)"},
    {"moe", "s", true, 0.0, "fixed cost per MoE layer per step (router, top-k, gathers)"},
    {"lin", "s", false, 0.0, "fixed cost per linear-attention layer per step (recurrent kernels)"},
    {"seq", "s", false, 0.0, "cost per extra sequence per layer per step (batched cache updates)"},
    {"step", "s", true, 0.0, "fixed cost per step (sampling, detokenizing, Python)"},
    {"ultra_w", "x", false, 0.0, "Ultra: extra inverse efficiency on weight reads (two dies)"},
    {"ultra_layer", "s", false, 0.0, "Ultra: extra cost per layer per step (die-to-die sync)"},
};

const mp_term_info mp_pterm_info[MP_PRE_N] = {
    {"mm_float", "x", true, 1.0, "inverse matmul efficiency, float weights (share of nominal peak)"},
    {"mm_quant", "x", true, 1.0, "inverse matmul efficiency, quantized weights (dequantizing qmm)"},
    {"mm_expert", "x", true, 0.0, "extra inverse efficiency of routed-expert matmuls (gather_qmm)"},
    {"attn", "x", false, 0.0, "inverse efficiency of attention FLOPs (scaled_dot_product_attention)"},
    {"lin", "x", false, 0.0, "inverse efficiency of linear-attention state updates (sequential scan)"},
    {"wpass", "x", false, 0.0, "inverse efficiency of reading the weights once per chunk"},
    {"act", "x", false, 0.0, "activation traffic per token per layer, in hidden x dtype bytes"},
    {"chunk", "s", true, 0.0, "fixed cost per layer per prefill chunk"},
    {"call", "s", true, 0.0, "fixed cost per call (graph build, first evaluation)"},
};

const mp_term_info mp_tterm_info[MP_TR_N] = {
    {"mm", "x", false, 1.0, "inverse efficiency of a training step's FLOPs over the nominal peak"},
    {"layer", "x", false, 3.0, "a training step's cost per layer, in decode steps' per-layer "
                               "costs (forward + backward: 3 or more)"},
};

/* ---- the compiled-in constants ---------------------------------------------- */

static mp_speed_consts g_fitted;
static int g_rows[MP_SC_N];
static bool g_loaded;

int mp_speed_class_rows(int cls)
{
    mp_speed_fitted();
    return cls >= 0 && cls < MP_SC_N ? g_rows[cls] : 0;
}

const mp_speed_consts *mp_speed_fitted(void)
{
    if (g_loaded)
        return &g_fitted;
    for (size_t i = 0; i < mp_speed_const_rows_len; i++) {
        const mp_speed_const_row *r = &mp_speed_const_rows[i];
        if (strcmp(r->kind, "train") == 0) {
            for (int j = 0; j < MP_TR_N; j++)
                if (strcmp(r->term, mp_tterm_info[j].name) == 0)
                    g_fitted.t[j] = r->value;
            continue;
        }
        int cls = mp_sclass_of_name(r->class_);
        if (cls < 0)
            continue; /* the fit's record (rows, hash, date) */
        if (strcmp(r->kind, "fit") == 0) {
            if (strcmp(r->term, "rows") == 0)
                g_rows[cls] = (int)r->value;
            continue;
        }
        bool dec = strcmp(r->kind, "decode") == 0;
        int n = dec ? MP_DEC_N : MP_PRE_N;
        const mp_term_info *info = dec ? mp_dterm_info : mp_pterm_info;
        for (int j = 0; j < n; j++)
            if (strcmp(info[j].name, r->term) == 0) {
                if (dec)
                    g_fitted.d[j][cls] = r->value;
                else
                    g_fitted.p[j][cls] = r->value;
            }
    }
    g_loaded = true;
    return &g_fitted;
}

/* ---- terms -------------------------------------------------------------------- */

int mp_speed_precision(const mp_quant *q)
{
    if (q->mode == MP_Q_FLOAT)
        return 0;
    return q->bits >= 7 ? 1 : 2;
}

/* Per-core FP32 rate of an Apple family from the bins with a published
 * figure; 0 when none has one. */
static double family_core_tflops(const char *family)
{
    double sum = 0;
    int n = 0;
    for (size_t i = 0; i < mp_chip_count(); i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        if (c.vendor == MP_VENDOR_APPLE && strcmp(c.family, family) == 0 &&
            !isnan(c.fp32_tflops) && c.gpu_cores > 0) {
            sum += c.fp32_tflops / c.gpu_cores;
            n++;
        }
    }
    return n ? sum / n : 0;
}

double mp_speed_peak_flops(const mp_chip *c, char *basis, size_t cap)
{
    if (c->vendor == MP_VENDOR_NVIDIA) {
        bool bf = !isnan(c->bf16_tflops);
        double peak = bf ? c->bf16_tflops : 2.0 * c->fp32_tflops;
        if (basis)
            snprintf(basis, cap, "%.0f TFLOPS %s", peak, bf ? "BF16 tensor" : "(2 x FP32)");
        return peak * 1e12;
    }
    double core;
    char how[96];
    if (!isnan(c->fp32_tflops) && c->gpu_cores > 0) {
        core = c->fp32_tflops / c->gpu_cores;
        snprintf(how, sizeof how, "published FP32");
    } else if ((core = family_core_tflops(c->family)) > 0) {
        snprintf(how, sizeof how, "%s per-core rate of its published bins", c->family);
    } else {
        /* M3: Apple publishes no figure; M5, M6: none yet.  The generation's
         * fitted efficiency absorbs the difference. */
        core = family_core_tflops("M4");
        snprintf(how, sizeof how, "M4 per-core rate: %s has no published figure", c->family);
    }
    /* M5: a neural accelerator in every GPU core; Apple states over 4x M4's
     * peak GPU compute for AI */
    double na = c->neural_accel ? 4.0 : 1.0;
    if (basis)
        snprintf(basis, cap, "%d cores x %.3f TFLOPS FP32 (%s)%s", c->gpu_cores, core, how,
                 c->neural_accel ? " x 4 (neural accelerators)" : "");
    return c->gpu_cores * core * na * 1e12;
}

static bool routed(const mp_arch *a, const mp_tensor *t)
{
    return a->n_experts > 0 && t->n == a->n_experts &&
           (t->role == MP_ROLE_EXPERT || t->role == MP_ROLE_EXPERT_DOWN ||
            (t->kind == MP_TK_BIAS && t->n > 1));
}

void mp_speed_step_bytes(const mp_arch *a, const mp_quant *q, double batch_tokens, double *dense,
                         double *expert)
{
    *dense = *expert = 0;
    for (size_t i = 0; i < a->n_tensors; i++) {
        const mp_tensor *t = &a->tensors[i];
        double b = mp_arch_tensor_bytes(a, t, q);
        if (routed(a, t)) {
            double f = (double)a->experts_per_tok / (double)a->n_experts;
            *expert += b * (1.0 - pow(1.0 - f, batch_tokens));
        } else if (t->role != MP_ROLE_EMBED || a->tied_embeddings) {
            *dense += b; /* an untied embedding is a row lookup */
        }
    }
}

void mp_speed_flops(const mp_arch *a, int64_t n, int64_t past, double *dense, double *expert,
                    double *attn, double *lin)
{
    /* matmuls: every active weight element is a multiply-add per token;
     * the embedding is a lookup and the head runs for the last token only */
    double mat = 0, ex = 0, head = 0;
    for (size_t i = 0; i < a->n_tensors; i++) {
        const mp_tensor *t = &a->tensors[i];
        if (t->kind == MP_TK_NORM || t->kind == MP_TK_BIAS || t->kind == MP_TK_RAW ||
            t->kind == MP_TK_CONV)
            continue;
        double e = (double)t->n * (double)t->out * (double)t->in;
        if (t->role == MP_ROLE_EMBED) {
            if (a->tied_embeddings)
                head += e;
            continue;
        }
        if (t->role == MP_ROLE_HEAD) {
            head += e;
            continue;
        }
        if (routed(a, t))
            ex += e * (double)a->experts_per_tok / (double)a->n_experts;
        else
            mat += e;
    }
    *dense = 2.0 * mat * (double)n + 2.0 * head;
    *expert = 2.0 * ex * (double)n;
    *attn = *lin = 0;
    /* attention: scores and weighted sum over the visible context */
    double dim = (double)a->n_heads * (double)a->head_dim;
    for (int64_t i = 0; i < a->n_layers; i++) {
        const mp_layer *l = &a->layers[i];
        double ctx = (double)past + ((double)n + 1) / 2.0;
        switch (l->attn) {
        case MP_ATTN_FULL:
        case MP_ATTN_LATENT:
        case MP_ATTN_SHARED:
            break;
        case MP_ATTN_SLIDING:
        case MP_ATTN_CHUNKED:
            ctx = fmin(ctx, (double)l->window);
            break;
        case MP_ATTN_LINEAR:
            ctx = 0;
            *lin += 4.0 * (double)n * (double)l->state_f32_elems;
            break;
        }
        *attn += 4.0 * (double)n * ctx * dim;
    }
}

double mp_forward_flops(const mp_arch *a, int64_t n, int64_t past)
{
    double d, e, at, l;
    mp_speed_flops(a, n, past, &d, &e, &at, &l);
    return d + e + at + l;
}

static int count_layers(const mp_arch *a, mp_attn_kind k)
{
    int n = 0;
    for (int64_t i = 0; i < a->n_layers; i++)
        n += a->layers[i].attn == k;
    return n;
}

static bool is_ultra(const mp_chip *c)
{
    return c->vendor == MP_VENDOR_APPLE && c->tier == MP_APPLE_TIER_ULTRA;
}

void mp_speed_decode_terms(const mp_speed_case *k, double x[MP_DEC_N])
{
    const mp_arch *a = k->arch;
    double bw = k->chip->bandwidth_gbs * 1e9, peak = mp_speed_peak_flops(k->chip, NULL, 0);
    int batch = k->batch > 0 ? k->batch : 1;
    memset(x, 0, sizeof(double) * MP_DEC_N);
    double dense, expert;
    mp_speed_step_bytes(a, &k->quant, batch, &dense, &expert);
    x[MP_DEC_W_FLOAT + mp_speed_precision(&k->quant)] = dense / bw;
    x[MP_DEC_EXPERT] = expert / bw;
    x[MP_DEC_KV] = mp_kv_read_bytes(a, &k->quant, k->context_tokens, k->kv_bits,
                                  k->kv_group ? k->kv_group : 64, k->max_kv_size) *
                 batch / bw;
    double fd, fe, fa, fl;
    mp_speed_flops(a, 1, k->context_tokens, &fd, &fe, &fa, &fl);
    /* a chip without a published compute figure: decode stays bandwidth-bound */
    x[MP_DEC_FLOPS] = peak > 0 ? (fd + fe + fa + fl) * batch / peak : 0;
    /* CUDA: the first stream's matmuls hide under its weight reads; each
     * further one adds its own FLOPs at the rate of MLX's quantized CUDA matmul
     * at a small batch, which is compute-bound (measured on the H100: 8B 4-bit
     * aggregate decode flattens near 290 tok/s from B = 8).  On Apple GPUs the
     * `flops` term covers batching. */
    if (peak > 0 && k->chip->vendor == MP_VENDOR_NVIDIA && mp_speed_precision(&k->quant) > 0)
        x[MP_DEC_QFLOPS] = (fd + fe) * (batch - 1) / peak;
    x[MP_DEC_LAYER] = (double)a->n_layers;
    x[MP_DEC_MOE] = (double)a->n_moe_layers;
    x[MP_DEC_LIN] = (double)count_layers(a, MP_ATTN_LINEAR);
    x[MP_DEC_SEQ] = (double)(batch - 1) * (double)a->n_layers;
    x[MP_DEC_STEP] = 1;
    if (is_ultra(k->chip)) {
        x[MP_DEC_U_W] = (dense + expert) / bw;
        x[MP_DEC_U_LAYER] = (double)a->n_layers;
    }
}

void mp_speed_prefill_terms(const mp_speed_case *k, double x[MP_PRE_N])
{
    const mp_arch *a = k->arch;
    double bw = k->chip->bandwidth_gbs * 1e9, peak = mp_speed_peak_flops(k->chip, NULL, 0);
    int batch = k->batch > 0 ? k->batch : 1;
    int step = k->prefill_step > 0 ? k->prefill_step : MP_PREFILL_STEP;
    int64_t prompt = k->prompt_tokens > 0 ? k->prompt_tokens : 1;
    memset(x, 0, sizeof(double) * MP_PRE_N);
    bool quantized = k->quant.mode != MP_Q_FLOAT;
    double ab = k->quant.mode == MP_Q_FLOAT ? mp_dtype_bytes(k->quant.dtype)
                                            : mp_dtype_bytes(a->dtype);
    double chunks = 0;
    for (int64_t done = 0; done < prompt; done += step) {
        int64_t n = prompt - done < step ? prompt - done : step;
        double fd, fe, fa, fl, dense, expert;
        mp_speed_flops(a, n, done, &fd, &fe, &fa, &fl);
        x[quantized ? MP_PRE_MM_QUANT : MP_PRE_MM_FLOAT] += fd * batch / peak;
        x[MP_PRE_MM_EXPERT] += fe * batch / peak;
        x[MP_PRE_ATTN] += fa * batch / peak;
        x[MP_PRE_LIN] += fl * batch / peak;
        mp_speed_step_bytes(a, &k->quant, (double)n * batch, &dense, &expert);
        x[MP_PRE_WPASS] += (dense + expert) / bw;
        chunks += 1;
    }
    /* the routed experts' matmuls also run at the matmul efficiency of
     * their format: the expert constant is what gathering adds on top */
    x[quantized ? MP_PRE_MM_QUANT : MP_PRE_MM_FLOAT] += x[MP_PRE_MM_EXPERT];
    x[MP_PRE_ACT] = (double)prompt * batch * (double)a->n_layers * (double)a->hidden * ab / bw;
    x[MP_PRE_CHUNK] = chunks * (double)a->n_layers;
    x[MP_PRE_CALL] = 1;
}

static double dot(const double *x, const double (*c)[MP_SC_N], int n, int cls,
                  const mp_term_info *info)
{
    double s = 0;
    int pool = mp_sclass_pool(cls);
    for (int j = 0; j < n; j++)
        s += x[j] * c[j][info[j].per_generation ? cls : pool];
    return s;
}

double mp_speed_decode_s(const mp_speed_consts *c, int cls, const double x[MP_DEC_N])
{
    if (!c)
        c = mp_speed_fitted();
    return dot(x, c->d, MP_DEC_N, cls, mp_dterm_info);
}

double mp_speed_prefill_s(const mp_speed_consts *c, int cls, const double x[MP_PRE_N])
{
    if (!c)
        c = mp_speed_fitted();
    return dot(x, c->p, MP_PRE_N, cls, mp_pterm_info);
}

double mp_speed_layer_s(const mp_chip *c)
{
    return mp_speed_fitted()->d[MP_DEC_LAYER][mp_sclass_of(c)];
}

double mp_speed_train_s(const mp_speed_consts *c, const double x[MP_TR_N], double fixed_s)
{
    if (!c)
        c = mp_speed_fitted();
    double t = fixed_s;
    for (int j = 0; j < MP_TR_N; j++)
        t += fmax(c->t[j], mp_tterm_info[j].lower) * x[j];
    return t;
}
