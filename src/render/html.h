/*
 * html.h - one self-contained HTML page for a report (--html FILE).
 *
 * The page of a plan is written from the typed plan itself
 * (mp_render_plan_html, render/plan.h) with the frame below (mp_html_open,
 * mp_html_charts, mp_html_close).  The page of an estimate or a fit is the
 * report's Markdown document, exactly as the Markdown renderer wrote it,
 * turned into HTML by mp_render_html (so the page and the terminal output
 * can never say different things).  Either way the report's charts are
 * inlined as SVG after the sections they illustrate.  Inline CSS only: no scripts, no
 * external fonts, styles or images, no network request; it opens offline
 * and prints (in grey too: the charts carry textures and symbols).
 *
 * The Markdown subset is what mlxplan's renderers write: "#"/"##"/"###"
 * headings, paragraphs, "- " and "1. " lists, pipe tables with an
 * alignment row, ``` fenced code, **bold**, `code` and [text](link).
 * Anything else is kept as paragraph text, escaped.
 */
#ifndef MP_RENDER_HTML_H
#define MP_RENDER_HTML_H

#include <stdbool.h>

#include "render/charts.h"
#include "util/buf.h"

/* Append the page for `markdown` with `charts` (may be NULL) to `out`.
 * A chart goes right after the "## " heading whose text equals its
 * section, "" after the top heading; a chart whose section the document
 * lacks goes at the end.  The page's <title> is the first heading's text. */
void mp_render_html(const char *markdown, const mp_chart_set *charts, mp_buf *out);

/* The frame of a page, for renderers that write its body themselves:
 * mp_html_open appends everything up to <main> with `title` (plain text,
 * escaped) as the <title>; mp_html_charts appends the charts of `charts`
 * (may be NULL) whose section is `section` and marks them in `placed`
 * (MP_CHARTS_MAX flags, false at first); mp_html_close appends the charts
 * not placed yet, the footer and the end of the page. */
void mp_html_open(mp_buf *out, const char *title);
void mp_html_charts(mp_buf *out, const mp_chart_set *charts, bool *placed, const char *section);
void mp_html_close(mp_buf *out, const mp_chart_set *charts, const bool *placed);
/* `s` (may be NULL) as HTML text or attribute value: & < > " escaped,
 * control characters other than tab and newline dropped. */
void mp_html_esc(mp_buf *out, const char *s);

#endif
