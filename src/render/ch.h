/*
 * ch.h - internals of the SVG charts, shared by charts.c (chart sets, the
 * pieces every chart is drawn with, the memory limits, the charts of whole
 * reports), charts_bars.c (memory bars, horizontal bars with an error band)
 * and charts_context.c (memory and speed against the context, the models x
 * formats grid).  Not a public header: callers use charts.h.
 */
#ifndef MP_RENDER_CH_H
#define MP_RENDER_CH_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/machine.h"
#include "render/charts.h"
#include "render/svg.h"

#define CHART_W 1060.0
#define MARGIN 16.0
#define INK "#1a1a1a"
#define MUTED "#555555"
#define GRID "#e4e4e4"

/* ---- shared pieces ---------------------------------------------------------------- */

/* The title and the one-line subject at the top of a chart. */
void ch_heading(mp_svg *s, const char *title, const char *subject);
/* The symbol of a verdict: a tick, a wave (tight) or a cross. */
mp_svg_mark ch_verdict_mark(mp_verdict v);
/* Cell and swatch fills by verdict: dark bluish green, light yellow, grey
 * hatching: three lightness levels, so they survive greyscale too. */
const char *ch_verdict_fill(const mp_svg *s, mp_verdict v, char *buf, size_t cap);

typedef struct legend_item {
    mp_fill fill;
    bool verdict;          /* draw a verdict swatch (its fill and mark) */
    mp_verdict v;
    char text[120];
} legend_item;

/* Legend entries laid out left to right, wrapping at `width`.  With s ==
 * NULL nothing is drawn (to measure the height first).  Returns the y below
 * the legend. */
double ch_legend(mp_svg *s, double x0, double y, double width, const legend_item *it, int n);
/* Bold text on a white tag, placed right of (x, y) or left of it when it
 * would pass `xmax`; readable over lines and textures. */
void ch_tag_text(mp_svg *s, double x, double y, double xmax, const char *text);
/* Axis maximum: a whole number of "nice" steps covering `v`; *step gets the step. */
double ch_axis_max(double v, int ticks, double *step);
/* A tick value: "%.0f" when whole, else "%g". */
void ch_tick_label(double v, char *buf, size_t cap);
/* A horizontal value axis along y = axis_y from x0 (0) to x1 (`amax`, in
 * the axis unit): grid lines up from `grid_top`, tick labels every `step`,
 * the axis title under its right end. */
void ch_bottom_axis(mp_svg *s, double x0, double x1, double amax, double step, double grid_top,
                    double axis_y, const char *title);

/* ---- memory limits drawn as reference lines ------------------------------------------ */

typedef struct limits {
    double warn, budget, max, ram;
    int memory_gb;
    bool apple;           /* Metal: mlx-lm warns at 90 %, the limit can be raised */
    bool raised;          /* draw the raised limit */
} limits;

/* The limits of machine `m` (bytes): the warning, the GPU budget, the raised maximum. */
limits ch_limits_of(const mp_machine *m, double budget, double warn, double max);

typedef struct ref_line {
    double bytes;
    char text[80];
    const char *style;
    const char *key;
} ref_line;

/* The reference lines of `l` into out[0..4), largest first; returns how many. */
int ch_ref_lines(const limits *l, ref_line *out);

#endif
