/* charts_bars.c - SVG bar charts (charts.h, ch.h): memory as stacked bars
 * against the machine's limits, durations and speeds as horizontal bars
 * with an error band. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "render/ch.h"
#include "render/charts.h"
#include "render/svg.h"

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
    double step, amax = ch_axis_max(top_v / MP_GIB, 8, &step) * MP_GIB;
    ref_line refs[4];
    int nr = ch_ref_lines(lim, refs);
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
    double height = ch_legend(NULL, MARGIN, legend_y, CHART_W - 2 * MARGIN, items, nseg) + 10;

    mp_svg_begin(s, &c->svg, c->name, CHART_W, height, c->title, subject);
    ch_heading(s, c->title, subject);
    ch_bottom_axis(s, x0, x1, amax / MP_GIB, step, bars_top - 4, axis_y,
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
        mp_svg_mark_at(s, ch_verdict_mark(b->verdict), xr, y + bh / 2, 12, INK);
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
    ch_legend(s, MARGIN, legend_y, CHART_W - 2 * MARGIN, items, nseg);
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
    limits l = ch_limits_of(m, r->budget_bytes, r->warn_bytes, r->max_bytes);
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
    limits l = ch_limits_of(m, r->budget_bytes, r->warn_bytes, r->max_bytes);
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
    limits l = ch_limits_of(m, row->budget_bytes, row->warn_bytes, row->max_bytes);
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
    limits l = ch_limits_of(m, opts[0].est.budget_bytes, opts[0].est.warn_bytes,
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
    double step, amax = ch_axis_max(vmax / div, 8, &step) * div;
    double x0 = MARGIN + lw + 12, x1 = CHART_W - MARGIN - tw - 16, pw = x1 - x0;
    double top = 64 + (target > 0 ? 18 : 0), bh = 22, gap = 10;
    double bottom = top + n * (bh + gap) - gap, axis_y = bottom + 8;
    double height = axis_y + 66;
    mp_svg_begin(s, &c->svg, c->name, CHART_W, height, c->title, subject);
    ch_heading(s, c->title, subject);
    ch_bottom_axis(s, x0, x1, amax / div, step, top - 4, axis_y, axis);
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
