/*
 * doc.h - helpers that append blocks to a plan's sections (all memory in
 * the plan's arena).  Internal to the planner.
 *
 * Writers format items with printf as they read; the text may carry
 * Markdown's **emphasis** and `code`, and numbers made by mp_doc_value.  Each
 * item is stored as typed spans (plan.h), so the renderers, not the writers,
 * choose the markup: the Markdown of the spans is the formatted text again,
 * byte for byte.
 */
#ifndef MP_PLAN_DOC_H
#define MP_PLAN_DOC_H

#include "plan/plan.h"

/* Start a block in section `sec`; items are appended with mp_doc_add. */
mp_block *mp_doc_block(mp_plan *p, int sec, mp_blk_kind kind);
/* Append one formatted item to a block (a table cell for tables). */
void mp_doc_add(mp_plan *p, mp_block *b, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append an item made before (an assumption, a question). */
void mp_doc_add_item(mp_plan *p, mp_block *b, const mp_item *it);
/* A paragraph. */
void mp_doc_para(mp_plan *p, int sec, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A code block with its language and target file (may be NULL); the text is
 * kept as it is (no spans). */
void mp_doc_code(mp_plan *p, int sec, const char *lang, const char *path, const char *text);
/* A table with `ncols` columns; header cells separated by '\t'. */
mp_block *mp_doc_table(mp_plan *p, int sec, int ncols, const char *header);
/* A table row: cells separated by '\t'. */
void mp_doc_row(mp_plan *p, mp_block *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A key number (also shown in the summary's JSON); the first of a name wins. */
void mp_doc_number(mp_plan *p, const char *name, double value, const char *unit, mp_label label,
                   const char *basis);
/* A number to print: returns `text` (as it is to read, "18.8 GiB") marked so
 * that the item it is formatted into keeps `value` in `unit` (NULL: the unit
 * is the word after it in the item, "tok/s", "tokens", "h", ...).  When the
 * value is one of the key numbers of that unit, the span takes its name,
 * label and basis.  Put the result only into items (mp_doc_add, _para, _row,
 * _question, _assume); mp_doc_plain removes the marks elsewhere. */
const char *mp_doc_value(mp_plan *p, double value, const char *unit, const char *text);
/* `s` without the marks of mp_doc_value (a copy in the arena; "" when out of memory). */
const char *mp_doc_plain(mp_plan *p, const char *s);
void mp_doc_question(mp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mp_doc_assume(mp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text in the plan's arena for the flows' sentences ("" when the arena is
 * out of memory, which mp_plan_build reports): printf. */
const char *mp_doc_str(mp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number printed with printf's `fmt` and kept typed: mp_doc_value of the
 * text with `value` in `unit` (the base unit: bytes, s; NULL: the word after
 * it).  Like mp_doc_value, only for items. */
const char *mp_doc_fig(mp_plan *p, double value, const char *unit, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A whole number ("%lld") in `unit` ("tokens", "iterations", ...). */
const char *mp_doc_int(mp_plan *p, long long n, const char *unit);
/* The figures as every renderer prints them (util/fmt.h), typed as
 * mp_doc_value (the unit of rate and count is the word after them): */
const char *mp_doc_rate(mp_plan *p, double tok_s);    /* "35.2" */
const char *mp_doc_gib(mp_plan *p, double bytes);     /* "5.73 GiB", bytes */
const char *mp_doc_margin(mp_plan *p, double bytes);  /* "35 MiB" under 1 GiB, else "1.2 GiB" */
const char *mp_doc_gb(mp_plan *p, double bytes);      /* "17.95 GB" (decimal, as mlx prints
                                                        * peak memory), bytes */
const char *mp_doc_count(mp_plan *p, double n);       /* "8,192" */
const char *mp_doc_dur(mp_plan *p, double s);         /* "42 min", s */
const char *mp_doc_params(mp_plan *p, double n);      /* "8.19B", parameters */
const char *mp_doc_secs(mp_plan *p, double s);        /* "1.5 s", s */
const char *mp_doc_ms(mp_plan *p, double ms);         /* "12.3 ms", kept in s */
const char *mp_doc_tflops(mp_plan *p, double flop_s); /* "14.2 TFLOPS", FLOP/s */
/* Not a number: plain text. */
const char *mp_doc_quant(mp_plan *p, const mp_quant *q); /* "affine 4-bit g64" */

#endif
