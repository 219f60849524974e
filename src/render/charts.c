/* charts.c - SVG charts of estimates and searches; see charts.h. */
#include "render/charts.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "render/svg.h"

#define CHART_W 1060.0
#define MARGIN 16.0
#define INK "#1a1a1a"
#define MUTED "#555555"
#define GRID "#e4e4e4"

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

static void heading(mp_svg *s, const char *title, const char *subject)
{
    mp_svg_text(s, MARGIN, 26, "font-size=\"17\" font-weight=\"bold\"", title);
    if (subject && *subject)
        mp_svg_text(s, MARGIN, 46, "font-size=\"12.5\" fill=\"" MUTED "\"", subject);
}

static mp_svg_mark verdict_mark(mp_verdict v)
{
    return v == MP_FITS ? MP_MARK_TICK : v == MP_TIGHT ? MP_MARK_WAVE : MP_MARK_CROSS;
}

/* Cell and swatch fills by verdict: dark bluish green, light yellow, grey
 * hatching: three lightness levels, so they survive greyscale too. */
static const char *verdict_fill(const mp_svg *s, mp_verdict v, char *buf, size_t cap)
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
typedef struct legend_item {
    mp_fill fill;
    bool verdict;          /* draw a verdict swatch (its fill and mark) */
    mp_verdict v;
    char text[120];
} legend_item;

static double legend(mp_svg *s, double x0, double y, double width, const legend_item *it, int n)
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
            const char *f = it[i].verdict ? verdict_fill(s, it[i].v, fb, sizeof fb)
                                          : mp_svg_fill(s, it[i].fill, fb, sizeof fb);
            snprintf(at, sizeof at, "fill=\"%s\" stroke=\"#888888\" stroke-width=\"0.8\"", f);
            mp_svg_rect(s, x, y - 12, 16, 16, at);
            if (it[i].verdict)
                mp_svg_mark_at(s, verdict_mark(it[i].v), x + 8, y - 4, 10, INK);
            mp_svg_text(s, x + 22, y + 1, NULL, it[i].text);
        }
        x += w;
    }
    return y + 14;
}

/* Bold text on a white tag, placed right of (x, y) or left of it when it
 * would pass `xmax`; readable over lines and textures. */
static void tag_text(mp_svg *s, double x, double y, double xmax, const char *text)
{
    double w = mp_svg_text_width(text, 12.5);
    bool left = x + 10 + w > xmax;
    double tx = left ? x - 10 - w : x + 10;
    mp_svg_rect(s, tx - 3, y - 13, w + 6, 18, "fill=\"#ffffff\" fill-opacity=\"0.9\" rx=\"3\"");
    mp_svg_text(s, tx, y, "font-weight=\"bold\" font-size=\"12.5\"", text);
}

/* Axis maximum: a whole number of "nice" steps covering `v`. */
static double axis_max(double v, int ticks, double *step)
{
    if (!(v > 0))
        v = 1;
    *step = mp_svg_nice_step(v, ticks);
    double m = ceil(v / *step - 1e-9) * *step;
    return m > 0 ? m : *step;
}

static void tick_label(double v, char *buf, size_t cap)
{
    if (fabs(v - round(v)) < 1e-9)
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%g", v);
}

/* A horizontal value axis along y = axis_y from x0 (0) to x1 (`amax`, in
 * the axis unit): grid lines up from `grid_top`, tick labels every `step`,
 * the axis title under its right end. */
static void bottom_axis(mp_svg *s, double x0, double x1, double amax, double step,
                        double grid_top, double axis_y, const char *title)
{
    char txt[32];
    for (double v = 0; v <= amax + 1e-9; v += step) {
        double x = x0 + (x1 - x0) * v / amax;
        mp_svg_line(s, x, grid_top, x, axis_y, "stroke=\"" GRID "\"");
        tick_label(v, txt, sizeof txt);
        mp_svg_text(s, x, axis_y + 16, "text-anchor=\"middle\" fill=\"" MUTED "\"", txt);
    }
    mp_svg_line(s, x0, axis_y, x1, axis_y, "stroke=\"" INK "\"");
    mp_svg_text(s, x1, axis_y + 34, "text-anchor=\"end\" fill=\"" MUTED "\"", title);
}

/* ---- memory bars ------------------------------------------------------------------- */

typedef struct seg_def {
    const char *key;      /* data-term value, as the JSON renderer names the term */
    const char *name;     /* as the Markdown table names it */
    mp_fill fill;
} seg_def;

#define MAX_SEGS 6
#define MAX_BARS 32

static const seg_def infer_segs[] = {
    {"weights", "weights", MP_FILL_BLUE},
    {"kv_cache", "KV cache", MP_FILL_ORANGE},
    {"activations", "prefill activations", MP_FILL_SKY},
};

static const seg_def train_segs[] = {
    {"frozen_weights", "frozen weights", MP_FILL_BLUE},
    {"trainable_weights", "trainable weights", MP_FILL_GREEN},
    {"gradients", "gradients", MP_FILL_PURPLE},
    {"optimizer_state", "optimizer state", MP_FILL_VERMILION},
    {"activations", "activations for backprop", MP_FILL_SKY},
    {"logits", "logits and loss", MP_FILL_YELLOW},
};

typedef struct bar {
    char label[120];
    double seg[MAX_SEGS];
    double total;
    mp_verdict verdict;
    char note[64];        /* after the total, e.g. "37.7 tok/s" */
} bar;

typedef struct limits {
    double warn, budget, max, ram;
    int memory_gb;
    bool apple;           /* Metal: mlx-lm warns at 90 %, the limit can be raised */
    bool raised;          /* draw the raised limit */
} limits;

static limits limits_of(const mp_machine *m, double budget, double warn, double max)
{
    bool apple = m->chip.vendor == MP_VENDOR_APPLE;
    limits l = {warn, budget, max, m->ram_bytes, m->memory_gb, apple, apple && max > budget};
    return l;
}

typedef struct ref_line {
    double bytes;
    char text[80];
    const char *style;
    const char *key;
} ref_line;

static int ref_lines(const limits *l, ref_line *out)
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

static void right_note(const bar *b, char *buf, size_t cap)
{
    char g[32];
    mp_fmt_gib(b->total, g, sizeof g);
    if (b->note[0])
        snprintf(buf, cap, "%s · %s GiB · %s", mp_verdict_name(b->verdict), g, b->note);
    else
        snprintf(buf, cap, "%s · total %s GiB", mp_verdict_name(b->verdict), g);
}

/* Direct labels inside the segments of a single bar where they fit: the
 * name and size, else the size alone, on a white tag readable over any
 * texture. */
static void segment_labels(mp_svg *s, const seg_def *segs, int nseg, const bar *b, double x0,
                           double pw, double amax, double y, double bh)
{
    double cum = 0;
    char g[32], txt[160];
    for (int k = 0; k < nseg; k++) {
        double from = fmin(cum, amax), to = fmin(cum + b->seg[k], amax);
        cum += b->seg[k];
        double w = pw * (to - from) / amax;
        mp_fmt_gib(b->seg[k], g, sizeof g);
        snprintf(txt, sizeof txt, "%s %s GiB", segs[k].name, g);
        double tw = mp_svg_text_width(txt, 11);
        if (tw + 12 > w) {
            snprintf(txt, sizeof txt, "%s", g);
            tw = mp_svg_text_width(txt, 11);
            if (tw + 8 > w)
                continue;
        }
        double cx = x0 + pw * from / amax + w / 2;
        mp_svg_rect(s, cx - tw / 2 - 3, y + bh / 2 - 8, tw + 6, 16,
                    "fill=\"#ffffff\" fill-opacity=\"0.9\" rx=\"3\"");
        mp_svg_text(s, cx, y + bh / 2 + 4, "text-anchor=\"middle\" font-size=\"11\"", txt);
    }
}

static void memory_bars(mp_chart *c, const char *subject, const seg_def *segs, int nseg,
                        const bar *bars, int n, const limits *lim, bool legend_values)
{
    mp_svg sv, *s = &sv;
    double lw = 0, rw = 0;
    char txt[200], at[256], fb[64];
    for (int i = 0; i < n; i++) {
        double w = mp_svg_text_width(bars[i].label, 12);
        lw = w > lw ? w : lw;
        right_note(&bars[i], txt, sizeof txt);
        w = mp_svg_text_width(txt, 12);
        rw = w > rw ? w : rw;
    }
    double x0 = MARGIN + (lw > 0 ? lw + 12 : 0), x1 = CHART_W - MARGIN - rw - 30;
    double pw = x1 - x0;
    double top_v = lim->ram;
    for (int i = 0; i < n; i++)
        top_v = bars[i].total > top_v ? bars[i].total : top_v;
    if (top_v > 2 * lim->ram)
        top_v = 2 * lim->ram; /* longer bars are cut, so the limits stay readable */
    double step, amax = axis_max(top_v / MP_GIB, 8, &step) * MP_GIB;
    ref_line refs[4];
    int nr = ref_lines(lim, refs);
    double refs_top = 62, row_h = 15;
    double bars_top = refs_top + nr * row_h + 8;
    double bh = n == 1 ? 38 : 22, gap = n == 1 ? 0 : 8;
    double bars_bottom = bars_top + n * (bh + gap) - gap;
    double axis_y = bars_bottom + 8;

    /* legend size is needed for the height: lay it out once to measure */
    legend_item items[MAX_SEGS];
    for (int k = 0; k < nseg; k++) {
        items[k].fill = segs[k].fill;
        items[k].verdict = false;
        if (legend_values && n == 1) {
            mp_fmt_gib(bars[0].seg[k], txt, sizeof txt);
            snprintf(items[k].text, sizeof items[k].text, "%s %s GiB", segs[k].name, txt);
        } else {
            snprintf(items[k].text, sizeof items[k].text, "%s", segs[k].name);
        }
    }
    double legend_y = axis_y + 60;
    double height = legend(NULL, MARGIN, legend_y, CHART_W - 2 * MARGIN, items, nseg) + 10;

    mp_svg_begin(s, &c->svg, c->name, CHART_W, height, c->title, subject);
    heading(s, c->title, subject);
    bottom_axis(s, x0, x1, amax / MP_GIB, step, bars_top - 4, axis_y,
                "memory (GiB, peak as mx.get_peak_memory reports it)");
    for (int i = 0; i < n; i++) {
        const bar *b = &bars[i];
        double y = bars_top + i * (bh + gap);
        if (b->label[0])
            mp_svg_text(s, x0 - 10, y + bh / 2 + 4, "text-anchor=\"end\"", b->label);
        double cum = 0;
        for (int k = 0; k < nseg; k++) {
            double from = cum < amax ? cum : amax, to = cum + b->seg[k];
            to = to < amax ? to : amax;
            cum += b->seg[k];
            mp_fmt_gib(b->seg[k], txt, sizeof txt);
            char tip[200];
            snprintf(tip, sizeof tip, "%s: %s GiB", segs[k].name, txt);
            snprintf(at, sizeof at, "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1\" "
                                    "data-bar=\"%d\" data-term=\"%s\" data-bytes=\"%.17g\"",
                     mp_svg_fill(s, segs[k].fill, fb, sizeof fb), i, segs[k].key, b->seg[k]);
            mp_svg_rect_titled(s, x0 + pw * from / amax, y, pw * (to - from) / amax, bh, at,
                               tip);
        }
        if (b->total > amax) {
            /* the bar is cut: a white break near its end */
            double xe = x1 - 14;
            mp_svg_line(s, xe, y - 2, xe - 6, y + bh + 2,
                        "stroke=\"#ffffff\" stroke-width=\"4\"");
            mp_svg_line(s, xe + 6, y - 2, xe, y + bh + 2,
                        "stroke=\"#ffffff\" stroke-width=\"4\"");
        }
        double xr = x1 + 18;
        mp_svg_mark_at(s, verdict_mark(b->verdict), xr, y + bh / 2, 12, INK);
        right_note(b, txt, sizeof txt);
        snprintf(at, sizeof at, "data-bar=\"%d\" data-total-bytes=\"%.17g\" data-verdict=\"%s\"",
                 i, b->total, mp_verdict_name(b->verdict));
        mp_svg_text(s, xr + 12, y + bh / 2 + 4, at, txt);
    }
    /* the machine's limits, labelled one per row, the largest on top */
    for (int r = 0; r < nr; r++) {
        double x = x0 + pw * fmin(refs[r].bytes, amax) / amax;
        double ty = refs_top + r * row_h + 11;
        snprintf(at, sizeof at, "%s data-line=\"%s\" data-bytes=\"%.17g\"", refs[r].style,
                 refs[r].key, refs[r].bytes);
        mp_svg_line(s, x, ty + 3, x, bars_bottom + 4, at);
        double w = mp_svg_text_width(refs[r].text, 11.5);
        if (x - 5 - w >= MARGIN)
            mp_svg_text(s, x - 5, ty, "text-anchor=\"end\" font-size=\"11.5\"", refs[r].text);
        else
            mp_svg_text(s, x + 5, ty, "font-size=\"11.5\"", refs[r].text);
    }
    if (n == 1)
        segment_labels(s, segs, nseg, &bars[0], x0, pw, amax, bars_top, bh);
    legend(s, MARGIN, legend_y, CHART_W - 2 * MARGIN, items, nseg);
    mp_svg_end(s);
}

void mp_chart_memory_infer(mp_chart *c, const char *subject, const mp_infer_result *r,
                           const mp_machine *m)
{
    snprintf(c->title, sizeof c->title, "Where the memory goes");
    bar b;
    memset(&b, 0, sizeof b);
    b.seg[0] = r->weights.bytes;
    b.seg[1] = r->kv.bytes;
    b.seg[2] = r->activations.bytes;
    b.total = r->total_bytes;
    b.verdict = r->verdict;
    limits l = limits_of(m, r->budget_bytes, r->warn_bytes, r->max_bytes);
    memory_bars(c, subject, infer_segs, 3, &b, 1, &l, true);
}

static void train_bar(const mp_train_result *r, bar *b)
{
    b->seg[0] = r->frozen.bytes;
    b->seg[1] = r->trainable.bytes;
    b->seg[2] = r->grads.bytes;
    b->seg[3] = r->optimizer.bytes;
    b->seg[4] = r->activations.bytes;
    b->seg[5] = r->logits.bytes;
    b->total = r->total_bytes;
    b->verdict = r->verdict;
}

void mp_chart_memory_train(mp_chart *c, const char *subject, const mp_train_result *r,
                           const mp_machine *m)
{
    snprintf(c->title, sizeof c->title, "Where the memory goes while training");
    bar b;
    memset(&b, 0, sizeof b);
    train_bar(r, &b);
    limits l = limits_of(m, r->budget_bytes, r->warn_bytes, r->max_bytes);
    memory_bars(c, subject, train_segs, 6, &b, 1, &l, true);
}

void mp_chart_fit_formats(mp_chart *c, const char *subject, const mp_fit_row *row,
                          int64_t context, const mp_machine *m)
{
    char a[32];
    mp_fmt_count((double)context, a, sizeof a);
    snprintf(c->title, sizeof c->title, "Memory of each weight format at %s tokens", a);
    bar bars[MP_LADDER_MAX];
    int n = row->n < MP_LADDER_MAX ? row->n : MP_LADDER_MAX;
    for (int i = 0; i < n; i++) {
        const mp_fit_cell *cell = &row->cells[i];
        bar *b = &bars[i];
        memset(b, 0, sizeof *b);
        mp_quant_label(&cell->quant, b->label, sizeof b->label);
        b->seg[0] = cell->weights_bytes;
        b->seg[1] = cell->kv_bytes;
        b->seg[2] = cell->act_bytes;
        b->total = cell->total_bytes;
        b->verdict = cell->verdict;
        if (cell->verdict != MP_NO_FIT) {
            mp_fmt_rate(cell->decode_tok_s, a, sizeof a);
            snprintf(b->note, sizeof b->note, "%s tok/s", a);
        }
    }
    limits l = limits_of(m, row->budget_bytes, row->warn_bytes, row->max_bytes);
    memory_bars(c, subject, infer_segs, 3, bars, n, &l, false);
}

static void train_option_label(const mp_fit_train *o, int rank, char *buf, size_t cap)
{
    char ql[64];
    mp_quant_label(&o->req.base_quant, ql, sizeof ql);
    snprintf(buf, cap, "#%d %s, %d layers, seq %lld, batch %d x %d%s", rank, ql,
             o->est.layers_trained, (long long)o->req.seq_len, o->req.batch, o->req.grad_accum,
             o->req.grad_checkpoint ? ", checkpointed" : "");
}

void mp_chart_fit_train_memory(mp_chart *c, const char *subject, const mp_fit_train *opts,
                               int n, const mp_machine *m)
{
    snprintf(c->title, sizeof c->title, "Memory of each fine-tuning option");
    if (n < 1)
        return;
    bar bars[MAX_BARS];
    n = n < MAX_BARS ? n : MAX_BARS;
    for (int i = 0; i < n; i++) {
        memset(&bars[i], 0, sizeof bars[i]);
        train_option_label(&opts[i], i + 1, bars[i].label, sizeof bars[i].label);
        train_bar(&opts[i].est, &bars[i]);
        char a[32];
        mp_fmt_rate(opts[i].est.tok_s, a, sizeof a);
        snprintf(bars[i].note, sizeof bars[i].note, "%s tok/s", a);
    }
    limits l = limits_of(m, opts[0].est.budget_bytes, opts[0].est.warn_bytes,
                         opts[0].est.max_bytes);
    memory_bars(c, subject, train_segs, 6, bars, n, &l, false);
}

/* ---- horizontal bars with an error band (durations, speeds) ------------------------- */

typedef struct hbar {
    char label[120];
    double value;
    double band_pct;
    char text[64];
    mp_fill fill;
} hbar;

typedef enum hbar_unit { HB_DURATION, HB_RATE } hbar_unit;

static void hbars(mp_chart *c, const char *subject, const hbar *b, int n, hbar_unit unit,
                  double target, const char *target_text, const char *note)
{
    mp_svg sv, *s = &sv;
    char at[256], fb[64];
    double lw = 0, tw = 0, vmax = 0;
    for (int i = 0; i < n; i++) {
        double w = mp_svg_text_width(b[i].label, 12);
        lw = w > lw ? w : lw;
        w = mp_svg_text_width(b[i].text, 12);
        tw = w > tw ? w : tw;
        double hi = b[i].value * (1 + b[i].band_pct / 100);
        vmax = hi > vmax ? hi : vmax;
    }
    if (target > vmax)
        vmax = target;
    double div = 1, vtop = 0;
    for (int i = 0; i < n; i++)
        vtop = b[i].value > vtop ? b[i].value : vtop;
    const char *axis = "decode speed (tokens/s)";
    if (unit == HB_DURATION) {
        /* the unit mp_fmt_duration picks for the longest bar */
        if (vtop < 120)
            div = 1, axis = "time (seconds)";
        else if (vtop < 7200)
            div = 60, axis = "time (minutes)";
        else if (vtop < 3 * 86400)
            div = 3600, axis = "time (hours)";
        else
            div = 86400, axis = "time (days)";
    }
    double step, amax = axis_max(vmax / div, 8, &step) * div;
    double x0 = MARGIN + lw + 12, x1 = CHART_W - MARGIN - tw - 16, pw = x1 - x0;
    double top = 64 + (target > 0 ? 18 : 0), bh = 22, gap = 10;
    double bottom = top + n * (bh + gap) - gap, axis_y = bottom + 8;
    double height = axis_y + 66;
    mp_svg_begin(s, &c->svg, c->name, CHART_W, height, c->title, subject);
    heading(s, c->title, subject);
    bottom_axis(s, x0, x1, amax / div, step, top - 4, axis_y, axis);
    for (int i = 0; i < n; i++) {
        double y = top + i * (bh + gap), cy = y + bh / 2;
        mp_svg_text(s, x0 - 10, cy + 4, "text-anchor=\"end\"", b[i].label);
        snprintf(at, sizeof at, "fill=\"%s\" data-bar=\"%d\" data-value=\"%.17g\"",
                 mp_svg_fill(s, b[i].fill, fb, sizeof fb), i, b[i].value);
        mp_svg_rect_titled(s, x0, y, pw * fmin(b[i].value, amax) / amax, bh, at, b[i].text);
        double lo = b[i].value * (1 - b[i].band_pct / 100);
        double hi = b[i].value * (1 + b[i].band_pct / 100);
        double xl = x0 + pw * fmax(lo, 0) / amax, xh = x0 + pw * fmin(hi, amax) / amax;
        if (b[i].band_pct > 0) {
            mp_svg_line(s, xl, cy, xh, cy, "stroke=\"" INK "\" stroke-width=\"1.5\"");
            mp_svg_line(s, xl, cy - 6, xl, cy + 6, "stroke=\"" INK "\" stroke-width=\"1.5\"");
            mp_svg_line(s, xh, cy - 6, xh, cy + 6, "stroke=\"" INK "\" stroke-width=\"1.5\"");
        }
        double xt = fmax(xh, x0 + pw * fmin(b[i].value, amax) / amax) + 8;
        mp_svg_text(s, xt, cy + 4, "font-weight=\"bold\"", b[i].text);
    }
    if (target > 0) {
        double x = x0 + pw * target / amax;
        snprintf(at, sizeof at, "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6 3\" "
                                "data-line=\"target\" data-value=\"%.17g\"",
                 mp_svg_colour(MP_FILL_VERMILION), target);
        mp_svg_line(s, x, top - 14, x, bottom + 4, at);
        mp_svg_text(s, x + 5, top - 6, "font-size=\"11.5\"", target_text);
    }
    if (note)
        mp_svg_text(s, MARGIN, axis_y + 56, "fill=\"" MUTED "\"", note);
    mp_svg_end(s);
}

/* A duration bar: the value, its band, and the text mp_fmt_duration gives
 * it (as the Markdown prints it). */
static void duration_bar(hbar *b, double seconds, double band_pct, mp_fill fill)
{
    b->value = seconds;
    b->band_pct = band_pct;
    b->fill = fill;
    mp_fmt_duration(seconds, b->text, sizeof b->text);
}

void mp_chart_train_time(mp_chart *c, const char *subject, const mp_train_result *r)
{
    snprintf(c->title, sizeof c->title, "Time to finish");
    hbar b[2];
    int n = 0;
    char a[32];
    memset(b, 0, sizeof b);
    mp_fmt_count((double)r->iters, a, sizeof a);
    snprintf(b[n].label, sizeof b[n].label, "this run: %s iterations", a);
    duration_bar(&b[n++], r->total_s, r->band_speed_pct, MP_FILL_BLUE);
    if (r->chinchilla_tokens > 0) {
        mp_fmt_params(r->chinchilla_tokens, a, sizeof a);
        snprintf(b[n].label, sizeof b[n].label, "compute-optimal: %s tokens", a);
        duration_bar(&b[n++], r->chinchilla_s, r->band_speed_pct, MP_FILL_ORANGE);
    }
    char note[160];
    mp_fmt_rate(r->tok_s, a, sizeof a);
    snprintf(note, sizeof note, "at %s tokens/s; whiskers: the +/-%.0f%% error band", a,
             r->band_speed_pct);
    hbars(c, subject, b, n, HB_DURATION, 0, NULL, note);
}

void mp_chart_fit_train_time(mp_chart *c, const char *subject, const mp_fit_train *opts, int n)
{
    if (n < 1)
        return;
    char a[32];
    mp_fmt_count((double)opts[0].est.iters, a, sizeof a);
    snprintf(c->title, sizeof c->title, "Time for %s iterations of each option", a);
    hbar b[MAX_BARS];
    n = n < MAX_BARS ? n : MAX_BARS;
    for (int i = 0; i < n; i++) {
        memset(&b[i], 0, sizeof b[i]);
        train_option_label(&opts[i], i + 1, b[i].label, sizeof b[i].label);
        duration_bar(&b[i], opts[i].est.total_s, opts[i].est.band_speed_pct, MP_FILL_BLUE);
    }
    char note[160];
    snprintf(note, sizeof note, "whiskers: the +/-%.0f%% error band", opts[0].est.band_speed_pct);
    hbars(c, subject, b, n, HB_DURATION, 0, NULL, note);
}

void mp_chart_fit_machines(mp_chart *c, const char *subject, const mp_fit_machine *ms, int n,
                           double min_tok_s)
{
    snprintf(c->title, sizeof c->title, "Decode speed on each machine");
    hbar b[MAX_BARS];
    n = n < MAX_BARS ? n : MAX_BARS;
    char a[32];
    bool nvidia = false;
    for (int i = 0; i < n; i++) {
        memset(&b[i], 0, sizeof b[i]);
        nvidia |= ms[i].chip.vendor != MP_VENDOR_APPLE;
        snprintf(b[i].label, sizeof b[i].label, "%s%s, %d GB", ms[i].chip.short_name,
                 ms[i].chip.provisional ? " (provisional)" : "", ms[i].memory_gb);
        b[i].value = ms[i].est.decode_tok_s;
        b[i].band_pct = ms[i].est.band_decode_pct;
        b[i].fill = ms[i].chip.vendor == MP_VENDOR_APPLE ? MP_FILL_BLUE : MP_FILL_ORANGE;
        mp_fmt_rate(ms[i].est.decode_tok_s, a, sizeof a);
        snprintf(b[i].text, sizeof b[i].text, "%s tok/s", a);
    }
    char tt[64] = "";
    if (min_tok_s > 0) {
        mp_fmt_rate(min_tok_s, a, sizeof a);
        snprintf(tt, sizeof tt, "target %s tok/s", a);
    }
    hbars(c, subject, b, n, HB_RATE, min_tok_s, tt,
          nvidia ? "whiskers: the decode error band; striped orange bars: NVIDIA GPUs (CUDA "
                   "backend)"
                 : "whiskers: the decode error band");
}

/* ---- memory and speed against the context ------------------------------------------ */

typedef struct xscale {
    double x0, pw, l0, l1;   /* log2 of the first and last context */
} xscale;

static double xpos(const xscale *x, double tokens)
{
    return x->x0 + x->pw * (log2(tokens) - x->l0) / (x->l1 - x->l0);
}

/* "1K", "128K", "1M"; contexts that are not a whole number of K (a
 * model's limit, where a sweep stopped) to the nearest K. */
static void token_label(double t, char *buf, size_t cap)
{
    if (t >= 1048576)
        snprintf(buf, cap, "%.3gM", t / 1048576);
    else if (t >= 1024)
        snprintf(buf, cap, "%.0fK", round(t / 1024));
    else
        snprintf(buf, cap, "%.0f", t);
}

/* Vertical grid lines and labels at powers of two, and a label at the
 * last context when it is not one (a model's 40K limit), which wins over
 * a power of two too close to it. */
static void context_ticks(mp_svg *s, const xscale *x, double top, double bottom)
{
    int k0 = (int)ceil(x->l0 - 1e-9), k1 = (int)floor(x->l1 + 1e-9);
    int every = k1 - k0 > 10 ? 2 : 1;
    char txt[32];
    double end = x->x0 + x->pw;
    bool end_label = x->l1 - k1 > 1e-9;
    for (int k = k0; k <= k1; k += every) {
        double t = ldexp(1, k), px = xpos(x, t);
        mp_svg_line(s, px, top, px, bottom, "stroke=\"" GRID "\"");
        if (end_label && end - px < 40)
            continue;
        token_label(t, txt, sizeof txt);
        mp_svg_text(s, px, bottom + 16, "text-anchor=\"middle\" fill=\"" MUTED "\"", txt);
    }
    if (end_label) {
        token_label(round(exp2(x->l1)), txt, sizeof txt);
        mp_svg_text(s, end, bottom + 16, "text-anchor=\"middle\" fill=\"" MUTED "\"", txt);
    }
}

/* Horizontal grid and value labels of a linear y axis; returns its max. */
static double value_axis(mp_svg *s, double vmax, double x0, double x1, double top, double bottom,
                         double div)
{
    double step, amax = axis_max(vmax / div, 5, &step);
    char txt[32];
    for (double v = 0; v <= amax + 1e-9; v += step) {
        double y = bottom - (bottom - top) * v / amax;
        mp_svg_line(s, x0, y, x1, y, "stroke=\"" GRID "\"");
        tick_label(v, txt, sizeof txt);
        mp_svg_text(s, x0 - 6, y + 4, "text-anchor=\"end\" fill=\"" MUTED "\"", txt);
    }
    mp_svg_line(s, x0, bottom, x1, bottom, "stroke=\"" INK "\"");
    mp_svg_line(s, x0, top, x0, bottom, "stroke=\"" INK "\"");
    return amax * div;
}

/* Shade the contexts that are tight and those that do not fit. */
static void fit_regions(mp_svg *s, const mp_context_sweep *sw, const xscale *x, double top,
                        double bottom, bool labels)
{
    double t0 = (double)sw->pts[0].context_tokens, t1 = (double)sw->pts[sw->n - 1].context_tokens;
    double fit = sw->max_fit_tokens > 0 ? (double)sw->max_fit_tokens : t0;
    double run = sw->max_run_tokens > 0 ? (double)sw->max_run_tokens : t0;
    char fb[64], at[160];
    if (fit < t1 && run > fit) {
        double a = xpos(x, fmax(fit, t0)), b = xpos(x, fmin(run, t1));
        snprintf(at, sizeof at, "fill=\"%s\" fill-opacity=\"0.45\"",
                 mp_svg_colour(MP_FILL_YELLOW));
        mp_svg_rect(s, a, top, b - a, bottom - top, at);
        if (labels && b - a > 44)
            mp_svg_text(s, a + 6, bottom - 8, "font-weight=\"bold\"", "tight");
    }
    if (run < t1) {
        double a = xpos(x, fmax(run, t0)), b = xpos(x, t1);
        snprintf(at, sizeof at, "fill=\"%s\"", mp_svg_fill(s, MP_FILL_GREY, fb, sizeof fb));
        mp_svg_rect(s, a, top, b - a, bottom - top, at);
        if (labels && b - a > 96)
            mp_svg_text(s, a + 6, bottom - 8, "font-weight=\"bold\"", "does not fit");
    }
}

/* "up to 40,960 tokens", or "at every context the model supports" when
 * the limit is past the model's own. */
static void up_to(const mp_context_sweep *sw, int64_t tokens, char *buf, size_t cap)
{
    char a[32];
    if (sw->model_max_tokens > 0 && tokens >= sw->model_max_tokens) {
        mp_fmt_count((double)sw->model_max_tokens, a, sizeof a);
        snprintf(buf, cap, "at every context the model supports (%s tokens)", a);
    } else {
        mp_fmt_count((double)tokens, a, sizeof a);
        snprintf(buf, cap, "up to %s tokens", a);
    }
}

/* One sentence: how far the context can grow before memory is tight, and
 * before it does not fit at all. */
static void fit_summary(const mp_context_sweep *sw, char *buf, size_t cap)
{
    char fit[120], run[120];
    up_to(sw, sw->max_fit_tokens, fit, sizeof fit);
    up_to(sw, sw->max_run_tokens, run, sizeof run);
    bool tight_after = sw->max_run_tokens > sw->max_fit_tokens &&
                       !(sw->model_max_tokens > 0 && sw->max_fit_tokens >= sw->model_max_tokens);
    if (sw->max_fit_tokens > 0 && tight_after)
        snprintf(buf, cap, "Fits (under 90%% of the GPU limit, error band included) %s; tight %s.", fit, run);
    else if (sw->max_fit_tokens > 0)
        snprintf(buf, cap, "Fits (under 90%% of the GPU limit, error band included) %s.", fit);
    else if (sw->max_run_tokens > 0)
        snprintf(buf, cap, "Tight %s: always over 90%% of the GPU limit, or its error band passes the limit.", run);
    else
        snprintf(buf, cap, "Does not fit at any context.");
}

void mp_chart_context(mp_chart *c, const char *subject, const mp_context_sweep *sw,
                      const mp_machine *m)
{
    snprintf(c->title, sizeof c->title, "Decode speed and memory as the context grows");
    if (sw->n < 1 || sw->requested < 0 || sw->requested >= sw->n)
        return; /* nothing to draw: the chart stays empty */
    mp_svg sv, *s = &sv;
    char txt[200], at[256], a[32], b[32], fb[64];
    const double x0 = 64, x1 = CHART_W - 200;
    const double ta = 92, ba = 262, tb = 332, bb = 562;
    xscale x = {x0, x1 - x0, log2((double)sw->pts[0].context_tokens),
                log2((double)sw->pts[sw->n - 1].context_tokens)};
    if (x.l1 - x.l0 < 1e-9)
        x.l1 = x.l0 + 1;
    double height = 700;
    mp_svg_begin(s, &c->svg, c->name, CHART_W, height, c->title, subject);
    heading(s, c->title, subject);
    const mp_context_point *req = &sw->pts[sw->requested];
    double xr = xpos(&x, (double)req->context_tokens);

    /* -- top: decode speed -- */
    mp_svg_text(s, x0, ta - 12, "font-size=\"13\" font-weight=\"bold\"",
                "Decode speed (tokens/s per sequence)");
    double vmax = 0;
    for (int i = 0; i < sw->n; i++)
        vmax = sw->pts[i].decode_tok_s > vmax ? sw->pts[i].decode_tok_s : vmax;
    fit_regions(s, sw, &x, ta, ba, true);
    context_ticks(s, &x, ta, ba);
    double amax = value_axis(s, vmax * 1.05, x0, x1, ta, ba, 1);
    double xs[MP_SWEEP_MAX], ys[MP_SWEEP_MAX];
    for (int i = 0; i < sw->n; i++) {
        xs[i] = xpos(&x, (double)sw->pts[i].context_tokens);
        ys[i] = ba - (ba - ta) * sw->pts[i].decode_tok_s / amax;
    }
    snprintf(at, sizeof at, "fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"",
             mp_svg_colour(MP_FILL_BLUE));
    mp_svg_poly(s, xs, ys, sw->n, 0, at);
    for (int i = 0; i < sw->n; i++) {
        snprintf(at, sizeof at, "fill=\"%s\" data-context=\"%lld\" data-tok-s=\"%.17g\"",
                 mp_svg_colour(MP_FILL_BLUE), (long long)sw->pts[i].context_tokens,
                 sw->pts[i].decode_tok_s);
        mp_svg_circle(s, xs[i], ys[i], 2.2, at);
    }
    double yr = ba - (ba - ta) * req->decode_tok_s / amax;
    mp_fmt_rate(req->decode_tok_s, a, sizeof a);
    mp_fmt_count((double)req->context_tokens, b, sizeof b);
    snprintf(txt, sizeof txt, "%s tok/s at %s tokens", a, b);
    char speed_label[200];
    snprintf(speed_label, sizeof speed_label, "%s", txt);

    /* -- bottom: memory by term, with the machine's limits -- */
    mp_svg_text(s, x0, tb - 12, "font-size=\"13\" font-weight=\"bold\"",
                "Memory (GiB) against the machine's limits");
    double mmax = sw->ram_bytes;
    for (int i = 0; i < sw->n; i++)
        mmax = sw->pts[i].total_bytes > mmax ? sw->pts[i].total_bytes : mmax;
    fit_regions(s, sw, &x, tb, bb, false);
    context_ticks(s, &x, tb, bb);
    double gmax = value_axis(s, mmax * 1.02, x0, x1, tb, bb, MP_GIB);
    /* stacked areas: weights, then KV cache, then activations */
    static const mp_fill layer_fill[3] = {MP_FILL_BLUE, MP_FILL_ORANGE, MP_FILL_SKY};
    double lower[MP_SWEEP_MAX], upper[MP_SWEEP_MAX];
    double px[2 * MP_SWEEP_MAX], py[2 * MP_SWEEP_MAX];
    for (int i = 0; i < sw->n; i++)
        lower[i] = 0;
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < sw->n; i++) {
            const mp_context_point *p = &sw->pts[i];
            double add = k == 0 ? p->weights_bytes : k == 1 ? p->kv_bytes : p->act_bytes;
            upper[i] = lower[i] + add;
        }
        int np = 0;
        for (int i = 0; i < sw->n; i++, np++) {
            px[np] = xs[i];
            py[np] = bb - (bb - tb) * fmin(upper[i], gmax) / gmax;
        }
        for (int i = sw->n - 1; i >= 0; i--, np++) {
            px[np] = xs[i];
            py[np] = bb - (bb - tb) * fmin(lower[i], gmax) / gmax;
        }
        snprintf(at, sizeof at, "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.8\"",
                 mp_svg_fill(s, layer_fill[k], fb, sizeof fb));
        mp_svg_poly(s, px, py, np, 1, at);
        memcpy(lower, upper, sizeof lower);
    }
    for (int i = 0; i < sw->n; i++)
        ys[i] = bb - (bb - tb) * fmin(sw->pts[i].total_bytes, gmax) / gmax;
    mp_svg_poly(s, xs, ys, sw->n, 0, "fill=\"none\" stroke=\"" INK "\" stroke-width=\"1.5\"");
    for (int i = 0; i < sw->n; i++) {
        const mp_context_point *p = &sw->pts[i];
        snprintf(at, sizeof at, "fill=\"" INK "\" data-context=\"%lld\" data-total-bytes=\"%.17g\" "
                                "data-kv-bytes=\"%.17g\" data-verdict=\"%s\"",
                 (long long)p->context_tokens, p->total_bytes, p->kv_bytes,
                 mp_verdict_name(p->verdict));
        mp_svg_circle(s, xs[i], ys[i], 1.8, at);
    }
    /* limit lines, labelled in the right margin without overlapping */
    limits lim = limits_of(m, sw->budget_bytes, sw->warn_bytes, sw->max_bytes);
    lim.ram = sw->ram_bytes;
    ref_line refs[4];
    int nr = ref_lines(&lim, refs);
    double last_y = -1e9;
    for (int r = 0; r < nr; r++) {
        double y = bb - (bb - tb) * fmin(refs[r].bytes, gmax) / gmax;
        snprintf(at, sizeof at, "%s data-line=\"%s\" data-bytes=\"%.17g\"", refs[r].style,
                 refs[r].key, refs[r].bytes);
        mp_svg_line(s, x0, y, x1, y, at);
        double ty = y + 4 > last_y + 14 ? y + 4 : last_y + 14;
        mp_svg_line(s, x1, y, x1 + 6, ty - 4, "stroke=\"#999999\"");
        mp_svg_text(s, x1 + 8, ty, "font-size=\"11.5\"", refs[r].text);
        last_y = ty;
    }
    double ym = bb - (bb - tb) * fmin(req->total_bytes, gmax) / gmax;
    mp_fmt_gib(req->total_bytes, a, sizeof a);
    snprintf(txt, sizeof txt, "%s GiB, %s", a, mp_verdict_name(req->verdict));

    /* the requested context through both panels */
    snprintf(at, sizeof at, "stroke=\"" INK "\" stroke-width=\"1.2\" stroke-dasharray=\"3 3\" "
                            "data-context=\"%lld\"",
             (long long)req->context_tokens);
    mp_svg_line(s, xr, ta, xr, bb, at);
    mp_svg_circle(s, xr, yr, 5.5, "fill=\"#ffffff\" stroke=\"" INK "\" stroke-width=\"2.5\"");
    mp_svg_circle(s, xr, ym, 5.5, "fill=\"#ffffff\" stroke=\"" INK "\" stroke-width=\"2.5\"");
    tag_text(s, xr, yr - 10, x1, speed_label);
    tag_text(s, xr, ym - 10, x1, txt);

    mp_svg_text(s, (x0 + x1) / 2, bb + 36, "text-anchor=\"middle\" fill=\"" MUTED "\"",
                "context length (tokens held in the KV cache, log scale; K = 1,024)");
    legend_item items[5];
    memset(items, 0, sizeof items);
    static const char *const names[3] = {"weights", "KV cache", "prefill activations"};
    int ni = 0;
    for (int k = 0; k < 3; k++, ni++) {
        items[ni].fill = layer_fill[k];
        snprintf(items[ni].text, sizeof items[ni].text, "%s", names[k]);
    }
    int64_t t_end = sw->pts[sw->n - 1].context_tokens;
    if (sw->max_fit_tokens < t_end && sw->max_run_tokens > sw->max_fit_tokens) {
        items[ni].verdict = true;
        items[ni].v = MP_TIGHT;
        snprintf(items[ni++].text, sizeof items[0].text,
                 "tight: over 90%% of the GPU limit or its error band past it, or only with a raised "
                 "wired limit");
    }
    if (sw->max_run_tokens < t_end) {
        items[ni].verdict = true;
        items[ni].v = MP_NO_FIT;
        snprintf(items[ni++].text, sizeof items[0].text, "does not fit");
    }
    double y = legend(s, x0, bb + 66, CHART_W - x0 - MARGIN, items, ni) + 10;
    fit_summary(sw, txt, sizeof txt);
    mp_svg_text(s, x0, y + 4, "font-weight=\"bold\"", txt);
    mp_fmt_count((double)t_end, a, sizeof a);
    switch (sw->end) {
    case MP_SWEEP_END_MODEL:
        snprintf(txt, sizeof txt, "The curves end at the model's longest context, %s tokens "
                                  "(max_position_embeddings).", a);
        break;
    case MP_SWEEP_END_DEFAULT:
        snprintf(txt, sizeof txt, "The curves end at %s tokens (the model does not state its "
                                  "longest context).", a);
        break;
    case MP_SWEEP_END_REQUEST:
        snprintf(txt, sizeof txt, "The curves end at the requested context, %s tokens.", a);
        break;
    case MP_SWEEP_END_RAM:
        snprintf(txt, sizeof txt, "The curves stop at %s tokens: longer contexts need far more "
                                  "memory than this machine has.", a);
        break;
    }
    mp_svg_text(s, x0, y + 22, "fill=\"" MUTED "\"", txt);
    mp_svg_end(s);
}

/* ---- models x formats ---------------------------------------------------------------- */

/* A column header short enough for a grid cell: "bf16", "8-bit",
 * "mixed 4/6", "mxfp4" (the full label is in each cell's tooltip). */
static void short_quant(const mp_quant *q, char *buf, size_t cap)
{
    if (q->mode == MP_Q_AFFINE && q->recipe == MP_RECIPE_NONE)
        snprintf(buf, cap, q->group == 64 ? "%d-bit" : "%d-bit g%d", q->bits, q->group);
    else if (q->mode == MP_Q_AFFINE)
        snprintf(buf, cap, "mixed %d/%d", q->bits, q->bits == 3 && q->recipe == MP_RECIPE_MIXED_3_4
                                                        ? 4 : 6);
    else
        mp_quant_label(q, buf, cap);
}

void mp_chart_fit_grid(mp_chart *c, const char *subject, const mp_fit_row *rows, int n,
                       int64_t context, const mp_quant *best, double min_tok_s)
{
    bool any_slow = false;
    char txt[300], at[400], fb[64], a[32];
    mp_fmt_count((double)context, a, sizeof a);
    snprintf(c->title, sizeof c->title, "Which models fit, in which weight format, at %s tokens",
             a);
    int ncol = 0;
    double idw = 0, pw = 0;
    for (int i = 0; i < n; i++) {
        ncol = rows[i].n > ncol ? rows[i].n : ncol;
        double w = mp_svg_text_width(rows[i].model_id, 12);
        idw = w > idw ? w : idw;
        mp_fmt_params(rows[i].params, txt, sizeof txt);
        w = mp_svg_text_width(txt, 12);
        pw = w > pw ? w : pw;
    }
    const double cw = 66, rh = 24, head = 132;
    double gx = MARGIN + idw + 12 + pw + 12;
    double width = gx + ncol * cw + MARGIN;
    if (width < CHART_W)
        width = CHART_W;
    double height = head + n * rh + 64;
    mp_svg sv, *s = &sv;
    mp_svg_begin(s, &c->svg, c->name, width, height, c->title, subject);
    heading(s, c->title, subject);
    legend_item items[3];
    memset(items, 0, sizeof items);
    static const char *const what[3] = {"fits: under 90% of the GPU limit, error band included",
                                        "tight: over 90% or band past the limit, or needs a raised wired limit",
                                        "does not fit"};
    for (int v = 0; v < 3; v++) {
        items[v].verdict = true;
        items[v].v = (mp_verdict)v;
        snprintf(items[v].text, sizeof items[v].text, "%s", what[v]);
    }
    legend(s, MARGIN, 76, width - 2 * MARGIN, items, 3);
    /* column headers from the first row's formats */
    for (int j = 0; j < ncol && n > 0; j++) {
        if (j >= rows[0].n)
            break;
        short_quant(&rows[0].cells[j].quant, txt, sizeof txt);
        bool same = true;
        for (int i = 1; i < n; i++)
            if (j < rows[i].n && memcmp(&rows[i].cells[j].quant, &rows[0].cells[j].quant,
                                        sizeof(mp_quant)) != 0)
                same = false;
        if (!same && rows[0].cells[j].quant.mode == MP_Q_FLOAT)
            snprintf(txt, sizeof txt, "16-bit");
        mp_svg_text(s, gx + j * cw + cw / 2, head - 12,
                    "text-anchor=\"middle\" font-weight=\"bold\" font-size=\"11.5\"", txt);
    }
    mp_svg_text(s, gx - 12, head - 12,
                "text-anchor=\"end\" fill=\"" MUTED "\" font-size=\"11.5\"", "params");
    for (int i = 0; i < n; i++) {
        const mp_fit_row *r = &rows[i];
        double y = head + i * rh;
        mp_svg_text(s, MARGIN, y + rh / 2 + 3, NULL, r->model_id);
        mp_fmt_params(r->params, txt, sizeof txt);
        mp_svg_text(s, gx - 12, y + rh / 2 + 3, "text-anchor=\"end\" fill=\"" MUTED "\"", txt);
        for (int j = 0; j < r->n; j++) {
            const mp_fit_cell *cell = &r->cells[j];
            double x = gx + j * cw;
            char ql[64], g[32];
            mp_quant_label(&cell->quant, ql, sizeof ql);
            mp_fmt_gib(cell->total_bytes, g, sizeof g);
            mp_fmt_rate(cell->decode_tok_s, a, sizeof a);
            snprintf(txt, sizeof txt, "%s in %s: %s GiB, %s%s%s%s", r->model_id, ql, g,
                     mp_verdict_name(cell->verdict), cell->verdict != MP_NO_FIT ? ", " : "",
                     cell->verdict != MP_NO_FIT ? a : "",
                     cell->verdict != MP_NO_FIT ? " tok/s" : "");
            snprintf(at, sizeof at, "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"2\" "
                                    "data-row=\"%d\" data-col=\"%d\" data-verdict=\"%s\" "
                                    "data-total-bytes=\"%.17g\" data-tok-s=\"%.17g\"",
                     verdict_fill(s, cell->verdict, fb, sizeof fb), i, j,
                     mp_verdict_name(cell->verdict), cell->total_bytes, cell->decode_tok_s);
            mp_svg_rect_titled(s, x, y, cw, rh, at, txt);
            if (cell->verdict == MP_NO_FIT) {
                mp_svg_mark_at(s, MP_MARK_CROSS, x + cw / 2, y + rh / 2, 10, "#666666");
                continue;
            }
            mp_svg_mark_at(s, verdict_mark(cell->verdict), x + 12, y + rh / 2, 10, INK);
            if (min_tok_s > 0 && cell->decode_tok_s < min_tok_s) {
                /* fits, but slower than asked: in brackets */
                char br[40];
                snprintf(br, sizeof br, "(%s)", a);
                mp_svg_text(s, x + cw - 5, y + rh / 2 + 4,
                            "text-anchor=\"end\" font-size=\"12\" data-slow=\"1\"", br);
                any_slow = true;
            } else {
                mp_svg_text(s, x + cw - 7, y + rh / 2 + 4,
                            "text-anchor=\"end\" font-size=\"12\"", a);
            }
            if (best && memcmp(&best[i], &cell->quant, sizeof(mp_quant)) == 0) {
                /* black with a white inner line: visible on every fill */
                mp_svg_rect(s, x + 1.5, y + 1.5, cw - 3, rh - 3,
                            "fill=\"none\" stroke=\"" INK "\" stroke-width=\"3\" "
                            "data-best=\"1\"");
                mp_svg_rect(s, x + 3.5, y + 3.5, cw - 7, rh - 7,
                            "fill=\"none\" stroke=\"#ffffff\" stroke-width=\"1\"");
            }
        }
    }
    mp_fmt_count((double)context, a, sizeof a);
    snprintf(txt, sizeof txt, "Numbers: decode tokens/s at %s tokens, batch 1, 16-bit KV "
                              "cache.%s", a, best ? "  Heavy outline: the format the search "
                                                     "picks for each model." : "");
    mp_svg_text(s, MARGIN, head + n * rh + 30, "fill=\"" MUTED "\"", txt);
    if (any_slow) {
        mp_fmt_rate(min_tok_s, a, sizeof a);
        snprintf(txt, sizeof txt, "(In brackets): fits, but slower than the %s tok/s asked "
                                  "for.", a);
        mp_svg_text(s, MARGIN, head + n * rh + 48, "fill=\"" MUTED "\"", txt);
    }
    mp_svg_end(s);
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
