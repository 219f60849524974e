/* fit.c - searches over settings, models and machines; see fit.h. */
#include "engine/fit.h"

#include "engine/tdata.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/registry.h"

int mp_fit_quant_ladder(mp_dtype dtype, mp_quant *out, int max)
{
    static const struct {
        mp_qmode mode;
        int bits, group;
        mp_recipe r;
    } ladder[] = {
        {MP_Q_FLOAT, 16, 0, MP_RECIPE_NONE},         {MP_Q_AFFINE, 8, 64, MP_RECIPE_NONE},
        {MP_Q_AFFINE, 6, 64, MP_RECIPE_NONE},        {MP_Q_AFFINE, 5, 64, MP_RECIPE_NONE},
        {MP_Q_AFFINE, 4, 64, MP_RECIPE_MIXED_4_6},   {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE},
        {MP_Q_MXFP4, 4, 32, MP_RECIPE_NONE},         {MP_Q_AFFINE, 3, 64, MP_RECIPE_MIXED_3_6},
        {MP_Q_AFFINE, 3, 64, MP_RECIPE_NONE},        {MP_Q_AFFINE, 2, 64, MP_RECIPE_MIXED_2_6},
        {MP_Q_AFFINE, 2, 64, MP_RECIPE_NONE},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof ladder / sizeof ladder[0] && n < max; i++) {
        mp_quant q = {ladder[i].mode, ladder[i].bits, ladder[i].group, ladder[i].r, dtype};
        if (q.mode == MP_Q_FLOAT)
            q = mp_quant_float(dtype == MP_DT_F32 ? MP_DT_BF16 : dtype);
        out[n++] = q;
    }
    return n;
}

double mp_quant_quality(const mp_quant *q)
{
    if (q->mode == MP_Q_FLOAT)
        return 16;
    double b = q->bits;
    if (q->recipe == MP_RECIPE_MIXED_4_6 || q->recipe == MP_RECIPE_MIXED_3_6 ||
        q->recipe == MP_RECIPE_MIXED_2_6)
        b += 0.5; /* the sensitive projections at 6 bits */
    else if (q->recipe == MP_RECIPE_MIXED_3_4)
        b += 0.3;
    if (q->mode == MP_Q_MXFP4 || q->mode == MP_Q_NVFP4)
        b -= 0.1; /* shared power-of-two scales, no bias */
    if (q->mode == MP_Q_AFFINE && q->group == 32)
        b += 0.1;
    if (q->mode == MP_Q_AFFINE && q->group == 128)
        b -= 0.1;
    return b;
}

static bool fits(mp_verdict v, bool allow_raised)
{
    return v == MP_FITS || (allow_raised && v == MP_TIGHT);
}

int64_t mp_fit_max_context(const mp_arch *a, const mp_machine *m, const mp_quant *q, int batch,
                           int kv_bits, int64_t cap, bool allow_raised)
{
    double w = mp_arch_weight_bytes(a, q, NULL);
    mp_infer_req r = {a, m, *q, 256, 256, batch, kv_bits, 64, 0, 0, NULL};
    if (!fits(mp_verdict_of(m, mp_infer_memory(&r, w, NULL, NULL)), allow_raised))
        return 0;
    int64_t lo = 1, hi = cap / MP_KV_STEP; /* in 256-token units */
    if (hi < 1)
        return 0;
    r.context_tokens = r.prompt_tokens = hi * MP_KV_STEP;
    if (fits(mp_verdict_of(m, mp_infer_memory(&r, w, NULL, NULL)), allow_raised))
        return hi * MP_KV_STEP;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        r.context_tokens = r.prompt_tokens = mid * MP_KV_STEP;
        if (fits(mp_verdict_of(m, mp_infer_memory(&r, w, NULL, NULL)), allow_raised))
            lo = mid;
        else
            hi = mid;
    }
    return lo * MP_KV_STEP;
}

static bool has_rotating(const mp_arch *a)
{
    for (int64_t i = 0; i < a->n_layers; i++)
        if (a->layers[i].attn == MP_ATTN_SLIDING)
            return true;
    return false;
}

int mp_fit_inference(const mp_fit_infer_req *req, mp_fit_infer *out, int max, int *n,
                     mp_error *err)
{
    *n = 0;
    const mp_arch *a = req->arch;
    mp_quant ladder[16];
    int nq = mp_fit_quant_ladder(a->dtype, ladder, 16);
    int64_t want = req->context > 0 ? req->context : 4096;
    int batch = req->batch > 0 ? req->batch : 1;
    int kv_opts[] = {0, 8, 4};
    int n_kv = req->allow_kv_quant && !has_rotating(a) ? 3 : 1;
    for (int i = 0; i < nq && *n < max; i++) {
        if (mp_arch_check_quant(a, &ladder[i], NULL))
            continue; /* a recipe mlx-lm cannot build for this model */
        for (int k = 0; k < n_kv && *n < max; k++) {
            int64_t ctx = mp_fit_max_context(a, req->mach, &ladder[i], batch, kv_opts[k], want,
                                             req->allow_raised_limit);
            if (ctx < want)
                continue;
            mp_fit_infer *o = &out[*n];
            memset(o, 0, sizeof *o);
            o->quant = ladder[i];
            o->kv_bits = kv_opts[k];
            o->context = ctx;
            mp_infer_req ir = {a, req->mach, ladder[i], ctx, ctx, batch, kv_opts[k], 64, 0, 0,
                               NULL};
            int rc = mp_infer(&ir, &o->est, err);
            if (rc)
                return rc;
            if (req->min_tok_s > 0 && o->est.decode_tok_s < req->min_tok_s)
                continue;
            (*n)++;
            break; /* the float cache is better than quantizing it: stop at the first */
        }
    }
    /* reasons, relative to the first (best quality that fits) */
    for (int i = 0; i < *n; i++) {
        char ql[64];
        mp_quant_label(&out[i].quant, ql, sizeof ql);
        if (i == 0)
            snprintf(out[i].why, sizeof out[i].why,
                     "highest-quality format that fits %lld tokens%s: %.1f GiB, %.0f tok/s",
                     (long long)out[i].context, out[i].kv_bits ? " (quantized KV cache)" : "",
                     out[i].est.total_bytes / MP_GIB, out[i].est.decode_tok_s);
        else
            snprintf(out[i].why, sizeof out[i].why,
                     "%.1fx the decode speed of #1 (%.0f tok/s) and %.1f GiB less memory, "
                     "at lower precision (%s)",
                     out[i].est.decode_tok_s / out[0].est.decode_tok_s,
                     out[i].est.decode_tok_s,
                     (out[0].est.total_bytes - out[i].est.total_bytes) / MP_GIB, ql);
    }
    return 0;
}

static int cmp_models(const void *x, const void *y)
{
    const mp_fit_model *a = x, *b = y;
    return a->params < b->params ? 1 : a->params > b->params ? -1 : 0;
}

int mp_fit_models(const mp_machine *m, int64_t context, double min_tok_s, mp_fit_model *out,
                  int max, int *n, mp_error *err)
{
    *n = 0;
    for (size_t i = 0; i < mp_model_rows_len && *n < max; i++) {
        mp_arch a;
        if (mp_registry_arch(&mp_model_rows[i], &a, NULL) != 0)
            continue;
        mp_fit_infer_req r = {&a, m, context, min_tok_s, 1, false, false};
        mp_fit_infer opts[1];
        int k = 0;
        int rc = mp_fit_inference(&r, opts, 1, &k, err);
        if (rc == 0 && k == 1) {
            out[*n].model_id = mp_model_rows[i].id;
            out[*n].best = opts[0];
            out[*n].params = mp_arch_params(&a);
            (*n)++;
        }
        mp_arch_release(&a);
        if (rc)
            return rc;
    }
    qsort(out, (size_t)*n, sizeof *out, cmp_models);
    return 0;
}

int mp_fit_machines(const mp_arch *a, const mp_quant *q, int64_t context, double min_tok_s,
                    bool apple_only, mp_fit_machine *out, int max, int *n, mp_error *err)
{
    *n = 0;
    for (size_t i = 0; i < mp_chip_count() && *n < max; i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        if (apple_only && c.vendor != MP_VENDOR_APPLE)
            continue;
        int sizes[64], ns = 0;
        if (c.mem_is_range)
            for (int gb = c.mem_opts_gb[0]; gb <= c.mem_opts_gb[1] && ns < 64; gb += 8)
                sizes[ns++] = gb;
        else
            for (int k = 0; k < c.n_mem_opts; k++)
                sizes[ns++] = c.mem_opts_gb[k];
        for (int k = 0; k < ns && *n < max; k++) {
            mp_machine m;
            if (mp_machine_init(&m, &c, sizes[k], NULL))
                continue;
            mp_infer_req r = {a, &m, *q, context, context, 1, 0, 64, 0, 0, NULL};
            mp_infer_result res;
            int rc = mp_infer(&r, &res, err);
            if (rc)
                return rc;
            if (res.verdict_point != MP_FITS || res.decode_tok_s < min_tok_s)
                continue;
            mp_fit_machine *o = &out[(*n)++];
            o->chip = c;
            o->memory_gb = sizes[k];
            o->est = res;
            snprintf(o->why, sizeof o->why, "%.0f tok/s at %lld tokens, %.0f%% of its GPU limit",
                     res.decode_tok_s, (long long)context,
                     100.0 * res.total_bytes / res.budget_bytes);
            break; /* the smallest memory size of this chip that works */
        }
    }
    /* order: least memory, then fewest GPU cores */
    for (int i = 0; i < *n; i++)
        for (int j = i + 1; j < *n; j++) {
            bool swap = out[j].memory_gb < out[i].memory_gb ||
                        (out[j].memory_gb == out[i].memory_gb &&
                         out[j].chip.gpu_cores < out[i].chip.gpu_cores);
            if (swap) {
                mp_fit_machine t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
        }
    return 0;
}

/* ---- fine-tuning ------------------------------------------------------------------ */

typedef struct cand {
    mp_train_req req;
    mp_train_result est;
    double score;
} cand;

/* Quality first: unquantized base, more adapted layers, the full sequence
 * length, a larger effective batch; then a band under the GPU limit; then speed. */
static double train_score(const mp_train_req *r, const mp_train_req *want, const mp_train_result *e,
                          int n_layers)
{
    double s = 0;
    int nl = r->num_layers == -1 ? n_layers : r->num_layers;
    int want_nl = want->num_layers == -1 ? n_layers : want->num_layers;
    s += mp_quant_quality(&r->base_quant) * 10;
    /* up to the requested number of adapted layers; more is not better */
    s += 40.0 * (nl < want_nl ? nl : want_nl) / (double)want_nl;
    s += 30.0 * (double)r->seq_len / (double)want->seq_len;
    s += 10.0 * fmin(1.0, (double)(r->batch * (r->grad_accum ? r->grad_accum : 1)) / want->batch);
    s += 2.0 * log10(e->tok_s + 1);
    /* a setting whose error band reaches the GPU limit loses to one that
     * keeps the band under it (more than speed, less than quality) */
    if (e->verdict != MP_FITS)
        s -= 5.0;
    return s;
}

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

int mp_fit_training(const mp_train_req *want, mp_fit_train *out, int max, int *n, mp_error *err)
{
    *n = 0;
    const mp_arch *a = want->arch;
    int L = (int)a->n_layers;
    mp_quant bases[4];
    int nb = 0;
    bool full = want->task == MP_TASK_FULL || want->task == MP_TASK_PRETRAIN;
    bases[nb++] = mp_quant_float(a->dtype == MP_DT_F32 ? MP_DT_BF16 : a->dtype);
    if (!full) {
        mp_quant q8 = {MP_Q_AFFINE, 8, 64, MP_RECIPE_NONE, a->dtype};
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a->dtype};
        bases[nb++] = q8;
        bases[nb++] = q4;
    }
    int layer_opts[] = {-1, 16, 8, 4};
    int64_t seq_opts[] = {want->seq_len, want->seq_len / 2, want->seq_len / 4};
    int batch_opts[] = {want->batch, want->batch / 2 > 0 ? want->batch / 2 : 1, 1};
    enum { MAXC = 512 };
    cand *cands = calloc(MAXC, sizeof *cands);
    if (!cands)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    int nc = 0;
    /* QLoRA is LoRA on a quantized base: its own (want->base_quant), not a
     * float base (that is LoRA) nor another bit width */
    if (want->task == MP_TASK_QLORA && want->base_quant.mode != MP_Q_FLOAT) {
        bases[0] = want->base_quant;
        nb = 1;
    }
    for (int b = 0; b < nb; b++)
        for (size_t li = 0; li < sizeof layer_opts / sizeof layer_opts[0]; li++)
            for (size_t si = 0; si < 3; si++)
                for (size_t bi = 0; bi < 3; bi++)
                    for (int gc = 0; gc < 2; gc++) {
                        int nl = layer_opts[li] == -1 ? L : layer_opts[li];
                        if (nl > L || seq_opts[si] < 64 || nc >= MAXC)
                            continue;
                        if (want->task == MP_TASK_PRETRAIN && nl != L)
                            continue;
                        mp_train_req r = *want;
                        r.base_quant = bases[b];
                        if (r.task == MP_TASK_LORA && bases[b].mode != MP_Q_FLOAT)
                            r.task = MP_TASK_QLORA;
                        if (r.task == MP_TASK_QLORA && bases[b].mode == MP_Q_FLOAT)
                            r.task = MP_TASK_LORA;
                        r.num_layers = nl == L ? -1 : nl;
                        r.seq_len = seq_opts[si];
                        r.batch = batch_opts[bi];
                        r.grad_accum = (want->batch + r.batch - 1) / r.batch;
                        r.grad_checkpoint = gc == 1;
                        cand *c = &cands[nc];
                        if (mp_train_maybe_data(&r, &c->est, NULL) != 0 ||
                            c->est.verdict_point != MP_FITS)
                            continue;
                        c->req = r;
                        c->score = train_score(&r, want, &c->est, L);
                        nc++;
                    }
    qsort(cands, (size_t)nc, sizeof *cands, cmp_cand);
    /* keep distinct, useful options: drop ones dominated in every respect */
    for (int i = 0; i < nc && *n < max; i++) {
        bool dup = false;
        for (int j = 0; j < *n; j++)
            if (out[j].req.base_quant.bits == cands[i].req.base_quant.bits &&
                out[j].req.base_quant.mode == cands[i].req.base_quant.mode &&
                out[j].req.num_layers == cands[i].req.num_layers &&
                out[j].req.seq_len == cands[i].req.seq_len)
                dup = true;
        if (dup)
            continue;
        mp_fit_train *o = &out[(*n)++];
        o->req = cands[i].req;
        o->est = cands[i].est;
    }
    free(cands);
    for (int i = 0; i < *n; i++) {
        const mp_train_req *r = &out[i].req;
        char ql[64];
        mp_quant_label(&r->base_quant, ql, sizeof ql);
        int nl = r->num_layers == -1 ? L : r->num_layers;
        if (i == 0)
            snprintf(out[i].why, sizeof out[i].why,
                     "best quality that fits: %s base, %d layers, %lld-token sequences, batch %d "
                     "x %d accumulation%s; %.1f GiB, %.0f tok/s",
                     ql, nl, (long long)r->seq_len, r->batch, r->grad_accum,
                     r->grad_checkpoint ? ", checkpointed" : "", out[i].est.total_bytes / MP_GIB,
                     out[i].est.tok_s);
        else {
            const mp_train_req *b = &out[0].req;
            int bl = b->num_layers == -1 ? L : b->num_layers;
            char diff[160] = "";
            size_t k = 0;
            double qr = mp_quant_quality(&r->base_quant), qb = mp_quant_quality(&b->base_quant);
            if (qr < qb)
                k += (size_t)snprintf(diff + k, sizeof diff - k, "lower-precision base, ");
            if (nl != bl && k < sizeof diff)
                k += (size_t)snprintf(diff + k, sizeof diff - k, "%s adapted layers (%d), ",
                                      nl < bl ? "fewer" : "more", nl);
            if (r->seq_len < b->seq_len && k < sizeof diff)
                k += (size_t)snprintf(diff + k, sizeof diff - k, "shorter sequences (%lld), ",
                                      (long long)r->seq_len);
            if (r->grad_checkpoint != b->grad_checkpoint && k < sizeof diff)
                k += (size_t)snprintf(diff + k, sizeof diff - k, "%s checkpointing, ",
                                      r->grad_checkpoint ? "with" : "without");
            if (k == 0)
                snprintf(diff, sizeof diff, "same quality, ");
            snprintf(out[i].why, sizeof out[i].why, "%s%.1fx the speed of #1, %.1f GiB", diff,
                     out[i].est.tok_s / out[0].est.tok_s, out[i].est.total_bytes / MP_GIB);
        }
    }
    return 0;
}

/* ---- remedies --------------------------------------------------------------------------- */

typedef struct remedy_list {
    mp_remedy *out;
    int max, n;
} remedy_list;

static void add_remedy(remedy_list *v, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_remedy(remedy_list *v, const char *action, const char *fmt, ...)
{
    if (v->n >= v->max)
        return;
    mp_remedy *r = &v->out[v->n++];
    snprintf(r->action, sizeof r->action, "%s", action);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->effect, sizeof r->effect, fmt, ap);
    va_end(ap);
}

static void gib_text(double bytes, char *buf, size_t cap)
{
    double g = bytes / MP_GIB;
    snprintf(buf, cap, g < 10 ? "%.2f" : g < 100 ? "%.1f" : "%.0f", g);
}

int mp_fit_remedies(const mp_infer_req *req, const mp_infer_result *cur, mp_remedy *out, int max)
{
    remedy_list list = {out, max, 0};
    remedy_list *v = &list;
    if (!cur || cur->verdict == MP_FITS)
        return 0;
    const mp_arch *a = req->arch;
    const mp_machine *m = req->mach;
    char action[200], t1[32], t2[32];
    /* 1. lower-precision weights, best first */
    mp_quant ladder[16];
    int nq = mp_fit_quant_ladder(a->dtype, ladder, 16);
    for (int i = 0; i < nq; i++) {
        if (mp_quant_quality(&ladder[i]) >= mp_quant_quality(&req->quant))
            continue;
        mp_infer_req r = *req;
        r.quant = ladder[i];
        mp_infer_result res;
        if (mp_infer(&r, &res, NULL) || res.verdict != MP_FITS)
            continue;
        char ql[64];
        mp_quant_label(&ladder[i], ql, sizeof ql);
        mp_quant_convert_flags(&ladder[i], action, sizeof action);
        gib_text(res.total_bytes, t1, sizeof t1);
        add_remedy(v, action, "weights in %s: total %s GiB, fits; decode %.0f tok/s", ql, t1,
                   res.decode_tok_s);
        break;
    }
    /* 2. a shorter context at the same format */
    int64_t ctx = mp_fit_max_context(a, m, &req->quant, req->batch, req->kv_bits, req->context_tokens,
                                     false);
    if (ctx >= 256 && ctx < req->context_tokens) {
        snprintf(action, sizeof action, "--context %lld", (long long)ctx);
        add_remedy(v, action, "the longest context that fits at this format is %lld tokens",
                   (long long)ctx);
    }
    /* 3. quantized KV cache */
    if (!req->kv_bits && !req->max_kv_size) {
        for (int bits = 8; bits >= 4; bits -= 4) {
            mp_infer_req r = *req;
            r.kv_bits = bits;
            mp_infer_result res;
            if (mp_infer(&r, &res, NULL) != 0 || res.verdict != MP_FITS)
                continue;
            snprintf(action, sizeof action, "mlx_lm.generate --kv-bits %d", bits);
            gib_text(res.kv.bytes, t1, sizeof t1);
            gib_text(res.total_bytes, t2, sizeof t2);
            add_remedy(v, action, "KV cache %s GiB, total %s GiB, fits", t1, t2);
            break;
        }
    }
    /* 4. raise the wired limit */
    if (m->chip.vendor == MP_VENDOR_APPLE && cur->total_bytes <= m->gpu_max_bytes &&
        cur->total_bytes > 0.9 * m->gpu_default_bytes) {
        snprintf(action, sizeof action, "sudo sysctl iogpu.wired_limit_mb=%d", m->wired_limit_mb);
        gib_text(m->gpu_max_bytes, t1, sizeof t1);
        add_remedy(v, action, "lets the GPU wire up to %s GiB (resets at reboot; leaves "
                   "max(4 GiB, RAM/8) to macOS)", t1);
    }
    /* 5. the same chip with more memory */
    const mp_chip *c = &m->chip;
    int sizes[64], ns = 0;
    if (c->mem_is_range)
        for (int gb = c->mem_opts_gb[0]; gb <= c->mem_opts_gb[1] && ns < 64; gb += 8)
            sizes[ns++] = gb;
    else
        for (int k = 0; k < c->n_mem_opts; k++)
            sizes[ns++] = c->mem_opts_gb[k];
    for (int k = 0; k < ns; k++) {
        if (sizes[k] <= m->memory_gb)
            continue;
        mp_machine bigger;
        if (mp_machine_init(&bigger, c, sizes[k], NULL))
            continue;
        mp_infer_req r = *req;
        r.mach = &bigger;
        mp_infer_result res;
        if (mp_infer(&r, &res, NULL) || res.verdict != MP_FITS)
            continue;
        snprintf(action, sizeof action, "--memory %d", sizes[k]);
        add_remedy(v, action, "%s with %d GB fits it (%.0f%% of its GPU limit)", c->short_name,
                   sizes[k], 100.0 * res.total_bytes / res.budget_bytes);
        break;
    }
    /* 6. several Macs: split the weights with pipeline parallelism */
    if (cur->verdict == MP_NO_FIT && c->vendor == MP_VENDOR_APPLE) {
        double per_mac = 0.9 * m->gpu_default_bytes;
        int macs = (int)ceil(cur->total_bytes / per_mac);
        if (macs >= 2 && macs <= 16) {
            snprintf(action, sizeof action, "mlx.launch --hostfile hosts.json (%d Macs)", macs);
            add_remedy(v, action, "%d x %s (%d GB) running mlx_lm.server --pipeline: %.1f GiB "
                       "each, under the 90%% line; layers split across Macs (ring or jaccl "
                       "backend)",
                       macs, c->short_name, m->memory_gb, cur->total_bytes / macs / MP_GIB);
        }
    }
    return v->n;
}

int mp_fit_keep_stored(const mp_arch *a, mp_fit_infer *o, int n)
{
    for (int i = 0; i < n; i++) {
        if (memcmp(&o[i].quant, &a->config_quant, sizeof o[i].quant) != 0)
            continue;
        if (i)
            o[0] = o[i];
        char ql[64];
        mp_quant_label(&a->config_quant, ql, sizeof ql);
        snprintf(o[0].why, sizeof o[0].why,
                 "the format the checkpoint is stored in (%s); other formats need the original "
                 "weights", ql);
        return 1;
    }
    return 0;
}
