/*
 * svg.h - a small SVG writer over mp_buf for the charts (render/charts.h).
 *
 * A chart is one <svg> element without the XML namespace, so an HTML page
 * can inline it as it is; mp_svg_file_text() adds the XML declaration and
 * the namespace for a standalone .svg file.  Styling uses presentation
 * attributes, never a <style> element, whose rules would leak into the page
 * around an inline chart; element ids (the fill patterns) start with the
 * chart's own prefix so several charts can share a page.
 *
 * Text is always XML-escaped; `attrs` arguments are attribute text the
 * caller builds from constants and numbers (never from user input).
 * Coordinates are written with one decimal ("12.5"); plotted values in
 * data-* attributes with 17 significant digits, so a test can compare them
 * with the engine's doubles exactly.
 *
 * Fills: eight colours of the Okabe-Ito palette (distinct for the common
 * colour-vision deficiencies), each with its own texture (solid, stripes at
 * different angles, dots, cross-hatching) and a different lightness, so the
 * series stay apart when printed in grey.
 */
#ifndef MP_RENDER_SVG_H
#define MP_RENDER_SVG_H

#include <stddef.h>

#include "util/buf.h"

typedef enum mp_fill {
    MP_FILL_BLUE,       /* #0072B2, solid */
    MP_FILL_ORANGE,     /* #E69F00, white stripes at 45 degrees */
    MP_FILL_SKY,        /* #56B4E9, dark dots */
    MP_FILL_GREEN,      /* #009E73, white vertical stripes */
    MP_FILL_PURPLE,     /* #CC79A7, dark stripes at -45 degrees */
    MP_FILL_VERMILION,  /* #D55E00, white cross-hatching */
    MP_FILL_YELLOW,     /* #F0E442, dark horizontal stripes */
    MP_FILL_GREY,       /* #F2F2F2, grey stripes: "not possible" areas */
    MP_FILL_COUNT
} mp_fill;

typedef struct mp_svg {
    mp_buf *out;
    char id[32];        /* prefix of element ids: letters, digits and '-' only */
} mp_svg;

/* Copy `in` to out[cap] keeping letters and digits and turning every
 * other byte into '-' (truncated, NUL-terminated): a safe element id or
 * file stem. */
void mp_svg_id(const char *in, char *out, size_t cap);

/* Open a chart of w x h pixels: <svg> with role="img", a <title> and
 * <desc> (escaped), the font, a white background and the fill patterns.
 * `id` is copied through mp_svg_id (31 bytes at most). */
void mp_svg_begin(mp_svg *s, mp_buf *out, const char *id, double w, double h, const char *title,
                  const char *desc);
void mp_svg_end(mp_svg *s);

/* Append `text` with &, <, >, " and ' escaped; control characters other
 * than tab are dropped (they are not allowed in XML 1.0). */
void mp_svg_escape(mp_buf *out, const char *text);
/* Append a coordinate: one decimal, "0.0" for NaN or infinities. */
void mp_svg_num(mp_buf *out, double v);

/* The fill attribute value for `f`: "url(#<id>-f<f>)" (or the colour for
 * the solid fill).  Writes into buf[cap] and returns buf. */
const char *mp_svg_fill(const mp_svg *s, mp_fill f, char *buf, size_t cap);
/* The plain colour of `f` ("#0072B2"), for lines and markers. */
const char *mp_svg_colour(mp_fill f);

void mp_svg_rect(mp_svg *s, double x, double y, double w, double h, const char *attrs);
/* A rect with a <title> child (a tooltip in browsers), escaped. */
void mp_svg_rect_titled(mp_svg *s, double x, double y, double w, double h, const char *attrs,
                        const char *title);
void mp_svg_line(mp_svg *s, double x1, double y1, double x2, double y2, const char *attrs);
/* A polyline through n points xs[i], ys[i]; with `close` a polygon. */
void mp_svg_poly(mp_svg *s, const double *xs, const double *ys, int n, int close,
                 const char *attrs);
void mp_svg_circle(mp_svg *s, double cx, double cy, double r, const char *attrs);
/* Text at (x, y); `attrs` e.g. "text-anchor=\"end\" font-weight=\"bold\"". */
void mp_svg_text(mp_svg *s, double x, double y, const char *attrs, const char *text);
void mp_svg_textf(mp_svg *s, double x, double y, const char *attrs, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Verdict symbols drawn as paths, so they do not depend on a font having
 * the glyphs: a tick (fits), a wave (tight), a cross (does not fit), each
 * centred on (x, y) in a box of `size` pixels. */
typedef enum mp_svg_mark { MP_MARK_TICK, MP_MARK_WAVE, MP_MARK_CROSS } mp_svg_mark;
void mp_svg_mark_at(mp_svg *s, mp_svg_mark m, double x, double y, double size,
                    const char *colour);

/* Approximate width in pixels of `text` at `size` px in the chart font
 * (for layout: labels are placed so they do not overlap). */
double mp_svg_text_width(const char *text, double size);

/* A "nice" axis step (1, 2 or 5 x a power of ten) giving at most about
 * `max_ticks` ticks over [0, span]. */
double mp_svg_nice_step(double span, int max_ticks);

/* The text of a standalone .svg file for a chart written by this module
 * (which starts with "<svg "): the XML declaration, then the chart with the
 * SVG namespace added.  Appends to `out`. */
void mp_svg_file_text(const char *chart, mp_buf *out);

#endif
