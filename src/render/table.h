/*
 * table.h - aligned Markdown tables.  Cells are copied; widths are computed
 * on output so columns line up in a terminal and render as a table in any
 * Markdown viewer.  Column widths count UTF-8 code points.
 */
#ifndef MP_RENDER_TABLE_H
#define MP_RENDER_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define MP_TABLE_MAX_COLS 12

typedef struct mp_table {
    int ncols;
    bool right[MP_TABLE_MAX_COLS]; /* right-align (numbers) */
    char **cells;                  /* row-major, nrows * ncols */
    size_t nrows, cap;
    bool oom;
} mp_table;

/* `header` holds ncols names; a leading '>' in a name right-aligns that
 * column (the '>' is not printed). */
void mp_table_init(mp_table *t, int ncols, const char *const *header);
/* Add a row of ncols cells (NULL prints as empty). */
void mp_table_row(mp_table *t, const char *const *cells);
/* Add a row from printf-style cells separated by '\t' in one format. */
void mp_table_rowf(mp_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mp_table_write(const mp_table *t, mp_buf *out);
void mp_table_release(mp_table *t);

#endif
