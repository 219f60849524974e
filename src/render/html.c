/* html.c - one self-contained HTML page: its frame (head, style, footer),
 * escaping and chart placement, and the Markdown reports turned into it; see
 * html.h. */
#include "render/html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "render/svg.h"

#ifndef MLXPLAN_VERSION
#define MLXPLAN_VERSION "dev"
#endif

static const char css[] =
    "body{font-family:-apple-system,'Segoe UI','DejaVu Sans',Helvetica,Arial,sans-serif;"
    "max-width:1120px;margin:20px auto;padding:0 16px;color:#1a1a1a;background:#fff;"
    "line-height:1.45;font-size:15px}\n"
    "h1{font-size:1.55em;border-bottom:2px solid #333;padding-bottom:4px;margin:0 0 12px}\n"
    "h2{font-size:1.25em;border-bottom:1px solid #bbb;padding-bottom:2px;margin:1.4em 0 .6em}\n"
    "h3{font-size:1.05em}\n"
    "table{border-collapse:collapse;margin:6px 0 14px}\n"
    "th,td{border:1px solid #c8c8c8;padding:3px 9px;vertical-align:top}\n"
    "th{background:#f0f0f0;text-align:left}\n"
    ".r{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code,pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.9em}\n"
    "code{background:#f3f3f3;padding:0 3px}\n"
    "pre{background:#f6f6f6;border:1px solid #ddd;padding:10px;overflow-x:auto}\n"
    "pre code{background:none;padding:0}\n"
    "figure{margin:10px 0 18px}\n"
    "figure svg{display:block;max-width:100%;height:auto;border:1px solid #d6d6d6}\n"
    "ul,ol{padding-left:1.6em}\n"
    "ul.todo{list-style:none;padding-left:1.2em}\n"
    "ul.todo li::before{content:\"\\2610\\00a0\"}\n"
    "footer{margin-top:2em;color:#666;font-size:.85em;border-top:1px solid #ddd}\n"
    "@media print{body{max-width:none}figure,table,pre{break-inside:avoid}}\n";

/* s[0..n) as HTML text or attribute value: & < > " escaped, control
 * characters other than tab and newline dropped. */
static void esc_n(mp_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': mp_buf_puts(out, "&amp;"); break;
        case '<': mp_buf_puts(out, "&lt;"); break;
        case '>': mp_buf_puts(out, "&gt;"); break;
        case '"': mp_buf_puts(out, "&quot;"); break;
        default:
            if ((unsigned char)s[i] >= 0x20 || s[i] == '\t' || s[i] == '\n')
                mp_buf_putc(out, s[i]);
        }
    }
}

static const char *find_n(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return s + i;
    return NULL;
}

/* A link target the page may carry: a relative path, or http(s).  Anything
 * else with a scheme ("javascript:", "file:", "data:") is dropped. */
static bool safe_href(const char *s, size_t n)
{
    if (n >= 8 && strncmp(s, "https://", 8) == 0)
        return true;
    if (n >= 7 && strncmp(s, "http://", 7) == 0)
        return true;
    for (size_t i = 0; i < n && s[i] != '/' && s[i] != '?' && s[i] != '#'; i++)
        if (s[i] == ':')
            return false;
    return n > 0;
}

#define INLINE_DEPTH 4

/* **bold**, `code` and [text](link); everything else escaped.  Nesting
 * deeper than INLINE_DEPTH is written as text (bounded recursion on any
 * input). */
static void inline_md(mp_buf *out, const char *s, size_t n, int depth)
{
    size_t i = 0;
    while (i < n) {
        const char *rest = s + i;
        size_t left = n - i;
        if (rest[0] == '`') {
            const char *end = find_n(rest + 1, left - 1, "`");
            if (end) {
                mp_buf_puts(out, "<code>");
                esc_n(out, rest + 1, (size_t)(end - rest - 1));
                mp_buf_puts(out, "</code>");
                i += (size_t)(end - rest) + 1;
                continue;
            }
        } else if (depth < INLINE_DEPTH && left > 4 && rest[0] == '*' && rest[1] == '*') {
            const char *end = find_n(rest + 2, left - 2, "**");
            if (end && end > rest + 2) {
                mp_buf_puts(out, "<strong>");
                inline_md(out, rest + 2, (size_t)(end - rest - 2), depth + 1);
                mp_buf_puts(out, "</strong>");
                i += (size_t)(end - rest) + 2;
                continue;
            }
        } else if (depth < INLINE_DEPTH && rest[0] == '[') {
            const char *mid = find_n(rest, left, "](");
            const char *end = mid ? find_n(mid, left - (size_t)(mid - rest), ")") : NULL;
            if (mid && end) {
                const char *href = mid + 2;
                size_t hn = (size_t)(end - href);
                if (hn >= 2 && href[0] == '<' && href[hn - 1] == '>')
                    href++, hn -= 2; /* [t](<path with spaces>) */
                bool link = safe_href(href, hn);
                if (link) {
                    mp_buf_puts(out, "<a href=\"");
                    esc_n(out, href, hn);
                    mp_buf_puts(out, "\">");
                }
                inline_md(out, rest + 1, (size_t)(mid - rest - 1), depth + 1);
                if (link)
                    mp_buf_puts(out, "</a>");
                i += (size_t)(end - rest) + 1;
                continue;
            }
        }
        esc_n(out, rest, 1);
        i++;
    }
}

/* ---- lines ----------------------------------------------------------------------------- */

typedef struct line {
    const char *s;
    size_t n;
} line;

static bool starts(const line *l, const char *p)
{
    size_t k = strlen(p);
    return l->n >= k && memcmp(l->s, p, k) == 0;
}

static bool blank(const line *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (!isspace((unsigned char)l->s[i]))
            return false;
    return true;
}

/* "12. item": the length of the "12. " prefix, or 0. */
static size_t ordered_prefix(const line *l)
{
    size_t i = 0;
    while (i < l->n && i < 6 && isdigit((unsigned char)l->s[i]))
        i++;
    if (i == 0 || i + 1 >= l->n || l->s[i] != '.' || l->s[i + 1] != ' ')
        return 0;
    return i + 2;
}

static bool is_table_row(const line *l)
{
    return l->n >= 2 && l->s[0] == '|';
}

static bool is_heading(const line *l)
{
    return starts(l, "# ") || starts(l, "## ") || starts(l, "### ");
}

/* A line that starts a block other than a paragraph. */
static bool block_start(const line *l)
{
    return blank(l) || is_heading(l) || starts(l, "```") || is_table_row(l) || starts(l, "- ") ||
           ordered_prefix(l) > 0;
}

/* Split "| a | b |" into trimmed cells; returns the count (at most max). */
static int table_cells(const line *l, line *cells, int max)
{
    size_t a = 0, b = l->n;
    while (b > a && (l->s[b - 1] == ' ' || l->s[b - 1] == '\r'))
        b--;
    if (a < b && l->s[a] == '|')
        a++;
    if (b > a && l->s[b - 1] == '|')
        b--;
    int n = 0;
    while (a <= b && n < max) {
        size_t e = a;
        while (e < b && l->s[e] != '|')
            e++;
        size_t x = a, y = e;
        while (x < y && l->s[x] == ' ')
            x++;
        while (y > x && l->s[y - 1] == ' ')
            y--;
        cells[n++] = (line){l->s + x, y - x};
        a = e + 1;
    }
    return n;
}

#define MAX_CELLS 16

static void table_html(mp_buf *out, const line *rows, size_t nrows)
{
    line cells[MAX_CELLS], align[MAX_CELLS];
    int na = nrows > 1 ? table_cells(&rows[1], align, MAX_CELLS) : 0;
    bool right[MAX_CELLS] = {false};
    for (int c = 0; c < na; c++)
        right[c] = align[c].n > 0 && align[c].s[align[c].n - 1] == ':';
    mp_buf_puts(out, "<table>\n");
    for (size_t r = 0; r < nrows; r++) {
        if (r == 1)
            continue; /* the alignment row */
        int nc = table_cells(&rows[r], cells, MAX_CELLS);
        mp_buf_puts(out, r == 0 ? "<thead><tr>" : "<tr>");
        for (int c = 0; c < nc; c++) {
            const char *tag = r == 0 ? "th" : "td";
            mp_buf_printf(out, "<%s%s>", tag, c < MAX_CELLS && right[c] ? " class=\"r\"" : "");
            inline_md(out, cells[c].s, cells[c].n, 0);
            mp_buf_printf(out, "</%s>", tag);
        }
        mp_buf_puts(out, r == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n");
    }
    mp_buf_puts(out, nrows > 0 ? "</tbody></table>\n" : "</table>\n");
}

static void figure(mp_buf *out, const mp_chart *c)
{
    if (!c->svg.len)
        return; /* a chart with nothing to draw */
    mp_buf_printf(out, "<figure id=\"chart-%s\">\n", c->name);
    mp_buf_puts(out, mp_buf_cstr(&c->svg));
    mp_buf_puts(out, "</figure>\n");
}

static void charts_for(mp_buf *out, const mp_chart_set *cs, bool *placed, const char *section,
                       size_t n)
{
    for (int i = 0; cs && i < cs->n; i++) {
        const char *sec = cs->items[i].section;
        if (!placed[i] && strlen(sec) == n && memcmp(sec, section, n) == 0) {
            figure(out, &cs->items[i]);
            placed[i] = true;
        }
    }
}

void mp_html_esc(mp_buf *out, const char *s)
{
    if (s)
        esc_n(out, s, strlen(s));
}

void mp_html_charts(mp_buf *out, const mp_chart_set *charts, bool *placed, const char *section)
{
    charts_for(out, charts, placed, section, strlen(section));
}

/* The page up to <main>: head, style and the <title> (title[0..n) escaped). */
static void page_open(mp_buf *out, const char *title, size_t n)
{
    mp_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"mlxplan " MLXPLAN_VERSION "\">\n<title>");
    esc_n(out, title, n);
    mp_buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
}

void mp_html_open(mp_buf *out, const char *title)
{
    page_open(out, title, strlen(title));
}

void mp_html_close(mp_buf *out, const mp_chart_set *charts, const bool *placed)
{
    /* charts whose section the document lacks */
    for (int k = 0; charts && k < charts->n; k++)
        if (!placed[k])
            figure(out, &charts->items[k]);
    mp_buf_puts(out, "</main>\n<footer><p>Written by mlxplan " MLXPLAN_VERSION
                     ", offline. Every figure is an estimate with the error band stated in the "
                     "text.</p></footer>\n</body>\n</html>\n");
}

/* A heading's text without inline markup characters (for <title>). */
static void title_text(const line *l, size_t skip, mp_buf *out)
{
    for (size_t i = skip; i < l->n; i++)
        if (l->s[i] != '*' && l->s[i] != '`')
            mp_buf_putc(out, l->s[i]);
}

void mp_render_html(const char *markdown, const mp_chart_set *charts, mp_buf *out)
{
    /* split into lines once */
    size_t cap = 1;
    for (const char *p = markdown; *p; p++)
        cap += *p == '\n';
    line *ls = calloc(cap, sizeof *ls);
    if (!ls) {
        out->oom = true;
        return;
    }
    size_t nl = 0;
    for (const char *p = markdown; *p && nl < cap;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        ls[nl++] = (line){p, n};
        p += n + (e ? 1 : 0);
    }
    bool placed[MP_CHARTS_MAX] = {false};

    mp_buf title = MP_BUF_INIT;
    for (size_t i = 0; i < nl; i++)
        if (starts(&ls[i], "# ")) {
            title_text(&ls[i], 2, &title);
            break;
        }
    if (mp_buf_status(&title))
        out->oom = true;
    page_open(out, mp_buf_cstr(&title), title.len);
    mp_buf_release(&title);

    size_t i = 0;
    while (i < nl) {
        line *l = &ls[i];
        if (blank(l)) {
            i++;
        } else if (starts(l, "```")) {
            mp_buf_puts(out, "<pre><code>");
            for (i++; i < nl && !starts(&ls[i], "```"); i++) {
                esc_n(out, ls[i].s, ls[i].n);
                mp_buf_putc(out, '\n');
            }
            mp_buf_puts(out, "</code></pre>\n");
            i++;
        } else if (is_heading(l)) {
            int level = l->s[1] == ' ' ? 1 : l->s[2] == ' ' ? 2 : 3;
            mp_buf_printf(out, "<h%d>", level);
            inline_md(out, l->s + level + 1, l->n - (size_t)level - 1, 0);
            mp_buf_printf(out, "</h%d>\n", level);
            if (level == 1)
                charts_for(out, charts, placed, "", 0);
            else if (level == 2)
                charts_for(out, charts, placed, l->s + 3, l->n - 3);
            i++;
        } else if (is_table_row(l)) {
            size_t j = i;
            while (j < nl && is_table_row(&ls[j]))
                j++;
            table_html(out, ls + i, j - i);
            i = j;
        } else if (starts(l, "- ") || ordered_prefix(l)) {
            bool ordered = !starts(l, "- ");
            mp_buf_puts(out, ordered ? "<ol>\n" : "<ul>\n");
            while (i < nl && (ordered ? ordered_prefix(&ls[i]) > 0 : starts(&ls[i], "- "))) {
                size_t k = ordered ? ordered_prefix(&ls[i]) : 2;
                mp_buf_puts(out, "<li>");
                inline_md(out, ls[i].s + k, ls[i].n - k, 0);
                mp_buf_puts(out, "</li>\n");
                i++;
            }
            mp_buf_puts(out, ordered ? "</ol>\n" : "</ul>\n");
        } else {
            mp_buf_puts(out, "<p>");
            inline_md(out, l->s, l->n, 0);
            for (i++; i < nl && !block_start(&ls[i]); i++) {
                mp_buf_putc(out, '\n');
                inline_md(out, ls[i].s, ls[i].n, 0);
            }
            mp_buf_puts(out, "</p>\n");
        }
    }
    mp_html_close(out, charts, placed);
    free(ls);
}
