/* infer.c - the inference estimator; see infer.h for the model. */
#include "engine/infer.h"
#include "kb/param.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/bands.h"
#include "engine/mcal.h"
#include "engine/speed.h"

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

double mp_kv_read_bytes(const mp_arch *a, const mp_quant *q, int64_t tokens, int kv_bits,
                        int kv_group, int64_t max_kv)
{
    double ab = act_bytes(a, q), kv = 0;
    for (int64_t i = 0; i < a->n_layers; i++)
        kv += layer_kv_read(a, &a->layers[i], tokens, ab, kv_bits, kv_group, max_kv);
    return kv;
}

static mp_speed_case speed_case(const mp_arch *a, const mp_machine *m, const mp_quant *q,
                                int64_t tokens, int64_t prompt, int batch, int kv_bits,
                                int kv_group, int64_t max_kv, int prefill_step)
{
    mp_speed_case k = {a, &m->chip, *q, tokens, prompt, batch, kv_bits, kv_group, max_kv,
                       prefill_step};
    return k;
}

double mp_decode_step_s(const mp_arch *a, const mp_machine *m, const mp_quant *q, int64_t tokens,
                        int batch, int kv_bits, int kv_group, int64_t max_kv_size,
                        const mp_params *p)
{
    (void)p; /* the speed constants are mp_speed_fitted() */
    mp_speed_case k = speed_case(a, m, q, tokens, tokens, batch, kv_bits, kv_group, max_kv_size, 0);
    double x[MP_DEC_N];
    mp_speed_decode_terms(&k, x);
    return mp_speed_decode_s(NULL, mp_sclass_of(&m->chip), x);
}

double mp_matmul_rate(const mp_chip *c, const mp_params *p, bool quantized, char *basis,
                      size_t cap)
{
    (void)p;
    char pb[160];
    double peak = mp_speed_peak_flops(c, pb, sizeof pb);
    int cls = mp_sclass_of(c);
    const mp_speed_consts *k = mp_speed_fitted();
    int term = quantized ? MP_PRE_MM_QUANT : MP_PRE_MM_FLOAT;
    double inv = k->p[term][cls];
    if (!(inv > 0))
        inv = 1;
    if (basis)
        snprintf(basis, cap, "%s x %.0f%% (%s matmul efficiency of %s, fitted)", pb, 100.0 / inv,
                 quantized ? "quantized" : "float", mp_sclass_name(cls));
    return peak / inv;
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
    /* margins in MiB under 1 GiB, so "48.0 GiB over 48.0 GiB" cannot hide one */
    char spare[32], band[32], over[32];
    mp_fmt_margin(fabs(budget - total), spare, sizeof spare);
    mp_fmt_margin(upper - total, band, sizeof band);
    if (out->verdict == MP_FITS)
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB is %.0f%% of the %.1f GiB default GPU limit; the %s to spare "
                 "covers the +/-%.0f%% band (%s)",
                 gib(total), pct, gib(budget), spare, band_pct, band);
    else if (out->point == MP_FITS) {
        mp_fmt_margin(upper - budget, over, sizeof over);
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB is %.0f%% of the %.1f GiB default GPU limit; the %s to spare "
                 "is less than the +/-%.0f%% band (%s): at the band's upper end, %.1f GiB, "
                 "it would pass the limit by %s",
                 gib(total), pct, gib(budget), spare, band_pct, band, gib(upper), over);
    } else if (out->verdict == MP_TIGHT && total <= budget)
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB is %.0f%% of the %.1f GiB default GPU limit: above mlx-lm's 90%% "
                 "warning, %s to spare, little room for other apps",
                 gib(total), pct, gib(budget), spare);
    else if (out->verdict == MP_TIGHT)
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB exceeds the %.1f GiB default GPU limit by %s; it fits after "
                 "'sudo sysctl iogpu.wired_limit_mb=%d' (%.1f GiB)",
                 gib(total), gib(budget), spare, m->wired_limit_mb, gib(max));
    else {
        mp_fmt_margin(total - max, over, sizeof over);
        snprintf(text, MP_BASIS_LEN,
                 "%.1f GiB exceeds the %.1f GiB GPU memory this machine can give MLX by %s%s",
                 gib(total), gib(max), over,
                 m->chip.vendor == MP_VENDOR_APPLE ? " even with a raised wired limit" : "");
    }
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
    const mp_speed_consts *sc = mp_speed_fitted();
    int cls = mp_sclass_of(&m->chip);
    mp_speed_case k = speed_case(a, m, &q, ctx, prompt, batch, req->kv_bits, kv_group,
                                 req->max_kv_size, step);
    double xd[MP_DEC_N];
    mp_speed_decode_terms(&k, xd);
    double part[MP_DEC_N], t = 0;
    for (int j = 0; j < MP_DEC_N; j++) {
        double one[MP_DEC_N] = {0};
        one[j] = xd[j];
        part[j] = mp_speed_decode_s(sc, cls, one);
        t += part[j];
    }
    double tw = part[MP_DEC_W_FLOAT] + part[MP_DEC_W_Q8] + part[MP_DEC_W_QLOW] + part[MP_DEC_EXPERT] +
                part[MP_DEC_U_W];
    res->decode_ms_weights = tw * 1e3;
    res->decode_ms_kv = part[MP_DEC_KV] * 1e3;
    res->decode_ms_fixed = (t - tw - part[MP_DEC_KV]) * 1e3;
    res->decode_tok_s = 1.0 / t;
    res->decode_total_tok_s = batch / t;
    {
        int pr = mp_speed_precision(&q);
        double bw = m->chip.bandwidth_gbs;
        double inv_w = xd[MP_DEC_W_FLOAT + pr] > 0 ? part[MP_DEC_W_FLOAT + pr] / xd[MP_DEC_W_FLOAT + pr]
                                                 : 1;
        double inv_kv = xd[MP_DEC_KV] > 0 ? part[MP_DEC_KV] / xd[MP_DEC_KV] : 1;
        double us_layer = (part[MP_DEC_LAYER] + part[MP_DEC_U_LAYER]) / (double)a->n_layers * 1e6;
        char moe[96] = "";
        if (a->n_moe_layers)
            snprintf(moe, sizeof moe, " + %.2f GB routed experts at %.0f%% + %d MoE layers x %.0f us",
                     xd[MP_DEC_EXPERT] * bw, xd[MP_DEC_EXPERT] > 0 ? 100 * xd[MP_DEC_EXPERT] /
                     part[MP_DEC_EXPERT] : 0, a->n_moe_layers,
                     part[MP_DEC_MOE] / a->n_moe_layers * 1e6);
        snprintf(res->decode_basis, MP_BASIS_LEN,
                 "per step: %.2f GB weights / %g GB/s at %.0f%% + %.2f GB KV cache at %.0f%%%s + "
                 "%lld layers x %.0f us + %.2f ms per step and compute (%s constants, fitted)",
                 xd[MP_DEC_W_FLOAT + pr] * bw, bw, 100 / inv_w, xd[MP_DEC_KV] * bw, 100 / inv_kv, moe,
                 (long long)a->n_layers, us_layer,
                 (part[MP_DEC_STEP] + part[MP_DEC_FLOPS] + part[MP_DEC_QFLOPS] + part[MP_DEC_LIN] +
                  part[MP_DEC_SEQ]) * 1e3,
                 mp_sclass_name(cls));
    }
    static const int64_t points[] = {1024, 4096, 16384, 32768, 65536, 131072};
    for (size_t i = 0; i < sizeof points / sizeof points[0] && res->n_curve < MP_CURVE_MAX - 1;
         i++) {
        if (points[i] >= ctx)
            break;
        mp_curve_point *cp = &res->curve[res->n_curve++];
        cp->context_tokens = points[i];
        mp_speed_case kc = k;
        kc.context_tokens = points[i];
        double xc[MP_DEC_N];
        mp_speed_decode_terms(&kc, xc);
        cp->decode_tok_s = 1.0 / mp_speed_decode_s(sc, cls, xc);
        cp->kv_bytes = mp_kv_bytes(a, points[i], batch, req->kv_bits, kv_group, req->max_kv_size);
    }
    mp_curve_point *last = &res->curve[res->n_curve++];
    last->context_tokens = ctx;
    last->decode_tok_s = res->decode_tok_s;
    last->kv_bytes = res->kv.bytes;

    bool quantized = q.mode != MP_Q_FLOAT;
    double xp[MP_PRE_N];
    mp_speed_prefill_terms(&k, xp);
    double tp = mp_speed_prefill_s(sc, cls, xp);
    mp_speed_case k1 = k;
    k1.context_tokens = prompt;
    mp_speed_decode_terms(&k1, xd);
    res->ttft_s = tp + mp_speed_decode_s(sc, cls, xd);
    /* as mlx-lm reports it: prompt tokens over the time to the first token */
    res->prefill_tok_s = (double)prompt * batch / res->ttft_s;
    char peak_basis[160];
    double peak = mp_speed_peak_flops(&m->chip, peak_basis, sizeof peak_basis);
    int mm = quantized ? MP_PRE_MM_QUANT : MP_PRE_MM_FLOAT;
    double inv_mm = sc->p[mm][cls] > 0 ? sc->p[mm][cls] : 1;
    res->prefill_tflops = peak / inv_mm / 1e12;
    {
        double fixed = 0;
        for (int j = MP_PRE_WPASS; j < MP_PRE_N; j++) {
            double one[MP_PRE_N] = {0};
            one[j] = xp[j];
            fixed += mp_speed_prefill_s(sc, cls, one);
        }
        double d, e, at, l;
        mp_speed_flops(a, prompt, 0, &d, &e, &at, &l);
        snprintf(res->prefill_basis, MP_BASIS_LEN,
                 "%.1f GFLOP per prompt token (%.0f%% attention) over %.1f TFLOPS (%s at %.0f%%, "
                 "%s constants, fitted)%s + %.2f s fixed, per-chunk and weight-pass costs; "
                 "rate = prompt / time to first token",
                 (d + e + at + l) / (double)prompt / 1e9, 100 * at / (d + e + at + l),
                 res->prefill_tflops, peak_basis, 100 / inv_mm, mp_sclass_name(cls),
                 a->n_moe_layers ? " + gathered-expert cost" : "", fixed);
    }


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
    if (mp_speed_class_rows(cls) == 0)
        add_note(res, "no calibration rows for %s GPUs: speed uses the pooled %s constants",
                 m->chip.generation ? m->chip.generation : "these",
                 mp_sclass_pool(cls) == MP_SC_NVIDIA ? "NVIDIA" : "Apple");
    if (a->max_position > 0 && ctx > a->max_position)
        add_note(res, "the context (%lld) is longer than the model's max_position_embeddings "
                      "(%lld)",
                 (long long)ctx, (long long)a->max_position);
    mp_mcal_infer(m->calib, res);
    return 0;
}
