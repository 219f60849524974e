/* svg.c - the SVG writer for charts; see svg.h. */
#include "render/svg.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *colour;
    const char *texture; /* pattern body after the background rect; NULL = solid */
    const char *transform;
} fills[MP_FILL_COUNT] = {
    [MP_FILL_BLUE] = {"#0072B2", NULL, NULL},
    [MP_FILL_ORANGE] = {"#E69F00",
                        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#ffffff\" "
                        "stroke-width=\"3\"/>",
                        "rotate(45)"},
    [MP_FILL_SKY] = {"#56B4E9",
                     "<circle cx=\"2\" cy=\"2\" r=\"1.2\" fill=\"#10314a\"/>"
                     "<circle cx=\"6\" cy=\"6\" r=\"1.2\" fill=\"#10314a\"/>",
                     NULL},
    [MP_FILL_GREEN] = {"#009E73",
                       "<line x1=\"1\" y1=\"0\" x2=\"1\" y2=\"8\" stroke=\"#ffffff\" "
                       "stroke-width=\"1.5\"/>",
                       NULL},
    [MP_FILL_PURPLE] = {"#CC79A7",
                        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#4a1c37\" "
                        "stroke-width=\"1.5\"/>",
                        "rotate(-45)"},
    [MP_FILL_VERMILION] = {"#D55E00",
                           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#ffffff\" "
                           "stroke-width=\"1.2\"/><line x1=\"0\" y1=\"0\" x2=\"8\" y2=\"0\" "
                           "stroke=\"#ffffff\" stroke-width=\"1.2\"/>",
                           "rotate(45)"},
    [MP_FILL_YELLOW] = {"#F0E442",
                        "<line x1=\"0\" y1=\"4\" x2=\"8\" y2=\"4\" stroke=\"#5c5400\" "
                        "stroke-width=\"1.2\"/>",
                        NULL},
    [MP_FILL_GREY] = {"#F2F2F2",
                      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#a0a0a0\" "
                      "stroke-width=\"1.2\"/>",
                      "rotate(45)"},
};

void mp_svg_escape(mp_buf *out, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        switch (*p) {
        case '&': mp_buf_puts(out, "&amp;"); break;
        case '<': mp_buf_puts(out, "&lt;"); break;
        case '>': mp_buf_puts(out, "&gt;"); break;
        case '"': mp_buf_puts(out, "&quot;"); break;
        case '\'': mp_buf_puts(out, "&#39;"); break;
        default:
            if (*p >= 0x20 || *p == '\t')
                mp_buf_putc(out, (char)*p);
        }
    }
}

void mp_svg_num(mp_buf *out, double v)
{
    if (!isfinite(v))
        v = 0;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.1f", v);
    mp_buf_puts(out, strcmp(tmp, "-0.0") == 0 ? "0.0" : tmp);
}

const char *mp_svg_colour(mp_fill f)
{
    return fills[(unsigned)f < MP_FILL_COUNT ? f : MP_FILL_BLUE].colour;
}

const char *mp_svg_fill(const mp_svg *s, mp_fill f, char *buf, size_t cap)
{
    if ((unsigned)f >= MP_FILL_COUNT)
        f = MP_FILL_BLUE;
    if (!fills[f].texture)
        snprintf(buf, cap, "%s", fills[f].colour);
    else
        snprintf(buf, cap, "url(#%s-f%d)", s->id, (int)f);
    return buf;
}

void mp_svg_id(const char *in, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *p = in; p && *p && k + 1 < cap; p++, k++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        out[k] = ok ? c : '-';
    }
    if (cap)
        out[k] = '\0';
}

void mp_svg_begin(mp_svg *s, mp_buf *out, const char *id, double w, double h, const char *title,
                  const char *desc)
{
    s->out = out;
    mp_svg_id(id, s->id, sizeof s->id);
    mp_buf_puts(out, "<svg width=\"");
    mp_svg_num(out, w);
    mp_buf_puts(out, "\" height=\"");
    mp_svg_num(out, h);
    mp_buf_puts(out, "\" viewBox=\"0 0 ");
    mp_svg_num(out, w);
    mp_buf_putc(out, ' ');
    mp_svg_num(out, h);
    mp_buf_printf(out, "\" role=\"img\" aria-labelledby=\"%s-title %s-desc\" "
                       "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" "
                       "font-size=\"12\" fill=\"#1a1a1a\">\n",
                  s->id, s->id);
    mp_buf_printf(out, "<title id=\"%s-title\">", s->id);
    mp_svg_escape(out, title);
    mp_buf_printf(out, "</title>\n<desc id=\"%s-desc\">", s->id);
    mp_svg_escape(out, desc);
    mp_buf_puts(out, "</desc>\n<defs>\n");
    for (int f = 0; f < MP_FILL_COUNT; f++) {
        if (!fills[f].texture)
            continue;
        mp_buf_printf(out, "<pattern id=\"%s-f%d\" width=\"8\" height=\"8\" "
                           "patternUnits=\"userSpaceOnUse\"",
                      s->id, f);
        if (fills[f].transform)
            mp_buf_printf(out, " patternTransform=\"%s\"", fills[f].transform);
        mp_buf_printf(out, "><rect width=\"8\" height=\"8\" fill=\"%s\"/>%s</pattern>\n",
                      fills[f].colour, fills[f].texture);
    }
    mp_buf_puts(out, "</defs>\n");
    mp_svg_rect(s, 0, 0, w, h, "fill=\"#ffffff\"");
}

void mp_svg_end(mp_svg *s)
{
    mp_buf_puts(s->out, "</svg>\n");
}

static void open_rect(mp_svg *s, double x, double y, double w, double h, const char *attrs)
{
    mp_buf *o = s->out;
    mp_buf_puts(o, "<rect x=\"");
    mp_svg_num(o, x);
    mp_buf_puts(o, "\" y=\"");
    mp_svg_num(o, y);
    mp_buf_puts(o, "\" width=\"");
    mp_svg_num(o, w > 0 ? w : 0);
    mp_buf_puts(o, "\" height=\"");
    mp_svg_num(o, h > 0 ? h : 0);
    mp_buf_puts(o, "\"");
    if (attrs && *attrs)
        mp_buf_printf(o, " %s", attrs);
}

void mp_svg_rect(mp_svg *s, double x, double y, double w, double h, const char *attrs)
{
    open_rect(s, x, y, w, h, attrs);
    mp_buf_puts(s->out, "/>\n");
}

void mp_svg_rect_titled(mp_svg *s, double x, double y, double w, double h, const char *attrs,
                        const char *title)
{
    open_rect(s, x, y, w, h, attrs);
    mp_buf_puts(s->out, "><title>");
    mp_svg_escape(s->out, title);
    mp_buf_puts(s->out, "</title></rect>\n");
}

void mp_svg_line(mp_svg *s, double x1, double y1, double x2, double y2, const char *attrs)
{
    mp_buf *o = s->out;
    mp_buf_puts(o, "<line x1=\"");
    mp_svg_num(o, x1);
    mp_buf_puts(o, "\" y1=\"");
    mp_svg_num(o, y1);
    mp_buf_puts(o, "\" x2=\"");
    mp_svg_num(o, x2);
    mp_buf_puts(o, "\" y2=\"");
    mp_svg_num(o, y2);
    mp_buf_printf(o, "\"%s%s/>\n", attrs && *attrs ? " " : "", attrs ? attrs : "");
}

void mp_svg_poly(mp_svg *s, const double *xs, const double *ys, int n, int close,
                 const char *attrs)
{
    mp_buf *o = s->out;
    mp_buf_puts(o, close ? "<polygon points=\"" : "<polyline points=\"");
    for (int i = 0; i < n; i++) {
        if (i)
            mp_buf_putc(o, ' ');
        mp_svg_num(o, xs[i]);
        mp_buf_putc(o, ',');
        mp_svg_num(o, ys[i]);
    }
    mp_buf_printf(o, "\"%s%s/>\n", attrs && *attrs ? " " : "", attrs ? attrs : "");
}

void mp_svg_circle(mp_svg *s, double cx, double cy, double r, const char *attrs)
{
    mp_buf *o = s->out;
    mp_buf_puts(o, "<circle cx=\"");
    mp_svg_num(o, cx);
    mp_buf_puts(o, "\" cy=\"");
    mp_svg_num(o, cy);
    mp_buf_puts(o, "\" r=\"");
    mp_svg_num(o, r);
    mp_buf_printf(o, "\"%s%s/>\n", attrs && *attrs ? " " : "", attrs ? attrs : "");
}

void mp_svg_text(mp_svg *s, double x, double y, const char *attrs, const char *text)
{
    mp_buf *o = s->out;
    mp_buf_puts(o, "<text x=\"");
    mp_svg_num(o, x);
    mp_buf_puts(o, "\" y=\"");
    mp_svg_num(o, y);
    mp_buf_printf(o, "\"%s%s>", attrs && *attrs ? " " : "", attrs ? attrs : "");
    mp_svg_escape(o, text);
    mp_buf_puts(o, "</text>\n");
}

void mp_svg_textf(mp_svg *s, double x, double y, const char *attrs, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    mp_svg_text(s, x, y, attrs, text);
}

/* One path command with its point: "M12.0 4.5 ". */
static void path_pt(mp_buf *o, const char *cmd, double x, double y)
{
    mp_buf_puts(o, cmd);
    mp_svg_num(o, x);
    mp_buf_putc(o, ' ');
    mp_svg_num(o, y);
    mp_buf_putc(o, ' ');
}

void mp_svg_mark_at(mp_svg *s, mp_svg_mark m, double x, double y, double size,
                    const char *colour)
{
    double h = size / 2, c = h * 0.75;
    mp_buf *o = s->out;
    mp_buf_puts(o, "<path d=\"");
    switch (m) {
    case MP_MARK_TICK:
        path_pt(o, "M", x - h, y);
        path_pt(o, "L", x - h * 0.25, y + h * 0.7);
        path_pt(o, "L", x + h, y - h * 0.8);
        break;
    case MP_MARK_WAVE:
        path_pt(o, "M", x - h, y + h * 0.15);
        path_pt(o, "Q", x - h * 0.5, y - h * 0.7);
        path_pt(o, "", x, y);
        path_pt(o, "T", x + h, y - h * 0.15);
        break;
    case MP_MARK_CROSS:
        path_pt(o, "M", x - c, y - c);
        path_pt(o, "L", x + c, y + c);
        path_pt(o, "M", x + c, y - c);
        path_pt(o, "L", x - c, y + c);
        break;
    }
    mp_buf_printf(o, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" "
                     "stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n",
                  colour);
}

double mp_svg_text_width(const char *text, double size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return (double)n * size * 0.6;
}

double mp_svg_nice_step(double span, int max_ticks)
{
    if (!(span > 0) || !isfinite(span) || max_ticks < 1)
        return 1;
    double raw = span / max_ticks;
    double p = pow(10, floor(log10(raw)));
    static const double mult[] = {1, 2, 5, 10};
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++)
        if (mult[i] * p >= raw)
            return mult[i] * p;
    return 10 * p;
}

void mp_svg_file_text(const char *chart, mp_buf *out)
{
    mp_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (strncmp(chart, "<svg ", 5) == 0) {
        mp_buf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" ");
        mp_buf_puts(out, chart + 5);
    } else {
        mp_buf_puts(out, chart);
    }
}
