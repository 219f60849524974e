/* charts_context.c - SVG charts over a sweep (charts.h, ch.h): memory and
 * speed against the context length, and the models x formats grid. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "render/ch.h"
#include "render/charts.h"
#include "render/svg.h"

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
    double step, amax = ch_axis_max(vmax / div, 5, &step);
    char txt[32];
    for (double v = 0; v <= amax + 1e-9; v += step) {
        double y = bottom - (bottom - top) * v / amax;
        mp_svg_line(s, x0, y, x1, y, "stroke=\"" GRID "\"");
        ch_tick_label(v, txt, sizeof txt);
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
    ch_heading(s, c->title, subject);
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
    limits lim = ch_limits_of(m, sw->budget_bytes, sw->warn_bytes, sw->max_bytes);
    lim.ram = sw->ram_bytes;
    ref_line refs[4];
    int nr = ch_ref_lines(&lim, refs);
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
    ch_tag_text(s, xr, yr - 10, x1, speed_label);
    ch_tag_text(s, xr, ym - 10, x1, txt);

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
    double y = ch_legend(s, x0, bb + 66, CHART_W - x0 - MARGIN, items, ni) + 10;
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
    ch_heading(s, c->title, subject);
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
    ch_legend(s, MARGIN, 76, width - 2 * MARGIN, items, 3);
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
                     ch_verdict_fill(s, cell->verdict, fb, sizeof fb), i, j,
                     mp_verdict_name(cell->verdict), cell->total_bytes, cell->decode_tok_s);
            mp_svg_rect_titled(s, x, y, cw, rh, at, txt);
            if (cell->verdict == MP_NO_FIT) {
                mp_svg_mark_at(s, MP_MARK_CROSS, x + cw / 2, y + rh / 2, 10, "#666666");
                continue;
            }
            mp_svg_mark_at(s, ch_verdict_mark(cell->verdict), x + 12, y + rh / 2, 10, INK);
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
