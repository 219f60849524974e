/* calib.c - evaluate the estimators on the calibration rows; see calib.h. */
#include "engine/calib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/infer.h"
#include "engine/speed.h"
#include "engine/train.h"
#include "kb/chips.h"
#include "model/registry.h"
#include "util/text.h"

const char *mp_metric_name(mp_metric m)
{
    static const char *const names[] = {"decode", "prefill", "ttft", "ttft-ratio",
                                        "memory", "lora-tok", "lora-it"};
    return m < MP_METRIC_N ? names[m] : "?";
}

/* Tokens per WikiSQL example, for fine-tuning runs on mlx-lm's WikiSQL
 * example data that do not state their sequence length: cal-056 reports
 * 8056 tok/s at 25.67 it/s with batch 4, i.e. 78 tokens per example. */
enum { WIKISQL_TOKENS = 78 };

/* Prompt tokens assumed for a decode row whose source does not state them
 * (the short chat prompts of benchmark harnesses; the peak memory of such a
 * row is not compared). */
enum { MP_CALIB_SHORT_PROMPT = 32 };

enum { MP_CALIB_ARCHS = 160 };

/* Archs loaded for the evaluations, by config file name. */
typedef struct arch_cache {
    const char *file[MP_CALIB_ARCHS];
    mp_arch arch[MP_CALIB_ARCHS];
    int n;
} arch_cache;

static const mp_arch *arch_for(arch_cache *c, const char *file)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->file[i], file) == 0)
            return &c->arch[i];
    if (c->n >= MP_CALIB_ARCHS)
        return NULL;
    for (size_t i = 0; i < mp_model_rows_len; i++)
        if (strcmp(mp_model_rows[i].file, file) == 0) {
            if (mp_registry_arch(&mp_model_rows[i], &c->arch[c->n], NULL) != 0)
                return NULL;
            c->file[c->n] = file;
            return &c->arch[c->n++];
        }
    return NULL;
}

static void set_quant_label(mp_calib_eval *e, const mp_quant *q)
{
    if (q->mode == MP_Q_FLOAT)
        snprintf(e->quant, sizeof e->quant, "%s", q->dtype == MP_DT_F16 ? "fp16" : "bf16");
    else if (q->mode == MP_Q_AFFINE)
        snprintf(e->quant, sizeof e->quant, "affine-%d", q->bits);
    else
        mp_quant_label(q, e->quant, sizeof e->quant);
}

/* The quantization a row states; false when it states none. */
static bool row_quant(const mp_calib_row *r, const mp_arch *a, mp_quant *q)
{
    if (strcmp(r->quant_mode, "bf16") == 0) {
        *q = mp_quant_float(MP_DT_BF16);
    } else if (strcmp(r->quant_mode, "fp16") == 0) {
        *q = mp_quant_float(MP_DT_F16);
    } else if (strcmp(r->quant_mode, "affine") == 0 && !isnan(r->bits)) {
        mp_quant x = {MP_Q_AFFINE, (int)r->bits, isnan(r->group_size) ? 64 : (int)r->group_size,
                      MP_RECIPE_NONE, a->dtype};
        *q = x;
    } else if (!r->quant_mode[0] && r->bits == 16) {
        *q = mp_quant_float(MP_DT_BF16); /* "16-bit float", fp16 or bf16: same size */
    } else if (strcmp(r->quant_mode, "mxfp4") == 0) {
        mp_quant x = {MP_Q_MXFP4, 4, 32, MP_RECIPE_NONE, a->dtype};
        *q = x;
    } else {
        return false;
    }
    return true;
}

static void unresolved(mp_calib_eval *e, const char *why)
{
    e->resolved = false;
    snprintf(e->why, sizeof e->why, "%s", why);
}

static mp_metric metric_of(const mp_calib_row *r)
{
    if (strcmp(r->kind, "decode") == 0)
        return MP_METRIC_DECODE;
    if (strcmp(r->kind, "prefill") == 0)
        return MP_METRIC_PREFILL;
    if (strcmp(r->kind, "ttft") == 0)
        return MP_METRIC_TTFT;
    if (strcmp(r->unit, "it/s") == 0)
        return MP_METRIC_LORA_IT;
    return MP_METRIC_LORA_TOK;
}

/* The TTFT row measured on the other chip with the same model and format
 * (the M4 / M5 pairs of Apple's published chart). */
static const mp_calib_row *ttft_partner(const mp_calib_row *r)
{
    for (size_t i = 0; i < mp_calib_rows_len; i++) {
        const mp_calib_row *o = &mp_calib_rows[i];
        if (o != r && strcmp(o->kind, "ttft") == 0 && strcmp(o->model_config, r->model_config) == 0 &&
            strcmp(o->quant_mode, r->quant_mode) == 0 && o->bits == r->bits &&
            strcmp(o->chip, r->chip) != 0 && isnan(o->prompt_tokens))
            return o;
    }
    return NULL;
}

static void eval_row(arch_cache *cache, const mp_calib_row *r, const mp_params *p,
                     mp_calib_eval *e, mp_calib_eval *mem, bool *mem_used)
{
    memset(e, 0, sizeof *e);
    e->row = r;
    e->metric = metric_of(r);
    e->measured = strcmp(r->unit, "ms") == 0 ? r->value / 1e3 : r->value; /* TTFT in s */
    e->validation = strcmp(r->use, "validation") == 0;
    e->batch = isnan(r->batch) || r->batch < 1 ? 1 : (int)r->batch;
    *mem_used = false;
    if (!r->model_config[0])
        return unresolved(e, "no config.json on file for this model");
    if (!r->chip[0])
        return unresolved(e, "the chip is not stated in the source");
    if (r->not_wired)
        return unresolved(e, "the model was not wired in memory and paged: outside what the "
                             "estimator models");
    if (r->superseded)
        return unresolved(e, "superseded by a later measurement of the same run");
    const mp_arch *a = arch_for(cache, r->model_config);
    if (!a)
        return unresolved(e, "its config.json could not be read");
    if (r->experts_requantized)
        return unresolved(e, "its experts were requantized from the published format: the "
                             "estimator keeps a checkpoint's published expert format");
    mp_chip_match cm;
    if (mp_chip_resolve(r->chip, 0, &cm, NULL) != 0)
        return unresolved(e, "the chip name does not resolve");
    const mp_chip *chip = &cm.chip;
    snprintf(e->tier, sizeof e->tier, "%s", chip->vendor == MP_VENDOR_NVIDIA ? "nvidia" : mp_chip_tier_name(chip));
    snprintf(e->family, sizeof e->family, "%s", chip->family);
    snprintf(e->generation, sizeof e->generation, "%s", chip->generation);
    e->moe = a->n_moe_layers > 0;
    for (int64_t i = 0; i < a->n_layers; i++)
        e->hybrid |= a->layers[i].attn == MP_ATTN_LINEAR;
    mp_quant q;
    if (!row_quant(r, a, &q))
        return unresolved(e, "the quantization is not stated");
    set_quant_label(e, &q);
    mp_machine m;
    int gb = isnan(r->memory_gb) ? mp_chip_min_memory(chip) : (int)r->memory_gb;
    if (mp_machine_init(&m, chip, gb, NULL) != 0 && mp_machine_init(&m, chip, 0, NULL) != 0)
        return unresolved(e, "no memory configuration for the chip");

    if (e->metric == MP_METRIC_LORA_TOK || e->metric == MP_METRIC_LORA_IT) {
        mp_train_req t;
        memset(&t, 0, sizeof t);
        t.arch = a;
        t.mach = &m;
        t.base_quant = q;
        t.task = MP_TASK_LORA;
        t.batch = isnan(r->lora_batch) ? 4 : (int)r->lora_batch;
        t.seq_len = isnan(r->lora_seq_len) ? 0 : (int64_t)r->lora_seq_len;
        t.num_layers = isnan(r->lora_layers) ? 16 : (int)r->lora_layers;
        t.rank = isnan(r->lora_rank) ? 8 : (int)r->lora_rank;
        if (t.seq_len == 0 && r->wikisql)
            t.seq_len = WIKISQL_TOKENS;
        if (t.seq_len == 0)
            return unresolved(e, "the sequence length of the training batches is not stated");
        mp_train_result tr;
        if (mp_train(&t, &tr, NULL) != 0)
            return unresolved(e, "the training estimator rejects these settings");
        e->predicted = e->metric == MP_METRIC_LORA_TOK ? tr.tok_s : tr.it_s;
        memcpy(e->xt, tr.step_x, sizeof e->xt);
        e->ot = tr.step_fixed_s;
        e->micro_tokens = tr.micro_tokens;
        e->sclass = mp_sclass_of(chip);
        e->speed = true;
        e->resolved = true;
        e->err_pct = (e->predicted / e->measured - 1) * 100;
        return;
    }

    int64_t prompt = isnan(r->prompt_tokens) ? 0 : (int64_t)r->prompt_tokens;
    int64_t gen = isnan(r->gen_tokens) ? 0 : (int64_t)r->gen_tokens;
    if (e->metric == MP_METRIC_TTFT && prompt == 0) {
        /* Apple's chart gives no prompt length: compare the M4/M5 ratio */
        const mp_calib_row *o = ttft_partner(r);
        if (!o)
            return unresolved(e, "the prompt length is not stated and there is no pair");
        if (strcmp(chip->family, "M5") != 0)
            return unresolved(e, "the prompt length is not stated: used through its M5 pair "
                                 "as a ratio");
        mp_chip_match om;
        mp_machine m4;
        if (mp_chip_resolve(o->chip, 0, &om, NULL) != 0 || mp_machine_init(&m4, &om.chip, 0, NULL))
            return unresolved(e, "the pair's chip does not resolve");
        mp_infer_req ir = {a, &m4, q, 4096, 4096, 1, 0, 64, 0, 0, p};
        mp_infer_result r4, r5;
        if (mp_infer(&ir, &r4, NULL))
            return unresolved(e, "the estimator rejects these settings");
        ir.mach = &m;
        if (mp_infer(&ir, &r5, NULL))
            return unresolved(e, "the estimator rejects these settings");
        e->metric = MP_METRIC_TTFT_RATIO;
        e->predicted = r4.ttft_s / r5.ttft_s;
        mp_speed_case k5 = {a, chip, q, 4096, 4096, 1, 0, 64, 0, 0}, k4 = k5;
        k4.chip = &m4.chip;
        mp_speed_decode_terms(&k5, e->xd);
        mp_speed_prefill_terms(&k5, e->xp);
        mp_speed_decode_terms(&k4, e->ref_xd);
        mp_speed_prefill_terms(&k4, e->ref_xp);
        e->sclass = mp_sclass_of(chip);
        e->ref_sclass = mp_sclass_of(&m4.chip);
        e->speed = true;
        e->measured = o->value / r->value;
        e->resolved = true;
        e->err_pct = (e->predicted / e->measured - 1) * 100;
        return;
    }
    bool prompt_assumed = false;
    if (prompt == 0 && e->metric == MP_METRIC_DECODE) {
        /* decode barely depends on a short prompt: "Hello, how are you today?" */
        prompt = MP_CALIB_SHORT_PROMPT;
        prompt_assumed = true;
    }
    if (prompt == 0)
        return unresolved(e, "the prompt length is not stated");

    int64_t ctx = e->metric == MP_METRIC_DECODE ? prompt + gen / 2 : prompt;
    int64_t max_kv = r->max_kv_size;
    mp_infer_req ir = {a, &m, q, ctx, prompt, e->batch, 0, 64, max_kv, 0, p};
    mp_infer_result res;
    if (mp_infer(&ir, &res, NULL))
        return unresolved(e, "the estimator rejects these settings");
    mp_speed_case sk = {a, chip, q, e->metric == MP_METRIC_DECODE ? res.context_tokens : prompt,
                        prompt, e->batch, 0, 64, max_kv, 0};
    mp_speed_decode_terms(&sk, e->xd);
    if (e->metric != MP_METRIC_DECODE)
        mp_speed_prefill_terms(&sk, e->xp);
    e->sclass = mp_sclass_of(chip);
    e->speed = true;
    switch (e->metric) {
    case MP_METRIC_DECODE: e->predicted = res.decode_total_tok_s; break;
    case MP_METRIC_PREFILL: e->predicted = prompt / res.ttft_s; break;
    case MP_METRIC_TTFT: e->predicted = res.ttft_s; break;
    default: break;
    }
    e->resolved = true;
    e->err_pct = (e->predicted / e->measured - 1) * 100;

    /* peak memory of the same run, once per measurement */
    if (!isnan(r->peak_mem_gb) && e->metric == MP_METRIC_DECODE && !prompt_assumed) {
        *mem = *e;
        mem->metric = MP_METRIC_MEMORY;
        mem->speed = false;
        mp_infer_req mr = {a, &m, q, prompt + gen, prompt, e->batch, 0, 64, max_kv, 0, p};
        mp_infer_result mres;
        if (mp_infer(&mr, &mres, NULL) == 0) {
            mem->predicted = mres.total_bytes / 1e9;
            mem->measured = r->peak_mem_gb;
            mem->err_pct = (mem->predicted / mem->measured - 1) * 100;
            *mem_used = true;
        }
    }
}

/* The configs of the calibration rows, parsed once per process: the fits
 * evaluate every row hundreds of times.  Never released (the process's
 * lifetime; the built-in tables do not change). */
static arch_cache *g_cache;

int mp_calib_evaluate(const mp_params *p, mp_calib_eval *out, size_t *n, mp_error *err)
{
    if (!g_cache)
        g_cache = calloc(1, sizeof *g_cache);
    arch_cache *cache = g_cache;
    if (!cache)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < mp_calib_rows_len && k + 2 <= MP_CALIB_MAX; i++) {
        mp_calib_eval mem;
        bool mem_used;
        eval_row(cache, &mp_calib_rows[i], p ? p : &mp_params_fitted, &out[k], &mem, &mem_used);
        k++;
        if (mem_used)
            out[k++] = mem;
    }
    *n = k;
    return 0;
}

static uint32_t fnv(uint32_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return (h ^ 0xff) * 16777619u;
}

uint32_t mp_calib_hash(void)
{
    uint32_t h = 2166136261u;
    char num[256];
    for (size_t i = 0; i < mp_calib_rows_len; i++) {
        const mp_calib_row *r = &mp_calib_rows[i];
        snprintf(num, sizeof num, "%.9g|%.9g|%.9g|%.9g|%.9g|%.9g|%.9g|%.9g", r->bits,
                 r->group_size, r->memory_gb, r->prompt_tokens, r->gen_tokens, r->value,
                 r->batch, r->peak_mem_gb);
        const char *f[] = {r->id, r->kind, r->model_config, r->quant_mode, r->chip, r->unit,
                           r->notes, r->source_group, r->use, num};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            h = fnv(h, f[k]);
    }
    for (size_t i = 0; i < mp_speed_prior_rows_len; i++) {
        const mp_speed_prior_row *r = &mp_speed_prior_rows[i];
        snprintf(num, sizeof num, "%.9g|%.9g", r->value, r->rows);
        const char *f[] = {r->kind, r->term, r->class_, r->source_group, num};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            h = fnv(h, f[k]);
    }
    return h;
}

/* Measured seconds of a speed evaluation: a decode step of all sequences,
 * or the time to the first token. */
static double measured_s(const mp_calib_eval *e)
{
    switch (e->metric) {
    case MP_METRIC_DECODE: return e->batch / e->measured;
    case MP_METRIC_PREFILL: return e->row->prompt_tokens / e->measured;
    case MP_METRIC_TTFT: return e->measured;
    case MP_METRIC_TTFT_RATIO: return 1; /* a ratio: see mp_speed_obs.ratio */
    case MP_METRIC_LORA_TOK: return e->micro_tokens / e->measured; /* one micro-batch */
    case MP_METRIC_LORA_IT: return 1 / e->measured;
    default: return NAN;
    }
}

static bool training(const mp_calib_eval *e)
{
    return e->metric == MP_METRIC_LORA_TOK || e->metric == MP_METRIC_LORA_IT;
}

/* The constants an evaluation is fitted with: 0 decode, 1 prefill, 2 training. */
static int fit_kind(const mp_calib_eval *e)
{
    return training(e) ? 2 : e->metric != MP_METRIC_DECODE;
}

void mp_calib_speed_obs(const mp_calib_eval *ev, size_t n, const bool *skip, mp_speed_obs *obs)
{
    for (size_t i = 0; i < n; i++) {
        const mp_calib_eval *e = &ev[i];
        mp_speed_obs *o = &obs[i];
        memset(o, 0, sizeof *o);
        if (!e->resolved || !e->speed)
            continue;
        o->train = training(e);
        o->prefill = !o->train && e->metric != MP_METRIC_DECODE;
        o->cls = e->sclass;
        memcpy(o->xt, e->xt, sizeof o->xt);
        o->ot = e->ot;
        memcpy(o->xd, e->xd, sizeof o->xd);
        memcpy(o->xp, e->xp, sizeof o->xp);
        o->t_s = measured_s(e);
        if (e->metric == MP_METRIC_TTFT_RATIO) {
            o->ratio = e->measured;
            o->ref_cls = e->ref_sclass;
            memcpy(o->ref_xd, e->ref_xd, sizeof o->ref_xd);
            memcpy(o->ref_xp, e->ref_xp, sizeof o->ref_xp);
        }
        if (e->validation || (skip && skip[i]))
            continue;
        size_t same = 0;
        for (size_t k = 0; k < n; k++)
            same += ev[k].resolved && ev[k].speed && !ev[k].validation &&
                    fit_kind(&ev[k]) == fit_kind(e) &&
                    strcmp(ev[k].row->source_group, e->row->source_group) == 0;
        o->weight = 1.0 / sqrt((double)(same ? same : 1));
    }
}

void mp_calib_repredict(mp_calib_eval *ev, size_t n, const mp_speed_consts *c)
{
    for (size_t i = 0; i < n; i++) {
        mp_calib_eval *e = &ev[i];
        if (!e->resolved || !e->speed)
            continue;
        mp_speed_obs o;
        mp_calib_speed_obs(e, 1, NULL, &o);
        double t = mp_speed_obs_predict(c, &o);
        switch (e->metric) {
        case MP_METRIC_TTFT_RATIO: e->predicted = t; break;
        case MP_METRIC_DECODE: e->predicted = e->batch / t; break;
        case MP_METRIC_PREFILL: e->predicted = e->row->prompt_tokens / t; break;
        case MP_METRIC_TTFT: e->predicted = t; break;
        case MP_METRIC_LORA_TOK: e->predicted = e->micro_tokens / t; break;
        case MP_METRIC_LORA_IT: e->predicted = 1 / t; break;
        default: continue;
        }
        e->err_pct = (e->predicted / e->measured - 1) * 100;
    }
}

const char *mp_calib_family(const mp_calib_eval *e)
{
    return e->hybrid ? "hybrid" : e->moe ? "moe" : "dense";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

size_t mp_calib_stats(const mp_calib_eval *ev, size_t n,
                      bool (*keep)(const mp_calib_eval *e, const void *ctx), const void *ctx,
                      double *median_pct, double *p90_pct)
{
    double v[MP_CALIB_MAX];
    size_t k = 0;
    for (size_t i = 0; i < n && k < MP_CALIB_MAX; i++)
        if (ev[i].resolved && (!keep || keep(&ev[i], ctx)))
            v[k++] = fabs(ev[i].err_pct);
    *median_pct = *p90_pct = NAN;
    if (!k)
        return 0;
    qsort(v, k, sizeof v[0], cmp_double);
    *median_pct = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    /* nearest-rank 90th percentile */
    size_t r = (size_t)ceil(0.9 * (double)k);
    *p90_pct = v[r ? r - 1 : 0];
    return k;
}

typedef struct cat_filter {
    mp_metric metric;
    char tier[8], family[8], quant[24], generation[16];
    int moe; /* -1 any */
    bool hybrid;
} cat_filter;

static bool cat_keep(const mp_calib_eval *e, const void *ctx)
{
    const cat_filter *f = ctx;
    return e->metric == f->metric && !e->validation && (!f->hybrid || e->hybrid) &&
           (!f->generation[0] || strcmp(e->generation, f->generation) == 0) &&
           (!f->tier[0] || strcmp(e->tier, f->tier) == 0) &&
           (!f->family[0] || strcmp(e->family, f->family) == 0) &&
           (f->moe < 0 || e->moe == (f->moe == 1)) &&
           (!f->quant[0] || strcmp(e->quant, f->quant) == 0);
}

size_t mp_calib_category_stats(const mp_calib_eval *ev, size_t n, const char *category,
                               double *median_pct, double *p90_pct)
{
    cat_filter f;
    memset(&f, 0, sizeof f);
    f.moe = -1;
    char buf[96];
    mp_strlcpy(buf, category, sizeof buf);
    char *save = NULL;
    char *tok = strtok_r(buf, "/", &save);
    int m;
    for (m = 0; tok && m < MP_METRIC_N; m++)
        if (strcmp(tok, mp_metric_name((mp_metric)m)) == 0)
            break;
    *median_pct = *p90_pct = NAN;
    if (!tok || m == MP_METRIC_N)
        return 0;
    f.metric = (mp_metric)m;
    while ((tok = strtok_r(NULL, "/", &save)) != NULL) {
        /* a tier as the chip data spells it, or "nvidia" (mp_calib_eval.tier) */
        bool is_tier = strcmp(tok, "nvidia") == 0;
        for (size_t i = 0; i < sizeof mp_apple_tier_names / sizeof mp_apple_tier_names[0]; i++)
            if (strcmp(tok, mp_apple_tier_names[i]) == 0)
                is_tier = true;
        if (strcmp(tok, "dense") == 0 || strcmp(tok, "moe") == 0)
            f.moe = strcmp(tok, "moe") == 0;
        else if (is_tier)
            mp_strlcpy(f.tier, tok, sizeof f.tier);
        else if (strcmp(tok, "hybrid") == 0)
            f.hybrid = true;
        else if (strncmp(tok, "q:", 2) == 0)
            mp_strlcpy(f.quant, tok + 2, sizeof f.quant);
        else if (strncmp(tok, "g:", 2) == 0)
            mp_strlcpy(f.generation, tok + 2, sizeof f.generation);
        else
            mp_strlcpy(f.family, tok, sizeof f.family);
    }
    return mp_calib_stats(ev, n, cat_keep, &f, median_pct, p90_pct);
}
