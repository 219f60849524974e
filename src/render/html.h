/*
 * html.h - one self-contained HTML page for a report (--html FILE).
 *
 * The page is the report's Markdown document, exactly as the Markdown
 * renderer wrote it, turned into HTML (so the page and the terminal output
 * can never say different things), with the report's charts inlined as SVG
 * after the sections they illustrate.  Inline CSS only: no scripts, no
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

#include "render/charts.h"
#include "util/buf.h"

/* Append the page for `markdown` with `charts` (may be NULL) to `out`.
 * A chart goes right after the "## " heading whose text equals its
 * section, "" after the top heading; a chart whose section the document
 * lacks goes at the end.  The page's <title> is the first heading's text. */
void mp_render_html(const char *markdown, const mp_chart_set *charts, mp_buf *out);

#endif
