/*
 * accuracy.c - how close the estimates come to measured MLX runs.
 *
 *   accuracy                    errors per category, and the rows not used
 *   accuracy --fit              refit the constants of src/engine/params.c
 *   accuracy --write-bands DIR  write DIR/error-bands.tsv and DIR/loo-errors.tsv
 *                               (DIR = data/calibration): bands from left-out errors
 *   accuracy --loo              leave-one-out: each row predicted by constants
 *                               refitted without it (out-of-sample errors)
 *   accuracy --loso [ITERS]     leave one source out: each source's rows predicted
 *                               by constants refitted without the source (ITERS:
 *                               share of a full fit's iterations, 0.25)
 *
 * Every row of the calibration tables (CALIB_TABLES) is predicted by the same code
 * `mlxplan estimate` runs (src/engine/calib.c).  Errors are absolute
 * percentage errors of predicted vs measured; the table shows, per category,
 * the number of rows, the median and the 90th percentile.  The fit minimises
 * the sum of squared log errors with Nelder-Mead, one group of constants at
 * a time (decode, prefill, memory, training), so each group only sees the
 * rows it explains.  The result is a handful of constants, not a lookup.
 * The in-sample errors flatter the model (the constants saw the rows they
 * are judged on); --loo refits the row's group once per row with that row
 * left out and reports the error on it, the figure to expect for a model
 * and chip that are not in the table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bands.h"
#include "engine/calib.h"
#include "engine/params.h"
#include "kb/chips.h"

/* The tables mp_calib_rows is generated from (tools/gen/gen.c), for the headings. */
#define CALIB_TABLES                                                                          \
    "data/calibration/mlx-eval.tsv, mlx-eval-2.tsv, mlx-cuda-h100.tsv, mlx-cuda-h100-2.tsv and " \
    "mlx-public.tsv"

static mp_calib_eval g_ev[MP_CALIB_MAX];

static void line(const char *name, const mp_calib_eval *ev, size_t n, FILE *bands)
{
    double med, p90;
    size_t k = mp_calib_category_stats(ev, n, name, &med, &p90);
    if (!k)
        return;
    printf("  %-26s %4zu rows   median %5.1f %%   p90 %5.1f %%\n", name, k, med, p90);
    if (bands)
        fprintf(bands, "%s\t%zu\t%.1f\t%.1f\n", name, k, med, p90);
}

static void report(const mp_calib_eval *ev, size_t n, FILE *bands)
{
    static const char *const tiers[] = {"base", "Pro", "Max", "Ultra", "nvidia"};
    static const char *const fams[] = {"M1", "M2", "M3", "M4", "M5", "NVIDIA"};
    static const char *const quants[] = {"bf16", "fp16", "affine-4", "affine-5", "affine-6",
                                         "affine-8", "mxfp4"};
    static const char *const kinds[] = {"dense", "moe"};
    for (int i = 0; i < MP_METRIC_N; i++) {
        const char *mn = mp_metric_name((mp_metric)i);
        double med, p90;
        if (!mp_calib_category_stats(ev, n, mn, &med, &p90))
            continue;
        printf("\n%s\n", mn);
        line(mn, ev, n, bands);
        char name[64];
        for (size_t t = 0; t < 5; t++) {
            mp_band_category(name, sizeof name, mn, tiers[t], NULL);
            line(name, ev, n, bands);
            for (int k = 0; k < 2; k++) {
                mp_band_category(name, sizeof name, mn, tiers[t], kinds[k]);
                line(name, ev, n, bands);
            }
        }
        for (int k = 0; k < 2; k++) {
            mp_band_category(name, sizeof name, mn, NULL, kinds[k]);
            line(name, ev, n, bands);
        }
        for (size_t fm = 0; fm < sizeof fams / sizeof fams[0]; fm++) {
            mp_band_category(name, sizeof name, mn, fams[fm], NULL);
            line(name, ev, n, bands);
        }
        static const char *const gens[] = {"M1", "M2", "M3", "M4", "M5", "Ampere", "Ada",
                                           "Hopper", "Blackwell"};
        for (size_t gi = 0; gi < sizeof gens / sizeof gens[0]; gi++) {
            char g[24];
            snprintf(g, sizeof g, "g:%s", gens[gi]);
            mp_band_category(name, sizeof name, mn, g, NULL);
            line(name, ev, n, bands);
            for (int k = 0; k < 2; k++) {
                mp_band_category(name, sizeof name, mn, g, kinds[k]);
                line(name, ev, n, bands);
            }
        }
        for (size_t q = 0; q < sizeof quants / sizeof quants[0]; q++) {
            snprintf(name, sizeof name, "%s/q:%s", mn, quants[q]);
            line(name, ev, n, bands);
        }
    }
}

static void rows_table(const mp_calib_eval *ev, size_t n)
{
    printf("\nrows used (predicted vs measured)\n");
    for (size_t i = 0; i < n; i++)
        if (ev[i].resolved)
            printf("  %-18s %-10s %-6s %-5s %-9s %10.4g %10.4g %+7.1f %%\n", ev[i].row->id,
                   mp_metric_name(ev[i].metric), ev[i].tier, ev[i].moe ? "moe" : "dense",
                   ev[i].quant, ev[i].predicted, ev[i].measured, ev[i].err_pct);
    printf("\nrows not used, and why\n");
    for (size_t i = 0; i < n; i++)
        if (!ev[i].resolved)
            printf("  %-18s %s\n", ev[i].row->id, ev[i].why);
}

/* ---- fitting ------------------------------------------------------------------ */

typedef struct fit_var {
    const char *name;
    double *ptr;
    double lo, hi;
} fit_var;

typedef struct fit_job {
    mp_params *p;
    fit_var *vars;
    int n;
    mp_metric metrics[3];
    int n_metrics;
    const bool *skip; /* evaluations left out of the objective (NULL: none) */
} fit_job;

static double objective(fit_job *job, const double *x)
{
    for (int i = 0; i < job->n; i++) {
        if (x[i] < job->vars[i].lo || x[i] > job->vars[i].hi)
            return 1e12;
        *job->vars[i].ptr = x[i];
    }
    size_t n;
    mp_calib_evaluate(job->p, g_ev, &n, NULL);
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        if (!g_ev[i].resolved || g_ev[i].validation || (job->skip && job->skip[i]))
            continue;
        for (int m = 0; m < job->n_metrics; m++)
            if (g_ev[i].metric == job->metrics[m]) {
                double l = log(g_ev[i].predicted / g_ev[i].measured);
                s += l * l;
            }
    }
    return s;
}

static void nelder_mead(fit_job *job, int iters)
{
    enum { MAXV = 16 };
    int n = job->n;
    double pts[MAXV + 1][MAXV], val[MAXV + 1];
    for (int j = 0; j < n; j++)
        pts[0][j] = *job->vars[j].ptr;
    for (int i = 1; i <= n; i++) {
        memcpy(pts[i], pts[0], sizeof pts[0]);
        pts[i][i - 1] *= 1.15;
    }
    for (int i = 0; i <= n; i++)
        val[i] = objective(job, pts[i]);
    for (int it = 0; it < iters; it++) {
        /* order */
        for (int i = 0; i <= n; i++)
            for (int k = i + 1; k <= n; k++)
                if (val[k] < val[i]) {
                    double tv = val[i];
                    val[i] = val[k];
                    val[k] = tv;
                    double tp[MAXV];
                    memcpy(tp, pts[i], sizeof tp);
                    memcpy(pts[i], pts[k], sizeof tp);
                    memcpy(pts[k], tp, sizeof tp);
                }
        double c[MAXV] = {0}, xr[MAXV], xe[MAXV], xc[MAXV];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                c[j] += pts[i][j] / n;
        for (int j = 0; j < n; j++)
            xr[j] = c[j] + (c[j] - pts[n][j]);
        double fr = objective(job, xr);
        if (fr < val[0]) {
            for (int j = 0; j < n; j++)
                xe[j] = c[j] + 2 * (c[j] - pts[n][j]);
            double fe = objective(job, xe);
            memcpy(pts[n], fe < fr ? xe : xr, sizeof xr);
            val[n] = fe < fr ? fe : fr;
        } else if (fr < val[n - 1]) {
            memcpy(pts[n], xr, sizeof xr);
            val[n] = fr;
        } else {
            for (int j = 0; j < n; j++)
                xc[j] = c[j] + 0.5 * (pts[n][j] - c[j]);
            double fc = objective(job, xc);
            if (fc < val[n]) {
                memcpy(pts[n], xc, sizeof xc);
                val[n] = fc;
            } else {
                for (int i = 1; i <= n; i++) {
                    for (int j = 0; j < n; j++)
                        pts[i][j] = pts[0][j] + 0.5 * (pts[i][j] - pts[0][j]);
                    val[i] = objective(job, pts[i]);
                }
            }
        }
    }
    int best = 0;
    for (int i = 1; i <= n; i++)
        if (val[i] < val[best])
            best = i;
    objective(job, pts[best]);
}

/* The four groups of constants, each fitted on the metrics it explains: the
 * speed groups (decode, prefill, training) by engine/speedfit.h, memory by
 * Nelder-Mead here. */
enum { G_DECODE, G_PREFILL, G_TRAIN, G_MEMORY, G_N };

static int group_of(mp_metric m)
{
    switch (m) {
    case MP_METRIC_DECODE:
        return G_DECODE;
    case MP_METRIC_PREFILL:
    case MP_METRIC_TTFT:
    case MP_METRIC_TTFT_RATIO:
        return G_PREFILL;
    case MP_METRIC_MEMORY:
        return G_MEMORY;
    default:
        return G_TRAIN;
    }
}

/* Fit group `g` of `p` in place, leaving the evaluations marked in `skip`
 * (NULL: none) and every validation row out; `iters` scales the
 * Nelder-Mead iterations (1 = a full fit, less for warm-started refits).
 * The speed groups are linear least squares (engine/speedfit.h), fitted by
 * speed_refit, not here. */
static void fit_group(mp_params *p, int g, const bool *skip, double iters)
{
    if (g == G_MEMORY) {
        fit_var v[] = {{"act_h", &p->act_h, 0, 400}};
        fit_job j = {p, v, 1, {MP_METRIC_MEMORY}, 1, skip};
        nelder_mead(&j, (int)(200 * iters));
    }
}

/* The speed evaluations of `in` predicted by constants fitted without the
 * evaluations marked in `skip` and without the speed priors of their source
 * (a left-out source never vouches for itself): written into `out` for the
 * marked ones. */
static void speed_refit(const mp_calib_eval *in, size_t n, const bool *skip, mp_calib_eval *out)
{
    static mp_speed_obs obs[MP_CALIB_MAX];
    static mp_calib_eval tmp[MP_CALIB_MAX];
    static mp_speed_prior pr[MP_SPEED_PRIORS_MAX];
    const char *group = NULL;
    for (size_t k = 0; k < n && !group; k++)
        if (skip[k])
            group = in[k].row->source_group;
    size_t np = mp_speed_priors(group, pr);
    mp_calib_speed_obs(in, n, skip, obs);
    mp_speed_consts c;
    mp_speed_fit_with(obs, n, pr, np, &c);
    memcpy(tmp, in, n * sizeof in[0]);
    mp_calib_repredict(tmp, n, &c);
    for (size_t k = 0; k < n; k++)
        if (skip[k] && tmp[k].speed) {
            out[k].predicted = tmp[k].predicted;
            out[k].err_pct = tmp[k].err_pct;
        }
}

static void fit(mp_params *p)
{
    for (int g = 0; g < G_N; g++)
        fit_group(p, g, NULL, 1);
    printf("/* speed constants: build/fit_speed data/calibration */\n"
           "const mp_params mp_params_fitted = {\n"
           "    .act_h = %.1f,\n};\n",
           p->act_h);
}

/* Leave-one-out: every resolved evaluation predicted by its group refitted
 * without it.  `in` gets the in-sample evaluations, `out` the same with
 * predicted and err_pct replaced by the left-out ones; returns the count
 * (*n) and the number of refits. */
static size_t loo(mp_calib_eval *in, mp_calib_eval *out, size_t *n)
{
    size_t n2, refits = 0;
    mp_calib_evaluate(&mp_params_fitted, in, n, NULL);
    memcpy(out, in, *n * sizeof in[0]);
    for (size_t i = 0; i < *n; i++) {
        if (!in[i].resolved)
            continue;
        mp_params p = mp_params_fitted;
        static bool skip[MP_CALIB_MAX];
        memset(skip, 0, sizeof skip);
        skip[i] = true;
        refits++;
        if (in[i].speed) {
            speed_refit(in, *n, skip, out);
            continue;
        }
        fit_group(&p, group_of(in[i].metric), skip, 1);
        mp_calib_evaluate(&p, g_ev, &n2, NULL);
        out[i].predicted = g_ev[i].predicted;
        out[i].err_pct = (g_ev[i].predicted / g_ev[i].measured - 1) * 100;
    }
    return refits;
}

/* ---- leave one source out ----------------------------------------------------- */

/* The groups of constants that predict a metric (TTFT adds a decode step). */
static unsigned groups_for(mp_metric m)
{
    unsigned g = 1u << group_of(m);
    if (m == MP_METRIC_TTFT || m == MP_METRIC_TTFT_RATIO)
        g |= 1u << G_DECODE;
    return g;
}

/* Leave one source out: for every source group of fitted rows, refit the
 * constants without its rows (warm-started from the full fit) and predict
 * them.  Validation rows are predicted by the full fit and never fitted.
 * `in` gets the full-fit evaluations, `out` the same with the left-out
 * predictions; returns the number of sources left out. */
static size_t loso(mp_calib_eval *in, mp_calib_eval *out, size_t *n, double iters)
{
    static bool skip[MP_CALIB_MAX], done[MP_CALIB_MAX];
    size_t n2, sources = 0;
    mp_calib_evaluate(&mp_params_fitted, in, n, NULL);
    memcpy(out, in, *n * sizeof in[0]);
    memset(done, 0, sizeof done);
    for (size_t i = 0; i < *n; i++) {
        if (!in[i].resolved || in[i].validation || done[i])
            continue;
        const char *src = in[i].row->source_group;
        unsigned groups = 0;
        for (size_t k = 0; k < *n; k++) {
            skip[k] = in[k].resolved && !in[k].validation &&
                      strcmp(in[k].row->source_group, src) == 0;
            if (skip[k])
                groups |= groups_for(in[k].metric);
        }
        mp_params p = mp_params_fitted;
        bool other = false;
        for (int g = G_MEMORY; g < G_N; g++)
            if (groups & (1u << g)) {
                fit_group(&p, g, skip, iters);
                other = true;
            }
        if (other) {
            mp_calib_evaluate(&p, g_ev, &n2, NULL);
            for (size_t k = 0; k < *n; k++)
                if (skip[k] && !in[k].speed) {
                    out[k].predicted = g_ev[k].predicted;
                    out[k].err_pct = g_ev[k].err_pct;
                }
        }
        if (groups & ((1u << G_DECODE) | (1u << G_PREFILL) | (1u << G_TRAIN)))
            speed_refit(in, *n, skip, out);
        for (size_t k = 0; k < *n; k++)
            done[k] |= skip[k];
        sources++;
    }
    return sources;
}

/* Why a row may be hard for the model: the traits the model's terms are
 * least sure of, and the direction of the miss. */
static void causes(const mp_calib_eval *e, char *buf, size_t cap)
{
    const mp_calib_row *r = e->row;
    size_t k = (size_t)snprintf(buf, cap, "%s", e->err_pct > 0 ? "predicted too fast/large"
                                                               : "predicted too slow/small");
    if (e->metric == MP_METRIC_TTFT || e->metric == MP_METRIC_TTFT_RATIO)
        k = (size_t)snprintf(buf, cap, "%s", e->err_pct > 0 ? "predicted too long"
                                                            : "predicted too short");
#define ADD(...)                                                                   \
    do {                                                                           \
        if (k < cap)                                                               \
            k += (size_t)snprintf(buf + k, cap - k, "; " __VA_ARGS__);             \
    } while (0)
    if (e->hybrid)
        ADD("hybrid linear attention");
    if (e->moe)
        ADD("MoE");
    if (e->batch > 1)
        ADD("batch %d", e->batch);
    if (strcmp(e->tier, "Ultra") == 0)
        ADD("Ultra (two dies)");
    if (strcmp(e->tier, "nvidia") == 0)
        ADD("CUDA %s %s", e->generation, e->quant);
    double prompt = r->prompt_tokens;
    if (isnan(prompt) && e->metric == MP_METRIC_DECODE)
        ADD("prompt not stated");
    else if (!isnan(prompt) && prompt < 256 && e->metric != MP_METRIC_DECODE)
        ADD("short prompt (%.0f tokens): fixed costs", prompt);
    else if (!isnan(prompt) && prompt >= 8192)
        ADD("long prompt (%.0f tokens): attention", prompt);
    if (r->runtime[0] && !strstr(r->runtime, "mlx-lm") && !strstr(r->runtime, "mlx_lm"))
        ADD("runtime %.40s", r->runtime);
#undef ADD
}

static int cmp_double_asc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct worst_item {
    double abs_err;
    size_t i;
} worst_item;

static int cmp_worst(const void *a, const void *b)
{
    double x = ((const worst_item *)a)->abs_err, y = ((const worst_item *)b)->abs_err;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void stat_line(const char *label, const mp_calib_eval *in, const mp_calib_eval *out,
                      size_t n, const char *cat)
{
    double im, i90, om, o90;
    size_t k = mp_calib_category_stats(out, n, cat, &om, &o90);
    if (!k)
        return;
    mp_calib_category_stats(in, n, cat, &im, &i90);
    printf("  %-22s %4zu   %6.1f %% %7.1f %%    %6.1f %% %7.1f %%\n", label, k, om, o90, im,
           i90);
}

/* Validation rows: predicted by the full fit, never fitted. */
static void validation_table(const mp_calib_eval *in, size_t n)
{
    static mp_calib_eval v[MP_CALIB_MAX];
    printf("\nheld-out validation rows (use=validation: never fitted, predicted by the full "
           "fit)\n");
    for (int m = 0; m < MP_METRIC_N; m++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (in[i].resolved && in[i].validation && in[i].metric == (mp_metric)m) {
                v[k] = in[i];
                v[k++].validation = false;
            }
        double med, p90;
        if (mp_calib_category_stats(v, k, mp_metric_name((mp_metric)m), &med, &p90))
            printf("  %-22s %4zu   median %5.1f %%   p90 %5.1f %%\n", mp_metric_name((mp_metric)m),
                   k, med, p90);
    }
}

/* Band coverage: the share of rows whose measured value lies inside the band
 * an estimate prints for them (the left-out prediction +/- the band of its
 * class, bands.h), and the median band width. */
static void coverage(const mp_calib_eval *out, size_t n)
{
    static const mp_metric ms[] = {MP_METRIC_DECODE, MP_METRIC_PREFILL, MP_METRIC_MEMORY};
    static double widths[MP_CALIB_MAX];
    printf("\nband coverage (left-out prediction +/- the band printed for its class)\n");
    size_t all = 0, all_in = 0;
    for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++) {
        size_t k = 0, in = 0, thin = 0;
        for (size_t i = 0; i < n; i++) {
            const mp_calib_eval *e = &out[i];
            mp_chip_match cm;
            if (!e->resolved || e->validation || e->metric != ms[mi] ||
                mp_chip_resolve(e->row->chip, 0, &cm, NULL) != 0)
                continue;
            mp_bands b;
            mp_bands_for(&cm.chip, e->moe, &b);
            double band = ms[mi] == MP_METRIC_DECODE    ? b.decode_pct
                          : ms[mi] == MP_METRIC_PREFILL ? b.prefill_pct
                                                        : b.memory_pct;
            in += fabs(e->measured / e->predicted - 1) * 100 <= band;
            thin += b.thin;
            widths[k++] = band;
        }
        if (!k)
            continue;
        qsort(widths, k, sizeof widths[0], cmp_double_asc);
        printf("  %-10s %4zu rows   %5.1f %% inside   median band +/-%.0f %%   %zu rows with a "
               "thin-data band\n", mp_metric_name(ms[mi]), k, 100.0 * in / k, widths[k / 2],
               thin);
        all += k;
        all_in += in;
    }
    if (all)
        printf("  %-10s %4zu rows   %5.1f %% inside\n", "all", all, 100.0 * all_in / all);
}

static void loso_print(const mp_calib_eval *in, const mp_calib_eval *out, size_t n,
                       size_t sources)
{
    static const char *const fams[] = {"dense", "moe", "hybrid"};
    static const char *const gens[] = {"M1", "M2", "M3", "M4", "M5", "Ampere", "Ada", "Hopper",
                                       "Blackwell"};
    static const char *const tiers[] = {"base", "Pro", "Max", "Ultra", "nvidia"};
    printf("mlxplan accuracy, leave one source out (%zu sources; each source's rows predicted "
           "by constants fitted without them)\nabsolute percentage error: left out (the "
           "figure to expect on a new source) and in-sample (full fit, flattering)\n\n",
           sources);
    printf("  %-22s %4s   %-18s   %-18s\n", "class", "rows", "left out med / p90",
           "in-sample med / p90");
    char cat[64];
    for (int m = 0; m < MP_METRIC_N; m++) {
        const char *mn = mp_metric_name((mp_metric)m);
        double med, p90;
        if (!mp_calib_category_stats(out, n, mn, &med, &p90))
            continue;
        printf("%s\n", mn);
        stat_line(mn, in, out, n, mn);
        for (size_t f = 0; f < 3; f++) {
            snprintf(cat, sizeof cat, "%s/%s", mn, fams[f]);
            stat_line(fams[f], in, out, n, cat);
        }
        for (size_t g = 0; g < sizeof gens / sizeof gens[0]; g++) {
            snprintf(cat, sizeof cat, "%s/g:%s", mn, gens[g]);
            stat_line(gens[g], in, out, n, cat);
        }
        for (size_t t = 0; t < sizeof tiers / sizeof tiers[0]; t++) {
            snprintf(cat, sizeof cat, "%s/%s", mn, tiers[t]);
            char label[32];
            snprintf(label, sizeof label, "tier %s", tiers[t]);
            stat_line(label, in, out, n, cat);
        }
    }
    validation_table(in, n);
    coverage(out, n);
    static worst_item w[MP_CALIB_MAX];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i].resolved && !out[i].validation) {
            w[k].abs_err = fabs(out[i].err_pct);
            w[k++].i = i;
        }
    qsort(w, k, sizeof w[0], cmp_worst);
    printf("\nworst 10 rows, left out (predicted vs measured, and what they have in common with "
           "the model's weak terms)\n");
    for (size_t j = 0; j < k && j < 10; j++) {
        const mp_calib_eval *e = &out[w[j].i];
        char why[240];
        causes(e, why, sizeof why);
        printf("  %-16s %-8s %-7s %-9s %9.4g %9.4g %+7.0f %%  %s\n", e->row->id,
               mp_metric_name(e->metric), e->generation, e->quant, e->predicted, e->measured,
               e->err_pct, why);
        printf("  %16s source %s\n", "", e->row->source_group);
    }
}

/* In-sample and out-of-sample errors side by side, per metric and per row. */
static void loo_print(const mp_calib_eval *in, const mp_calib_eval *out, size_t n, size_t refits)
{
    printf("mlxplan accuracy, leave-one-out on " CALIB_TABLES "\n"
           "(%zu refits: each row predicted by its group of constants fitted without it)\n\n",
           refits);
    printf("  %-12s %4s   %-20s %-20s\n", "metric", "rows", "in-sample med / p90",
           "left-out med / p90");
    for (int m = 0; m < MP_METRIC_N; m++) {
        const char *mn = mp_metric_name((mp_metric)m);
        double im, i90, om, o90;
        size_t k = mp_calib_category_stats(in, n, mn, &im, &i90);
        if (!k)
            continue;
        mp_calib_category_stats(out, n, mn, &om, &o90);
        printf("  %-12s %4zu   %5.1f %% / %5.1f %%    %5.1f %% / %5.1f %%\n", mn, k, im, i90, om,
               o90);
    }
    printf("\nrows (in-sample error, left-out error)\n");
    for (size_t i = 0; i < n; i++)
        if (in[i].resolved)
            printf("  %-18s %-10s %-6s %-9s %+7.1f %%  %+7.1f %%\n", in[i].row->id,
                   mp_metric_name(in[i].metric), in[i].tier, in[i].quant, in[i].err_pct,
                   out[i].err_pct);
}

/* --write-bands DIR: DIR/error-bands.tsv (category statistics of the
 * left-out errors, the bands every estimate quotes) and DIR/loo-errors.tsv
 * (per row: in-sample and left-out error; tests/unit/test_bands.c checks
 * the in-sample column against today's model to know the files are not
 * stale, and recomputes the bands from the left-out column). */
/* Open DIR/NAME for writing and put `header` first; NULL (said) on failure. */
static FILE *table_open(const char *dir, const char *name, const char *header, char *path,
                        size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        perror(path);
    else
        fputs(header, f);
    return f;
}

static int table_close(FILE *f, const char *path)
{
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

static int write_bands(const char *dir)
{
    static mp_calib_eval in[MP_CALIB_MAX], out[MP_CALIB_MAX];
    size_t n;
    size_t sources = loso(in, out, &n, 0.25);
    char path[1024];
    FILE *rows = table_open(dir, "loo-errors.tsv",
                            "# Leave-one-source-out errors on the calibration data, written by "
                            "`accuracy --write-bands`\n# (bench/accuracy.c): per resolved row, the "
                            "error of the fitted constants and\n# the error when the constants are "
                            "refitted without the row's source.\n"
                            "id\tmetric\tin_sample_err_pct\tleft_out_err_pct\n",
                            path, sizeof path);
    if (!rows)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (in[i].resolved && !in[i].validation)
            fprintf(rows, "%s\t%s\t%.3f\t%.3f\n", in[i].row->id, mp_metric_name(in[i].metric),
                    in[i].err_pct, out[i].err_pct);
    if (table_close(rows, path))
        return 1;
    FILE *bands = table_open(dir, "error-bands.tsv",
                             "# Error bands of the estimates: leave-one-source-out errors on the "
                             "calibration data (loo-errors.tsv),\n# written by `accuracy "
                             "--write-bands` (bench/accuracy.c); tests/unit/test_bands.c fails "
                             "when\n# this file is stale.\ncategory\trows\tmedian_pct\tp90_pct\n",
                             path, sizeof path);
    if (!bands)
        return 1;
    report(out, n, bands);
    if (table_close(bands, path))
        return 1;
    loso_print(in, out, n, sources);
    return 0;
}

int main(int argc, char **argv)
{
    mp_params p = mp_params_fitted;
    if (argc == 2 && strcmp(argv[1], "--fit") == 0) {
        fit(&p);
    } else if (argc == 2 && strcmp(argv[1], "--loo") == 0) {
        static mp_calib_eval in[MP_CALIB_MAX], out[MP_CALIB_MAX];
        size_t n, refits = loo(in, out, &n);
        loo_print(in, out, n, refits);
        return 0;
    } else if (argc >= 2 && strcmp(argv[1], "--loso") == 0) {
        static mp_calib_eval in[MP_CALIB_MAX], out[MP_CALIB_MAX];
        double iters = argc == 3 ? atof(argv[2]) : 0.25;
        size_t n, sources = loso(in, out, &n, iters > 0 ? iters : 0.25);
        loso_print(in, out, n, sources);
        return 0;
    } else if (argc == 3 && strcmp(argv[1], "--write-bands") == 0) {
        return write_bands(argv[2]);
    } else if (argc != 1) {
        fprintf(stderr, "usage: accuracy [--fit | --loo | --loso [ITERS] | --write-bands DIR]\n");
        return 2;
    }
    size_t n;
    mp_calib_evaluate(&p, g_ev, &n, NULL);
    printf("mlxplan accuracy on " CALIB_TABLES " (%zu evaluations)\n", n);
    printf("absolute percentage error of predicted vs measured (in-sample: the constants\n"
           "were fitted on these rows; `accuracy --loo` gives the left-out errors the\n"
           "bands are made of)\n");
    report(g_ev, n, NULL);
    rows_table(g_ev, n);
    double dm, d90, mm, m90;
    mp_calib_category_stats(g_ev, n, "decode", &dm, &d90);
    mp_calib_category_stats(g_ev, n, "memory", &mm, &m90);
    printf("\ntargets: decode median %.1f %% (< 10), decode p90 %.1f %% (< 25), memory median "
           "%.1f %% (< 10): %s\n",
           dm, d90, mm, dm < 10 && d90 < 25 && mm < 10 ? "met" : "NOT met");
    return 0;
}
