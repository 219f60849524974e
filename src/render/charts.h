/*
 * charts.h - pictures of estimates and searches, as SVG (render/svg.h).
 *
 * Each chart function draws one engine result: the numbers it plots and
 * the numbers it prints come from the same structs the Markdown and JSON
 * renderers read, formatted with the same functions (mp_fmt_gib, ...), so a
 * chart never disagrees with the text beside it.  Nothing is estimated
 * here: curves over the context and grids over formats come from
 * engine/sweep.h.  Every plotted value is also written in a data-*
 * attribute (17 significant digits) so tests can compare it with the
 * engine's result.
 *
 * Readability rules every chart follows: a title and a one-line subject,
 * axes with units, direct labels where there is room and a legend; colours
 * from the Okabe-Ito palette with a texture per series; fits / tight /
 * does not fit shown by a symbol and a word as well as a colour.
 *
 * A chart set groups the charts of one report; the CLI writes them as
 * DIR/<name>.svg (--svg) or inlines them in an HTML page (render/html.h),
 * each after the Markdown section named by `section`.
 */
#ifndef MP_RENDER_CHARTS_H
#define MP_RENDER_CHARTS_H

#include "engine/fit.h"
#include "engine/sweep.h"
#include "render/estimate.h"
#include "render/fit.h"
#include "util/buf.h"

typedef struct mp_chart {
    char name[24];        /* file stem and element-id prefix: "memory" -> memory.svg */
    char title[200];      /* one line saying what the chart shows */
    char section[40];     /* the Markdown "## " heading it illustrates; "" = the top */
    mp_buf svg;           /* one <svg> element */
} mp_chart;

#define MP_CHARTS_MAX 6

typedef struct mp_chart_set {
    int n;
    mp_chart items[MP_CHARTS_MAX];
} mp_chart_set;

void mp_chart_set_init(mp_chart_set *s);
/* Free every chart's buffer and empty the set.  Accepts NULL. */
void mp_chart_set_release(mp_chart_set *s);
/* A new empty chart named `name` (a file stem: letters, digits, '-'),
 * placed after the Markdown section `section`; NULL when the set is full. */
mp_chart *mp_chart_add(mp_chart_set *s, const char *name, const char *section);
/* 0, or MP_ELIMIT / MP_ENOMEM when a chart's buffer overflowed. */
int mp_chart_set_status(const mp_chart_set *s);

/* ---- single charts: each fills c->title and c->svg ------------------------------ */
/* A chart with nothing to draw (an empty sweep, no options) gets its title
 * and an empty svg; the chart-set functions below never ask for one. */

/* Inference memory: one stacked bar (weights, KV cache, prefill
 * activations) against mlx-lm's 90 % warning, the default GPU limit, the
 * raised wired limit (Apple) and the machine's RAM.  `subject` is the
 * subtitle, e.g. "Qwen/Qwen3-8B, affine 4-bit g64, 8,192 tokens". */
void mp_chart_memory_infer(mp_chart *c, const char *subject, const mp_infer_result *r,
                           const mp_machine *m);
/* Training memory: one stacked bar of the six terms of mp_train_result. */
void mp_chart_memory_train(mp_chart *c, const char *subject, const mp_train_result *r,
                           const mp_machine *m);
/* Decode speed (top) and memory (bottom, stacked by term, with the same
 * limit lines) against the context on a log scale, the request's context
 * marked and the contexts that are tight or do not fit shaded. */
void mp_chart_context(mp_chart *c, const char *subject, const mp_context_sweep *sw,
                      const mp_machine *m);
/* Time to finish a training run (and, for pretraining, the compute-optimal
 * token budget), with the speed error band as whiskers. */
void mp_chart_train_time(mp_chart *c, const char *subject, const mp_train_result *r);
/* Models x weight formats, each cell coloured and marked by its verdict
 * with the decode speed in it (in brackets when below `min_tok_s` > 0).
 * `best` (n entries, or NULL) names the format each row's search picked;
 * that cell gets a heavy outline. */
void mp_chart_fit_grid(mp_chart *c, const char *subject, const mp_fit_row *rows, int n,
                       int64_t context, const mp_quant *best, double min_tok_s);
/* One model's weight formats as stacked memory bars against the limits,
 * each with its verdict and decode speed. */
void mp_chart_fit_formats(mp_chart *c, const char *subject, const mp_fit_row *row,
                          int64_t context, const mp_machine *m);
/* Fine-tuning options: memory per term (stacked) and time to finish. */
void mp_chart_fit_train_memory(mp_chart *c, const char *subject, const mp_fit_train *opts,
                               int n, const mp_machine *m);
void mp_chart_fit_train_time(mp_chart *c, const char *subject, const mp_fit_train *opts, int n);
/* Machines: decode speed of each, with its error band and the target. */
void mp_chart_fit_machines(mp_chart *c, const char *subject, const mp_fit_machine *ms, int n,
                           double min_tok_s);

/* ---- chart sets of whole reports ------------------------------------------------- */

/* The charts of an estimate: inference -> "memory" (## Memory) and
 * "context" (## Speed, from `sw`, which may be NULL to leave it out);
 * training -> "memory" and "time" (## Speed).  Returns 0 or the set's
 * status. */
int mp_charts_estimate(const mp_estimate_view *v, const mp_context_sweep *sw, mp_chart_set *set);
/* The charts of a fit search: formats -> "formats" (from rows[0]);
 * models -> "grid" (rows for v->models, in order); machines -> "machines";
 * training -> "memory" and "time".  `rows` / n_rows may be NULL / 0 for the
 * modes that do not use them; a search with no result has no chart. */
int mp_charts_fit(const mp_fit_view *v, const mp_fit_row *rows, int n_rows, mp_chart_set *set);

#endif
