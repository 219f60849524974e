/* infer.c - the inference estimator; see infer.h for the model. */
#include "engine/infer.h"
#include "kb/param.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/bands.h"

const char *mp_verdict_name(mp_verdict v)
{
    switch (v) {
    case MP_FITS: return "fits";
    case MP_TIGHT: return "tight";
    case MP_NO_FIT: return "does not fit";
    }
    return "?";
}

static int64_t round_up(int64_t n, int64_t step)
{
    return (n + step - 1) / step * step;
}

/* Bytes of one activation value: the model's float dtype, or fp16 when the
 * user converts to fp16 (quantized models compute in their scales' dtype). */
static double act_bytes(const mp_arch *a, const mp_quant *q)
{
    if (q->mode == MP_Q_FLOAT)
        return mp_dtype_bytes(q->dtype);
    return mp_dtype_bytes(a->dtype);
}

/* Whether --max-kv-size turns every layer into a rotating cache. */
static bool rotating_all(const mp_arch *a, int64_t max_kv)
{
    return max_kv > 0 && !a->own_cache;
}

/* Slots of a RotatingKVCache of max_size `size` after mlx_lm.generate's
 * prompt of `tokens` tokens: the prefill chunks are concatenated as they
 * come (tokens - 1 slots, trimmed to the size), then the last prompt token
 * grows the buffer in place by min(256, size - offset) (mlx_lm
 * models/cache.py RotatingKVCache._update_in_place), so the buffer is
 * tokens + 255 slots, at most `size`; not a multiple of 256 as KVCache's. */
static int64_t rotating_slots(int64_t tokens, int64_t size)
{
    int64_t slots = tokens + MP_KV_STEP - 1;
    return slots < size ? slots : size;
}

/* Bytes of one layer's cache after a prompt of `tokens` tokens (one
 * sequence); KVCache layers hold them in 256-token steps. */
static double layer_cache_bytes(const mp_arch *a, const mp_layer *l, int64_t tokens, double ab,
                                int kv_bits, int kv_group, int64_t max_kv)
{
    double elem = ab;
    switch (l->attn) {
    case MP_ATTN_FULL:
    case MP_ATTN_LATENT: {
        int64_t slots;
        if (rotating_all(a, max_kv)) {
            slots = rotating_slots(tokens, max_kv);
        } else {
            slots = round_up(tokens, MP_KV_STEP);
            if (kv_bits)
                elem = mp_kv_elem_bytes(kv_bits, kv_group, ab == 4 ? MP_DT_F32 : MP_DT_BF16);
        }
        return (double)l->kv_elems * (double)slots * elem;
    }
    case MP_ATTN_SLIDING:
        return (double)l->kv_elems * (double)rotating_slots(tokens, l->window) * elem;
    case MP_ATTN_CHUNKED: {
        int64_t slots = round_up(tokens, MP_KV_STEP);
        if (slots > l->window)
            slots = l->window;
        return (double)l->kv_elems * (double)slots * elem;
    }
    case MP_ATTN_LINEAR:
        return (double)l->state_act_elems * ab + (double)l->state_f32_elems * 4.0;
    case MP_ATTN_SHARED:
        return 0;
    }
    return 0;
}

/* Bytes attention reads per generated token (the filled part of the cache). */
static double layer_kv_read(const mp_arch *a, const mp_layer *l, int64_t tokens, double ab,
                            int kv_bits, int kv_group, int64_t max_kv)
{
    double elem = ab;
    int64_t t = tokens;
    switch (l->attn) {
    case MP_ATTN_FULL:
    case MP_ATTN_LATENT:
        if (rotating_all(a, max_kv) && t > max_kv)
            t = max_kv;
        else if (kv_bits && !rotating_all(a, max_kv))
            elem = mp_kv_elem_bytes(kv_bits, kv_group, ab == 4 ? MP_DT_F32 : MP_DT_BF16);
        return (double)l->kv_elems * (double)t * elem;
    case MP_ATTN_SLIDING:
    case MP_ATTN_CHUNKED:
        if (t > l->window)
            t = l->window;
        return (double)l->kv_elems * (double)t * elem;
    case MP_ATTN_LINEAR:
        return (double)l->state_act_elems * ab + (double)l->state_f32_elems * 4.0;
    case MP_ATTN_SHARED:
        return 0;
    }
    return 0;
}

double mp_kv_bytes(const mp_arch *a, int64_t tokens, int batch, int kv_bits, int kv_group,
                   int64_t max_kv_size)
{
    mp_quant q = mp_arch_native_quant(a);
    double ab = act_bytes(a, &q), sum = 0;
    for (int64_t i = 0; i < a->n_layers; i++)
        sum += layer_cache_bytes(a, &a->layers[i], tokens, ab, kv_bits, kv_group, max_kv_size);
    return sum * batch;
}

static int tier_of(const mp_chip *c)
{
    if (strcmp(c->tier, "Pro") == 0)
        return MP_TIER_PRO;
    if (strcmp(c->tier, "Max") == 0)
        return MP_TIER_MAX;
    if (strcmp(c->tier, "Ultra") == 0)
        return MP_TIER_ULTRA;
    return MP_TIER_BASE;
}

/* Weight bytes read per decode step for `batch` sequences: routed experts
 * are read for every expert some sequence picks, 1-(1-k/E)^batch of them. */
static double step_weight_bytes(const mp_arch *a, const mp_quant *q, int batch)
{
    double total = 0;
    for (size_t i = 0; i < a->n_tensors; i++) {
        const mp_tensor *t = &a->tensors[i];
        double b = mp_arch_tensor_bytes(a, t, q);
        bool routed = (t->role == MP_ROLE_EXPERT || t->role == MP_ROLE_EXPERT_DOWN ||
                       (t->kind == MP_TK_BIAS && t->n > 1)) &&
                      a->n_experts > 0 && t->n == a->n_experts;
        if (routed) {
            double f = (double)a->experts_per_tok / (double)a->n_experts;
            b *= 1.0 - pow(1.0 - f, batch);
        } else if (t->role == MP_ROLE_EMBED && !a->tied_embeddings) {
            b = 0; /* a row lookup */
        }
        total += b;
    }
    return total;
}

/* Bandwidth shares for weight reads and KV reads on this chip. */
static void read_effs(const mp_machine *m, const mp_params *p, double *ew, double *ekv)
{
    if (m->chip.vendor == MP_VENDOR_NVIDIA) {
        *ew = *ekv = p->nv_e_w;
        return;
    }
    int tier = tier_of(&m->chip);
    *ew = p->e_w[tier];
    *ekv = p->e_kv * (tier == MP_TIER_ULTRA ? p->kv_ultra : 1.0);
}

static double kv_read_bytes(const mp_arch *a, const mp_quant *q, int64_t tokens, int kv_bits,
                            int kv_group, int64_t max_kv)
{
    double ab = act_bytes(a, q), kv = 0;
    for (int64_t i = 0; i < a->n_layers; i++)
        kv += layer_kv_read(a, &a->layers[i], tokens, ab, kv_bits, kv_group, max_kv);
    return kv;
}

static void decode_parts(const mp_arch *a, const mp_machine *m, const mp_quant *q, int64_t tokens,
                         int batch, int kv_bits, int kv_group, int64_t max_kv, const mp_params *p,
                         double *tw, double *tkv, double *tfix)
{
    double bw = m->chip.bandwidth_gbs * 1e9;
    double kv = kv_read_bytes(a, q, tokens, kv_bits, kv_group, max_kv);
    double ew, ekv;
    read_effs(m, p, &ew, &ekv);
    *tw = step_weight_bytes(a, q, batch) / (bw * ew);
    *tkv = kv * batch / (bw * ekv);
    *tfix = ((double)a->n_layers * p->t_layer_us + (double)a->n_moe_layers * p->t_moe_us) * 1e-6;
}

double mp_decode_step_s(const mp_arch *a, const mp_machine *m, const mp_quant *q, int64_t tokens,
                        int batch, int kv_bits, int kv_group, int64_t max_kv_size,
                        const mp_params *p)
{
    double tw, tkv, tfix;
    decode_parts(a, m, q, tokens, batch, kv_bits, kv_group, max_kv_size, p ? p : &mp_params_fitted,
                 &tw, &tkv, &tfix);
    return tw + tkv + tfix;
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

double mp_matmul_rate(const mp_chip *c, const mp_params *p, bool quantized, char *basis,
                      size_t cap)
{
    if (!p)
        p = &mp_params_fitted;
    if (c->vendor == MP_VENDOR_NVIDIA) {
        double peak = !isnan(c->bf16_tflops) ? c->bf16_tflops : 2.0 * c->fp32_tflops;
        if (basis)
            snprintf(basis, cap, "%.0f TFLOPS %s x %.2f (assumed; CUDA not calibrated)", peak,
                     !isnan(c->bf16_tflops) ? "BF16 tensor" : "2 x FP32", p->nv_e_p);
        return peak * 1e12 * p->nv_e_p;
    }
    double core;
    const char *how;
    char how_buf[96];
    if (!isnan(c->fp32_tflops)) {
        core = c->fp32_tflops / c->gpu_cores;
        how = "published FP32";
    } else if (strcmp(c->family, "M3") == 0) {
        core = p->m3_core_tflops;
        how = "fitted M3 per-core rate";
    } else if ((core = family_core_tflops(c->family)) > 0) {
        snprintf(how_buf, sizeof how_buf, "%s per-core rate of its published bins", c->family);
        how = how_buf;
    } else {
        core = family_core_tflops("M4"); /* M5, M6: no figure yet */
        how = "M4 per-core rate (no published figure)";
    }
    double rate = c->gpu_cores * core * p->e_p * (quantized ? p->q_p : 1.0);
    if (c->neural_accel)
        rate *= p->na;
    if (basis)
        snprintf(basis, cap, "%d cores x %.3f TFLOPS (%s) x %.2f matmul efficiency%s%s",
                 c->gpu_cores, core, how, p->e_p, quantized ? " x quantized factor" : "",
                 c->neural_accel ? " x neural-accelerator gain" : "");
    return rate * 1e12;
}

double mp_forward_flops(const mp_arch *a, int64_t n, int64_t past)
{
    /* matmuls: every active weight element is a multiply-add per token;
     * the embedding is a lookup and the head runs for the last token only */
    double mat = 0, head = 0;
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
        if (t->n == a->n_experts && a->n_experts > 0 &&
            (t->role == MP_ROLE_EXPERT || t->role == MP_ROLE_EXPERT_DOWN))
            e *= (double)a->experts_per_tok / (double)a->n_experts;
        mat += e;
    }
    double flops = 2.0 * mat * (double)n + 2.0 * head;
    /* attention: scores and weighted sum over the visible context */
    for (int64_t i = 0; i < a->n_layers; i++) {
        const mp_layer *l = &a->layers[i];
        double dim = (double)a->n_heads * (double)a->head_dim;
        double ctx;
        switch (l->attn) {
        case MP_ATTN_FULL:
        case MP_ATTN_LATENT:
        case MP_ATTN_SHARED:
            ctx = (double)past + ((double)n + 1) / 2.0;
            break;
        case MP_ATTN_SLIDING:
        case MP_ATTN_CHUNKED:
            ctx = fmin((double)past + ((double)n + 1) / 2.0, (double)l->window);
            break;
        case MP_ATTN_LINEAR:
        default:
            ctx = 0;
            flops += 4.0 * (double)n * (double)l->state_f32_elems;
            break;
        }
        flops += 4.0 * (double)n * ctx * dim;
    }
    return flops;
}

double mp_infer_memory(const mp_infer_req *req, double weights_bytes, double *kv_bytes,
                       double *act_bytes_out)
{
    const mp_arch *a = req->arch;
    const mp_params *p = req->params ? req->params : &mp_params_fitted;
    mp_quant q = req->quant;
    int64_t ctx = req->context_tokens;
    int64_t prompt = req->prompt_tokens > 0 ? req->prompt_tokens : ctx;
    if (prompt > ctx)
        ctx = prompt;
    int step = req->prefill_step > 0 ? req->prefill_step : MP_PREFILL_STEP;
    int kv_group = req->kv_group ? req->kv_group : 64;
    int batch = req->batch > 0 ? req->batch : 1;
    double ab = act_bytes(a, &q);
    double w = weights_bytes >= 0 ? weights_bytes : mp_arch_weight_bytes(a, &q, NULL);
    double kv = 0;
    for (int64_t i = 0; i < a->n_layers; i++)
        kv += layer_cache_bytes(a, &a->layers[i], ctx, ab, req->kv_bits, kv_group,
                                req->max_kv_size);
    kv *= batch;
    int64_t chunk = prompt < step ? prompt : step;
    double act = (double)chunk * batch * p->act_h * (double)a->hidden *
                 ab;
    /* a rotating cache rebuilds itself while a chunk is appended */
    double transient = 0;
    for (int64_t i = 0; i < a->n_layers; i++) {
        const mp_layer *l = &a->layers[i];
        if (l->attn == MP_ATTN_SLIDING)
            transient += (double)l->kv_elems * (double)(chunk - 1 > 0 ? chunk - 1 : 0) * ab;
        else if ((l->attn == MP_ATTN_FULL || l->attn == MP_ATTN_LATENT) &&
                 rotating_all(a, req->max_kv_size))
            transient += layer_cache_bytes(a, l, ctx, ab, 0, kv_group, req->max_kv_size);
    }
    act += transient * batch;
    if (kv_bytes)
        *kv_bytes = kv;
    if (act_bytes_out)
        *act_bytes_out = act;
    return w + kv + act;
}

mp_verdict mp_verdict_of(const mp_machine *m, double total)
{
    if (total <= 0.9 * m->gpu_default_bytes)
        return MP_FITS;
    if (total <= m->gpu_default_bytes ||
        (total <= m->gpu_max_bytes && m->chip.vendor == MP_VENDOR_APPLE))
        return MP_TIGHT;
    return MP_NO_FIT;
}

mp_verdict mp_verdict_banded(const mp_machine *m, double total, double band_pct)
{
    mp_verdict v = mp_verdict_of(m, total);
    return v == MP_FITS && total * (1.0 + band_pct / 100.0) > m->gpu_default_bytes ? MP_TIGHT : v;
}

static void add_note(mp_infer_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(mp_infer_result *r, const char *fmt, ...)
{
    if (r->n_notes >= (int)(sizeof r->notes / sizeof r->notes[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes++], sizeof r->notes[0], fmt, ap);
    va_end(ap);
}

static double gib(double b)
{
    return b / MP_GIB;
}

void mp_memory_verdict(const mp_machine *m, double total, double band_pct,
                       mp_memory_judgement *out, char text[MP_BASIS_LEN])
{
    double budget = m->gpu_default_bytes, max = m->gpu_max_bytes;
    out->budget_bytes = budget;
    out->warn_bytes = 0.9 * budget;
    out->max_bytes = max;
    double pct = 100.0 * total / budget;
    double upper = total * (1.0 + band_pct / 100.0);
    out->point = mp_verdict_of(m, total);
    out->verdict = mp_verdict_banded(m, total, band_pct);
    if (out->verdict == MP_FITS)
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB is %.0f%% of the %.1f GiB default GPU limit; the %.1f GiB to spare "
                 "covers the +/-%.0f%% band (%.1f GiB)",
                 gib(total), pct, gib(budget), gib(budget - total), band_pct, gib(upper - total));
    else if (out->point == MP_FITS)
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB is %.0f%% of the %.1f GiB default GPU limit; the %.1f GiB to spare "
                 "is less than the +/-%.0f%% band (%.1f GiB): at the band's upper end, %.1f GiB, "
                 "it would pass the limit by %.1f GiB",
                 gib(total), pct, gib(budget), gib(budget - total), band_pct, gib(upper - total),
                 gib(upper), gib(upper - budget));
    else if (out->verdict == MP_TIGHT && total <= budget)
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB is %.0f%% of the %.1f GiB default GPU limit: above mlx-lm's 90%% "
                 "warning, %.1f GiB to spare, little room for other apps",
                 gib(total), pct, gib(budget), gib(budget - total));
    else if (out->verdict == MP_TIGHT)
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB exceeds the %.1f GiB default GPU limit by %.1f GiB; it fits after "
                 "'sudo sysctl iogpu.wired_limit_mb=%d' (%.1f GiB)",
                 gib(total), gib(budget), gib(total - budget), m->wired_limit_mb, gib(max));
    else
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB exceeds the %.1f GiB GPU memory this machine can give MLX by %.1f GiB%s",
                 gib(total), gib(max), gib(total - max),
                 m->chip.vendor == MP_VENDOR_APPLE ? " even with a raised wired limit" : "");
}

int mp_infer(const mp_infer_req *req, mp_infer_result *res, mp_error *err)
{
    memset(res, 0, sizeof *res);
    const mp_arch *a = req->arch;
    const mp_machine *m = req->mach;
    const mp_params *p = req->params ? req->params : &mp_params_fitted;
    mp_quant q = req->quant;
    int rc = mp_quant_check(&q, err);
    if (!rc)
        rc = mp_arch_check_quant(a, &q, err);
    if (rc)
        return rc;
    if (req->context_tokens < 1)
        return mp_error_set(err, MP_EINVAL, "context must be at least 1 token");
    if (req->batch < 1)
        return mp_error_set(err, MP_EINVAL, "batch must be at least 1");
    int kv_group = req->kv_group ? req->kv_group : 64;
    if (req->kv_bits) {
        mp_quant kq = {MP_Q_AFFINE, req->kv_bits, kv_group, MP_RECIPE_NONE, MP_DT_BF16};
        rc = mp_quant_check(&kq, err);
        if (rc) {
            mp_error_prefix(err, "%s/%s", mp_pname(MP_P_KV_BITS), mp_pname(MP_P_KV_GROUP_SIZE));
            return rc;
        }
        if (a->head_dim % kv_group != 0)
            return mp_error_set(err, MP_EINVAL,
                                "%s %d does not divide the head dimension %lld",
                                mp_pname(MP_P_KV_GROUP_SIZE), kv_group, (long long)a->head_dim);
        for (int64_t i = 0; i < a->n_layers; i++)
            if (a->layers[i].attn == MP_ATTN_SLIDING || rotating_all(a, req->max_kv_size))
                return mp_error_set(err, MP_EUNSUPPORTED,
                                    "%s cannot be used with %s: it has rotating "
                                    "(sliding-window) caches and mlx-lm raises "
                                    "NotImplementedError when quantizing them",
                                    mp_pname(MP_P_KV_BITS),
                                    rotating_all(a, req->max_kv_size) ? mp_pname(MP_P_MAX_KV_SIZE)
                                                                      : a->id);
    }
    int64_t ctx = req->context_tokens;
    int64_t prompt = req->prompt_tokens > 0 ? req->prompt_tokens : ctx;
    if (prompt > ctx)
        ctx = prompt;
    int batch = req->batch;
    int step = req->prefill_step > 0 ? req->prefill_step : MP_PREFILL_STEP;
    res->quant = q;
    res->context_tokens = ctx;
    res->prompt_tokens = prompt;
    res->batch = batch;
    res->max_kv_ignored = req->max_kv_size > 0 && a->own_cache;
    double ab = act_bytes(a, &q);
    char ql[64];
    mp_quant_label(&q, ql, sizeof ql);

    /* ---- memory ---- */
    double active;
    res->weights.bytes = mp_arch_weight_bytes(a, &q, &active);
    res->params = mp_arch_params(a);
    res->active_params = mp_arch_active_params(a);
    res->bits_per_weight = res->weights.bytes * 8.0 / res->params;
    snprintf(res->weights.basis, MP_BASIS_LEN,
             "%.3gB parameters in %s = %.2f bits/weight (norms, biases and matrices whose input "
             "size is not a multiple of the group stay %s)",
             res->params / 1e9, ql, res->bits_per_weight, mp_dtype_name(a->dtype));

    mp_infer_req mreq = *req;
    mreq.context_tokens = ctx;
    mreq.prompt_tokens = prompt;
    mreq.kv_group = kv_group;
    mreq.quant = q;
    mp_infer_memory(&mreq, res->weights.bytes, &res->kv.bytes, &res->activations.bytes);
    int n_full = 0, n_slide = 0, n_lin = 0, n_lat = 0;
    for (int64_t i = 0; i < a->n_layers; i++) {
        mp_attn_kind k = a->layers[i].attn;
        n_full += k == MP_ATTN_FULL;
        n_lat += k == MP_ATTN_LATENT;
        n_slide += k == MP_ATTN_SLIDING || k == MP_ATTN_CHUNKED;
        n_lin += k == MP_ATTN_LINEAR;
    }
    {
        char kvfmt[64];
        if (req->kv_bits)
            snprintf(kvfmt, sizeof kvfmt, "%d-bit (group %d)", req->kv_bits, kv_group);
        else
            snprintf(kvfmt, sizeof kvfmt, "%s", ab == 4 ? "float32" : "16-bit");
        int64_t slots = rotating_all(a, req->max_kv_size)
                            ? rotating_slots(ctx, req->max_kv_size)
                            : round_up(ctx, MP_KV_STEP);
        char layers[160];
        size_t k = 0;
        layers[0] = '\0';
        if (n_full)
            k += (size_t)snprintf(layers + k, sizeof layers - k, "%d full", n_full);
        if (n_lat && k < sizeof layers)
            k += (size_t)snprintf(layers + k, sizeof layers - k, "%s%d latent (MLA)",
                                  k ? ", " : "", n_lat);
        if (n_slide && k < sizeof layers)
            k += (size_t)snprintf(layers + k, sizeof layers - k, "%s%d windowed", k ? ", " : "",
                                  n_slide);
        if (n_lin && k < sizeof layers)
            snprintf(layers + k, sizeof layers - k, "%s%d fixed-state", k ? ", " : "", n_lin);
        snprintf(res->kv.basis, MP_BASIS_LEN,
                 "%lld tokens -> %lld slots (256-token steps)%s x %d seq; layers: %s; %s values",
                 (long long)ctx, (long long)slots,
                 rotating_all(a, req->max_kv_size) ? ", capped by --max-kv-size" : "", batch,
                 layers, kvfmt);
    }

    int64_t chunk = prompt < step ? prompt : step;
    double transient = res->activations.bytes -
                (double)chunk * batch * p->act_h * (double)a->hidden * ab;
    snprintf(res->activations.basis, MP_BASIS_LEN,
             "one %lld-token prefill chunk x %d seq x %.0f x hidden %lld x %.0f B (fitted on "
             "measured peaks)%s",
             (long long)chunk, batch, p->act_h, (long long)a->hidden, ab,
             transient > 0 ? ", plus the copy a rotating cache makes while a chunk is added" : "");
    res->overhead.bytes = 0;
    snprintf(res->overhead.basis, MP_BASIS_LEN,
             "the Python process and the tokenizer live in CPU memory outside this total");
    res->total_bytes = res->weights.bytes + res->kv.bytes + res->activations.bytes +
                       res->overhead.bytes;

    /* ---- error bands ---- */
    mp_bands b;
    mp_bands_for(&m->chip, a->n_moe_layers > 0, &b);
    res->band_mem_pct = b.memory_pct;
    res->band_decode_pct = b.decode_pct;
    res->band_prefill_pct = b.prefill_pct;
    res->band_thin = b.thin;
    mp_memory_judgement mj;
    mp_memory_verdict(m, res->total_bytes, res->band_mem_pct, &mj, res->verdict_text);
    res->verdict = mj.verdict;
    res->verdict_point = mj.point;
    res->budget_bytes = mj.budget_bytes;
    res->warn_bytes = mj.warn_bytes;
    res->max_bytes = mj.max_bytes;

    /* ---- speed ---- */
    double tw, tkv, tfix;
    decode_parts(a, m, &q, ctx, batch, req->kv_bits, kv_group, req->max_kv_size, p, &tw, &tkv,
                 &tfix);
    double t = tw + tkv + tfix;
    res->decode_ms_weights = tw * 1e3;
    res->decode_ms_kv = tkv * 1e3;
    res->decode_ms_fixed = tfix * 1e3;
    res->decode_tok_s = 1.0 / t;
    res->decode_total_tok_s = batch / t;
    {
        double ew, ekv;
        read_effs(m, p, &ew, &ekv);
        snprintf(res->decode_basis, MP_BASIS_LEN,
                 "per token: %.2f GB weights / (%g GB/s x %.2f) + %.2f GB KV cache / (%g GB/s x "
                 "%.2f) + %lld layers x %.0f us%s",
                 step_weight_bytes(a, &q, batch) / 1e9, m->chip.bandwidth_gbs, ew,
                 kv_read_bytes(a, &q, ctx, req->kv_bits, kv_group, req->max_kv_size) * batch / 1e9,
                 m->chip.bandwidth_gbs, ekv, (long long)a->n_layers, p->t_layer_us,
                 a->n_moe_layers ? " + MoE routing per MoE layer" : "");
    }
    static const int64_t points[] = {1024, 4096, 16384, 32768, 65536, 131072};
    for (size_t i = 0; i < sizeof points / sizeof points[0] && res->n_curve < MP_CURVE_MAX - 1;
         i++) {
        if (points[i] >= ctx)
            break;
        mp_curve_point *cp = &res->curve[res->n_curve++];
        cp->context_tokens = points[i];
        cp->decode_tok_s = 1.0 / mp_decode_step_s(a, m, &q, points[i], batch, req->kv_bits,
                                                 kv_group, req->max_kv_size, p);
        cp->kv_bytes = mp_kv_bytes(a, points[i], batch, req->kv_bits, kv_group, req->max_kv_size);
    }
    mp_curve_point *last = &res->curve[res->n_curve++];
    last->context_tokens = ctx;
    last->decode_tok_s = res->decode_tok_s;
    last->kv_bytes = res->kv.bytes;

    bool quantized = q.mode != MP_Q_FLOAT;
    char rate_basis[200];
    double rate = mp_matmul_rate(&m->chip, p, quantized, rate_basis, sizeof rate_basis);
    if (a->n_moe_layers)
        rate *= p->m_p;
    res->prefill_tflops = rate / 1e12;
    double tp = 0;
    for (int64_t done = 0; done < prompt; done += step) {
        int64_t n = prompt - done < step ? prompt - done : step;
        tp += mp_forward_flops(a, n, done) * batch / rate;
    }
    tp += res->weights.bytes / (m->chip.bandwidth_gbs * 1e9);
    res->prefill_tok_s = (double)prompt * batch / tp;
    res->ttft_s = tp + mp_decode_step_s(a, m, &q, prompt, batch, req->kv_bits, kv_group,
                                        req->max_kv_size, p);
    snprintf(res->prefill_basis, MP_BASIS_LEN,
             "%.1f GFLOP per prompt token over %.1f TFLOPS (%s%s) + one pass over the weights",
             mp_forward_flops(a, prompt, 0) / (double)prompt / 1e9, res->prefill_tflops,
             rate_basis, a->n_moe_layers ? " x MoE factor" : "");


    /* ---- notes ---- */
    if (res->max_kv_ignored)
        add_note(res, "--max-kv-size has no effect: mlx-lm's %s module builds its own cache",
                 a->module);
    if (req->kv_bits)
        add_note(res, "mlx_lm.generate quantizes the cache once it passes --quantized-kv-start "
                      "(5000 tokens by default); before that it is 16-bit");
    if (m->chip.provisional)
        add_note(res, "%s is provisional (announced 2026): its figures may change",
                 m->chip.short_name);
    if (m->chip.vendor == MP_VENDOR_NVIDIA)
        add_note(res, "the CUDA backend is not calibrated: speed efficiencies are assumptions");
    if (a->max_position > 0 && ctx > a->max_position)
        add_note(res, "the context (%lld) is longer than the model's max_position_embeddings "
                      "(%lld)",
                 (long long)ctx, (long long)a->max_position);
    return 0;
}
