/* charts.c - SVG charts of estimates and searches; see charts.h.  This file
 * holds chart sets, the pieces every chart is drawn with and the charts of
 * whole reports; the charts themselves are in charts_bars.c and
 * charts_context.c (ch.h). */
#include "render/charts.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "render/ch.h"
#include "render/svg.h"

/* ---- chart sets ----------------------------------------------------------------- */

void mp_chart_set_init(mp_chart_set *s)
{
    memset(s, 0, sizeof *s);
}

void mp_chart_set_release(mp_chart_set *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        mp_buf_release(&s->items[i].svg);
    s->n = 0;
}

mp_chart *mp_chart_add(mp_chart_set *s, const char *name, const char *section)
{
    if (s->n >= MP_CHARTS_MAX)
        return NULL;
    mp_chart *c = &s->items[s->n++];
    memset(c, 0, sizeof *c);
    mp_svg_id(name, c->name, sizeof c->name); /* a file stem and an id */
    snprintf(c->section, sizeof c->section, "%s", section ? section : "");
    mp_buf_init(&c->svg);
    c->svg.cap = (size_t)8 << 20;
    return c;
}

int mp_chart_set_status(const mp_chart_set *s)
{
    for (int i = 0; i < s->n; i++) {
        int rc = mp_buf_status(&s->items[i].svg);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- shared pieces ---------------------------------------------------------------- */

void ch_heading(mp_svg *s, const char *title, const char *subject)
{
    mp_svg_text(s, MARGIN, 26, "font-size=\"17\" font-weight=\"bold\"", title);
    if (subject && *subject)
        mp_svg_text(s, MARGIN, 46, "font-size=\"12.5\" fill=\"" MUTED "\"", subject);
}

mp_svg_mark ch_verdict_mark(mp_verdict v)
{
    return v == MP_FITS ? MP_MARK_TICK : v == MP_TIGHT ? MP_MARK_WAVE : MP_MARK_CROSS;
}

/* Cell and swatch fills by verdict: dark bluish green, light yellow, grey
 * hatching: three lightness levels, so they survive greyscale too. */
const char *ch_verdict_fill(const mp_svg *s, mp_verdict v, char *buf, size_t cap)
{
    if (v == MP_FITS)
        return mp_svg_colour(MP_FILL_GREEN);
    if (v == MP_TIGHT)
        return mp_svg_colour(MP_FILL_YELLOW);
    return mp_svg_fill(s, MP_FILL_GREY, buf, cap);
}

/* Legend entries laid out left to right, wrapping at `width`.  With s ==
 * NULL nothing is drawn (to measure the height first).  Returns the y below
 * the legend. */
double ch_legend(mp_svg *s, double x0, double y, double width, const legend_item *it, int n)
{
    double x = x0;
    char fb[64], at[128];
    for (int i = 0; i < n; i++) {
        double w = 22 + mp_svg_text_width(it[i].text, 12) + 22;
        if (x > x0 && x + w > x0 + width) {
            x = x0;
            y += 22;
        }
        if (s) {
            const char *f = it[i].verdict ? ch_verdict_fill(s, it[i].v, fb, sizeof fb)
                                          : mp_svg_fill(s, it[i].fill, fb, sizeof fb);
            snprintf(at, sizeof at, "fill=\"%s\" stroke=\"#888888\" stroke-width=\"0.8\"", f);
            mp_svg_rect(s, x, y - 12, 16, 16, at);
            if (it[i].verdict)
                mp_svg_mark_at(s, ch_verdict_mark(it[i].v), x + 8, y - 4, 10, INK);
            mp_svg_text(s, x + 22, y + 1, NULL, it[i].text);
        }
        x += w;
    }
    return y + 14;
}

/* Bold text on a white tag, placed right of (x, y) or left of it when it
 * would pass `xmax`; readable over lines and textures. */
void ch_tag_text(mp_svg *s, double x, double y, double xmax, const char *text)
{
    double w = mp_svg_text_width(text, 12.5);
    bool left = x + 10 + w > xmax;
    double tx = left ? x - 10 - w : x + 10;
    mp_svg_rect(s, tx - 3, y - 13, w + 6, 18, "fill=\"#ffffff\" fill-opacity=\"0.9\" rx=\"3\"");
    mp_svg_text(s, tx, y, "font-weight=\"bold\" font-size=\"12.5\"", text);
}

/* Axis maximum: a whole number of "nice" steps covering `v`. */
double ch_axis_max(double v, int ticks, double *step)
{
    if (!(v > 0))
        v = 1;
    *step = mp_svg_nice_step(v, ticks);
    double m = ceil(v / *step - 1e-9) * *step;
    return m > 0 ? m : *step;
}

void ch_tick_label(double v, char *buf, size_t cap)
{
    if (fabs(v - round(v)) < 1e-9)
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%g", v);
}

/* A horizontal value axis along y = axis_y from x0 (0) to x1 (`amax`, in
 * the axis unit): grid lines up from `grid_top`, tick labels every `step`,
 * the axis title under its right end. */
void ch_bottom_axis(mp_svg *s, double x0, double x1, double amax, double step,
                        double grid_top, double axis_y, const char *title)
{
    char txt[32];
    for (double v = 0; v <= amax + 1e-9; v += step) {
        double x = x0 + (x1 - x0) * v / amax;
        mp_svg_line(s, x, grid_top, x, axis_y, "stroke=\"" GRID "\"");
        ch_tick_label(v, txt, sizeof txt);
        mp_svg_text(s, x, axis_y + 16, "text-anchor=\"middle\" fill=\"" MUTED "\"", txt);
    }
    mp_svg_line(s, x0, axis_y, x1, axis_y, "stroke=\"" INK "\"");
    mp_svg_text(s, x1, axis_y + 34, "text-anchor=\"end\" fill=\"" MUTED "\"", title);
}

limits ch_limits_of(const mp_machine *m, double budget, double warn, double max)
{
    bool apple = m->chip.vendor == MP_VENDOR_APPLE;
    limits l = {warn, budget, max, m->ram_bytes, m->memory_gb, apple, apple && max > budget};
    return l;
}

int ch_ref_lines(const limits *l, ref_line *out)
{
    char g[32];
    int n = 0;
    out[n] = (ref_line){l->ram, "", "stroke=\"#777777\" stroke-width=\"3\"", "ram"};
    snprintf(out[n++].text, sizeof out[0].text, "RAM %d GB", l->memory_gb);
    if (l->raised) {
        mp_fmt_gib(l->max, g, sizeof g);
        out[n] = (ref_line){l->max, "", "stroke=\"" INK "\" stroke-width=\"1.5\" "
                                        "stroke-dasharray=\"9 3 2 3\"", "raised_limit"};
        snprintf(out[n++].text, sizeof out[0].text, "raised wired limit %s GiB", g);
    }
    mp_fmt_gib(l->budget, g, sizeof g);
    out[n] = (ref_line){l->budget, "", "stroke=\"" INK "\" stroke-width=\"2\"", "gpu_limit"};
    snprintf(out[n++].text, sizeof out[0].text, "GPU limit %s GiB", g);
    mp_fmt_gib(l->warn, g, sizeof g);
    out[n] = (ref_line){l->warn, "", "stroke=\"" INK "\" stroke-width=\"1.5\" "
                                     "stroke-dasharray=\"5 4\"", "warn"};
    snprintf(out[n++].text, sizeof out[0].text,
             l->apple ? "90%%: mlx-lm warns at %s GiB" : "90%% of the GPU limit: %s GiB", g);
    return n; /* largest first */
}

/* ---- the charts of whole reports ---------------------------------------------------- */

static void machine_text(const mp_machine *m, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s (%d GB)", m->chip.short_name, m->memory_gb);
}

int mp_charts_estimate(const mp_estimate_view *v, const mp_context_sweep *sw, mp_chart_set *set)
{
    char subject[400], mt[96], ql[64], a[32];
    machine_text(v->mach, mt, sizeof mt);
    if (v->inf) {
        const mp_infer_result *r = v->inf;
        mp_quant_label(&r->quant, ql, sizeof ql);
        mp_fmt_count((double)r->context_tokens, a, sizeof a);
        snprintf(subject, sizeof subject, "%s, %s, %s tokens, batch %d, on %s", v->model_label, ql,
                 a, r->batch, mt);
        mp_chart *c = mp_chart_add(set, "memory", "Memory");
        if (c)
            mp_chart_memory_infer(c, subject, r, v->mach);
        if (sw && sw->n > 0 && (c = mp_chart_add(set, "context", "Speed")) != NULL)
            mp_chart_context(c, subject, sw, v->mach);
        return mp_chart_set_status(set);
    }
    const mp_train_result *r = v->tr;
    const mp_train_req *q = v->treq;
    if (q->task == MP_TASK_PRETRAIN)
        snprintf(ql, sizeof ql, "%s weights", mp_dtype_name(q->train_dtype));
    else
        mp_quant_label(&q->base_quant, ql, sizeof ql);
    snprintf(subject, sizeof subject, "%s of %s (%s), batch %d x %lld tokens, on %s",
             mp_task_name(q->task), v->model_label, ql, q->batch, (long long)q->seq_len, mt);
    mp_chart *c = mp_chart_add(set, "memory", "Memory");
    if (c)
        mp_chart_memory_train(c, subject, r, v->mach);
    if ((c = mp_chart_add(set, "time", "Speed")) != NULL)
        mp_chart_train_time(c, subject, r);
    return mp_chart_set_status(set);
}

int mp_charts_fit(const mp_fit_view *v, const mp_fit_row *rows, int n_rows, mp_chart_set *set)
{
    char subject[400], mt[96] = "", a[32], ql[64];
    if (v->mach)
        machine_text(v->mach, mt, sizeof mt);
    mp_fmt_count((double)v->context, a, sizeof a);
    mp_chart *c;
    switch (v->mode) {
    case MP_FIT_MODE_FORMATS:
        if (n_rows < 1)
            break;
        snprintf(subject, sizeof subject, "%s on %s, %s tokens, batch 1, 16-bit KV cache",
                 v->model_label, mt, a);
        if ((c = mp_chart_add(set, "formats", "")) != NULL)
            mp_chart_fit_formats(c, subject, &rows[0], v->context, v->mach);
        break;
    case MP_FIT_MODE_MODELS: {
        if (n_rows < 1)
            break;
        snprintf(subject, sizeof subject, "registry models on %s; rows: the models listed below",
                 mt);
        mp_quant best[MP_FIT_MAX];
        int nb = n_rows < MP_FIT_MAX ? n_rows : MP_FIT_MAX;
        for (int i = 0; i < nb && i < v->n; i++)
            best[i] = v->models[i].best.quant;
        if ((c = mp_chart_add(set, "grid", "")) != NULL)
            mp_chart_fit_grid(c, subject, rows, nb, v->context, nb <= v->n ? best : NULL,
                              v->min_tok_s);
        break;
    }
    case MP_FIT_MODE_MACHINES:
        if (v->n < 1)
            break;
        mp_quant_label(v->quant, ql, sizeof ql);
        snprintf(subject, sizeof subject, "%s in %s at %s tokens, batch 1", v->model_label, ql, a);
        if ((c = mp_chart_add(set, "machines", "")) != NULL)
            mp_chart_fit_machines(c, subject, v->machines, v->n, v->min_tok_s);
        break;
    case MP_FIT_MODE_TRAINING:
        if (v->n < 1)
            break;
        snprintf(subject, sizeof subject, "%s of %s on %s", mp_task_name(v->train_want->task),
                 v->model_label, mt);
        if ((c = mp_chart_add(set, "memory", "")) != NULL)
            mp_chart_fit_train_memory(c, subject, v->training, v->n, v->mach);
        if ((c = mp_chart_add(set, "time", "")) != NULL)
            mp_chart_fit_train_time(c, subject, v->training, v->n);
        break;
    }
    return mp_chart_set_status(set);
}
