/* sweep.c - estimates over a range of contexts and formats; see sweep.h. */
#include "engine/sweep.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "engine/bands.h"
#include "engine/fit.h"
#include "model/registry.h"

#define SWEEP_MAX_TOKENS ((int64_t)1 << 24)

/* One point with the request's settings at `ctx` tokens.  `base` already
 * holds the settings mp_infer used (context, prompt, group resolved). */
static void point_at(const mp_infer_req *base, double weights_bytes, double band_pct,
                     int64_t ctx, mp_context_point *pt)
{
    mp_infer_req r = *base;
    r.context_tokens = ctx;
    r.prompt_tokens = base->prompt_tokens < ctx ? base->prompt_tokens : ctx;
    memset(pt, 0, sizeof *pt);
    pt->context_tokens = ctx;
    pt->weights_bytes = weights_bytes;
    pt->total_bytes = mp_infer_memory(&r, weights_bytes, &pt->kv_bytes, &pt->act_bytes);
    pt->verdict = mp_verdict_banded(r.mach, pt->total_bytes, band_pct);
    pt->decode_tok_s = 1.0 / mp_decode_step_s(r.arch, r.mach, &r.quant, ctx, r.batch, r.kv_bits,
                                              r.kv_group, r.max_kv_size, r.params);
}

/* The longest context in 256-token steps whose verdict is at most `worst`
 * (memory grows with the context, so a bisection finds it); 0 for none. */
static int64_t longest(const mp_infer_req *base, double weights_bytes, double band_pct,
                       mp_verdict worst)
{
    mp_context_point pt;
    point_at(base, weights_bytes, band_pct, MP_KV_STEP, &pt);
    if (pt.verdict > worst)
        return 0;
    int64_t lo = 1, hi = SWEEP_MAX_TOKENS / MP_KV_STEP;
    point_at(base, weights_bytes, band_pct, hi * MP_KV_STEP, &pt);
    if (pt.verdict <= worst)
        return hi * MP_KV_STEP;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        point_at(base, weights_bytes, band_pct, mid * MP_KV_STEP, &pt);
        if (pt.verdict <= worst)
            lo = mid;
        else
            hi = mid;
    }
    return lo * MP_KV_STEP;
}

int mp_infer_sweep(const mp_infer_req *req, mp_context_sweep *out, mp_error *err)
{
    memset(out, 0, sizeof *out);
    mp_infer_result res;
    int rc = mp_infer(req, &res, err);
    if (rc)
        return rc;
    /* the settings mp_infer resolved, so the requested point equals it */
    mp_infer_req base = *req;
    base.quant = res.quant;
    base.context_tokens = res.context_tokens;
    base.prompt_tokens = res.prompt_tokens;
    base.kv_group = req->kv_group ? req->kv_group : 64;
    const mp_machine *m = req->mach;
    double w = res.weights.bytes;
    out->budget_bytes = res.budget_bytes;
    out->warn_bytes = res.warn_bytes;
    out->max_bytes = res.max_bytes;
    out->ram_bytes = m->ram_bytes;
    out->max_fit_tokens = longest(&base, w, res.band_mem_pct, MP_FITS);
    out->max_run_tokens = longest(&base, w, res.band_mem_pct, MP_TIGHT);

    int64_t ctx = base.context_tokens;
    int64_t start = ctx >= 1024 ? 1024 : MP_KV_STEP;
    int64_t end = req->arch->max_position > 0 ? req->arch->max_position : 131072;
    out->model_max_tokens = req->arch->max_position > 0 ? req->arch->max_position : 0;
    out->end = req->arch->max_position > 0 ? MP_SWEEP_END_MODEL : MP_SWEEP_END_DEFAULT;
    if (end > SWEEP_MAX_TOKENS)
        end = SWEEP_MAX_TOKENS;
    if (end < ctx) { /* the request is always a point */
        end = ctx;
        out->end = MP_SWEEP_END_REQUEST;
    }
    double octaves = log2((double)end / (double)start);
    int per_octave = octaves > 0 ? (int)((MP_SWEEP_MAX - 2) / ceil(octaves)) : 4;
    if (per_octave > 4)
        per_octave = 4;
    if (per_octave < 1)
        per_octave = 1;
    /* past the request, stop once memory is well over both the RAM and the
     * request's own need: the rest of the curve would only flatten the chart */
    double wall = 1.25 * (m->ram_bytes > res.total_bytes ? m->ram_bytes : res.total_bytes);
    int64_t prev = 0;
    bool placed = false;
    for (int k = 0; out->n < MP_SWEEP_MAX; k++) {
        int64_t t = (int64_t)llround((double)start * exp2((double)k / per_octave) / MP_KV_STEP) *
                    MP_KV_STEP;
        bool last = false;
        if (t >= end) {
            t = end;
            last = true;
        }
        if (!placed && t >= ctx) {
            /* the requested context, exactly */
            point_at(&base, w, res.band_mem_pct, ctx, &out->pts[out->n]);
            out->requested = out->n++;
            placed = true;
            prev = ctx;
            if (t == ctx && last)
                break;
            if (t == ctx)
                continue;
            if (out->n == MP_SWEEP_MAX)
                break;
        }
        if (t <= prev) {
            if (last)
                break;
            continue;
        }
        point_at(&base, w, res.band_mem_pct, t, &out->pts[out->n]);
        prev = t;
        out->n++;
        if (last)
            break;
        if (placed && out->pts[out->n - 1].total_bytes > wall) {
            out->end = MP_SWEEP_END_RAM;
            break;
        }
    }
    return 0;
}

int mp_fit_row_compute(const mp_arch *a, const char *label, const mp_machine *m, int64_t context,
                       mp_fit_row *row, mp_error *err)
{
    memset(row, 0, sizeof *row);
    if (context < 1)
        return mp_error_set(err, MP_EINVAL, "context must be at least 1 token, got %lld",
                            (long long)context);
    row->model_id = label;
    row->params = mp_arch_params(a);
    row->budget_bytes = m->gpu_default_bytes;
    row->warn_bytes = 0.9 * m->gpu_default_bytes;
    row->max_bytes = m->gpu_max_bytes;
    mp_bands bands;
    mp_bands_for(&m->chip, a->n_moe_layers > 0, &bands); /* the band mp_infer gives */
    mp_quant ladder[MP_LADDER_MAX];
    row->n = mp_fit_quant_ladder(a->dtype, ladder, MP_LADDER_MAX);
    for (int i = 0; i < row->n; i++) {
        mp_fit_cell *c = &row->cells[i];
        /* the request mp_fit_inference estimates for a format */
        mp_infer_req r = {a, m, ladder[i], context, context, 1, 0, 64, 0, 0, NULL};
        c->quant = ladder[i];
        c->weights_bytes = mp_arch_weight_bytes(a, &ladder[i], NULL);
        c->total_bytes = mp_infer_memory(&r, c->weights_bytes, &c->kv_bytes, &c->act_bytes);
        c->verdict = mp_verdict_banded(m, c->total_bytes, bands.memory_pct);
        c->verdict_point = mp_verdict_of(m, c->total_bytes);
        c->decode_tok_s = 1.0 / mp_decode_step_s(a, m, &ladder[i], context, 1, 0, 64, 0, NULL);
    }
    return 0;
}

int mp_fit_grid(const mp_machine *m, int64_t context, const char *const *ids, int n_ids,
                mp_fit_row *rows, mp_error *err)
{
    for (int i = 0; i < n_ids; i++) {
        const mp_model_row *mr = mp_registry_find(ids[i]);
        if (!mr)
            return mp_error_set(err, MP_ENOTFOUND, "unknown model '%s'", ids[i]);
        mp_arch a;
        int rc = mp_registry_arch(mr, &a, err);
        if (rc)
            return rc;
        rc = mp_fit_row_compute(&a, ids[i], m, context, &rows[i], err);
        mp_arch_release(&a);
        if (rc)
            return rc;
    }
    return 0;
}
