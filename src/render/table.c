/* table.c - aligned Markdown tables; see table.h. */
#include "render/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

static void push_cell(mp_table *t, const char *s)
{
    if (t->oom)
        return;
    size_t need = (t->nrows + 1) * (size_t)t->ncols;
    if (need > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : (size_t)t->ncols * 16;
        while (cap < need)
            cap *= 2;
        char **p = realloc(t->cells, cap * sizeof *p);
        if (!p) {
            t->oom = true;
            return;
        }
        t->cells = p;
        t->cap = cap;
    }
    (void)s;
}

void mp_table_init(mp_table *t, int ncols, const char *const *header)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols > MP_TABLE_MAX_COLS ? MP_TABLE_MAX_COLS : ncols;
    const char *h[MP_TABLE_MAX_COLS];
    for (int c = 0; c < t->ncols; c++) {
        t->right[c] = header[c][0] == '>';
        h[c] = header[c] + (t->right[c] ? 1 : 0);
    }
    mp_table_row(t, h);
}

void mp_table_row(mp_table *t, const char *const *cells)
{
    push_cell(t, NULL);
    if (t->oom)
        return;
    for (int c = 0; c < t->ncols; c++) {
        char *s = mp_strdup(cells[c] ? cells[c] : "");
        if (!s) {
            t->oom = true;
            for (int k = 0; k < c; k++)
                free(t->cells[t->nrows * (size_t)t->ncols + (size_t)k]);
            return;
        }
        /* a '|' inside a cell would break the table */
        for (char *p = s; *p; p++)
            if (*p == '|' || *p == '\n')
                *p = *p == '|' ? '/' : ' ';
        t->cells[t->nrows * (size_t)t->ncols + (size_t)c] = s;
    }
    t->nrows++;
}

void mp_table_rowf(mp_table *t, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    const char *cells[MP_TABLE_MAX_COLS] = {0};
    char *p = line;
    for (int c = 0; c < t->ncols; c++) {
        cells[c] = p;
        char *tab = p ? strchr(p, '\t') : NULL;
        if (tab) {
            *tab = '\0';
            p = tab + 1;
        } else {
            p = NULL;
        }
    }
    mp_table_row(t, cells);
}

static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

void mp_table_write(const mp_table *t, mp_buf *out)
{
    if (t->oom || t->nrows == 0)
        return;
    size_t w[MP_TABLE_MAX_COLS] = {0};
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            size_t n = width(t->cells[r * (size_t)t->ncols + (size_t)c]);
            if (n > w[c])
                w[c] = n;
        }
    for (int c = 0; c < t->ncols; c++)
        if (w[c] < 3)
            w[c] = 3;
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * (size_t)t->ncols + (size_t)c];
            size_t pad = w[c] - width(s);
            mp_buf_puts(out, c == 0 ? "| " : " | ");
            if (t->right[c])
                mp_buf_repeat(out, ' ', pad);
            mp_buf_puts(out, s);
            if (!t->right[c] && c + 1 < t->ncols)
                mp_buf_repeat(out, ' ', pad);
            else if (!t->right[c])
                mp_buf_repeat(out, ' ', pad);
        }
        mp_buf_puts(out, " |\n");
        if (r == 0) {
            for (int c = 0; c < t->ncols; c++) {
                mp_buf_puts(out, c == 0 ? "|" : "|");
                mp_buf_repeat(out, '-', w[c] + 1);
                mp_buf_putc(out, t->right[c] ? ':' : '-');
            }
            mp_buf_puts(out, "|\n");
        }
    }
}

void mp_table_release(mp_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}
