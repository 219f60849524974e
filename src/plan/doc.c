/* doc.c - block builders for plan sections; see doc.h. */
#include "plan/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/fmt.h"

enum { BLOCK_CAP = 512 };

mp_block *mp_doc_block(mp_plan *p, int sec, mp_blk_kind kind)
{
    mp_section *s = &p->sections[sec];
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        mp_block *nb = mp_arena_alloc(p->arena, (size_t)cap * sizeof *nb);
        if (!nb)
            return NULL;
        if (s->n)
            memcpy(nb, s->blocks, (size_t)s->n * sizeof *nb);
        s->blocks = nb;
        s->cap = cap;
    }
    mp_block *b = &s->blocks[s->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->items = mp_arena_alloc(p->arena, BLOCK_CAP * sizeof *b->items);
    return b;
}

static void add_item(mp_plan *p, mp_block *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void add_item(mp_plan *p, mp_block *b, const char *fmt, va_list ap)
{
    if (!b || !b->items || b->n >= BLOCK_CAP)
        return;
    char *s = mp_arena_vprintf(p->arena, fmt, ap);
    if (s)
        b->items[b->n++] = s;
}

void mp_doc_add(mp_plan *p, mp_block *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_item(p, b, fmt, ap);
    va_end(ap);
}

void mp_doc_para(mp_plan *p, int sec, const char *fmt, ...)
{
    mp_block *b = mp_doc_block(p, sec, MP_BLK_PARA);
    va_list ap;
    va_start(ap, fmt);
    add_item(p, b, fmt, ap);
    va_end(ap);
}

void mp_doc_code(mp_plan *p, int sec, const char *lang, const char *path, const char *text)
{
    mp_block *b = mp_doc_block(p, sec, MP_BLK_CODE);
    if (!b)
        return;
    b->lang = mp_arena_strdup(p->arena, lang);
    b->path = path ? mp_arena_strdup(p->arena, path) : NULL;
    mp_doc_add(p, b, "%s", text);
}

static void split_cells(mp_plan *p, mp_block *t, const char *line)
{
    const char *c = line;
    for (int i = 0; i < t->ncols; i++) {
        size_t n = c ? strcspn(c, "\t") : 0;
        mp_doc_add(p, t, "%.*s", (int)n, c ? c : "");
        if (c)
            c = c[n] == '\t' ? c + n + 1 : NULL;
    }
}

mp_block *mp_doc_table(mp_plan *p, int sec, int ncols, const char *header)
{
    mp_block *t = mp_doc_block(p, sec, MP_BLK_TABLE);
    if (!t)
        return NULL;
    t->ncols = ncols;
    split_cells(p, t, header);
    return t;
}

void mp_doc_row(mp_plan *p, mp_block *t, const char *fmt, ...)
{
    if (!t)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *line = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    if (line)
        split_cells(p, t, line);
}

void mp_doc_number(mp_plan *p, const char *name, double value, const char *unit, const char *basis)
{
    for (int i = 0; i < p->n_numbers; i++)
        if (strcmp(p->numbers[i].name, name) == 0)
            return; /* the first decision owns the name */
    if (p->n_numbers >= MP_PLAN_MAX_NUMBERS)
        return;
    mp_plan_number *n = &p->numbers[p->n_numbers++];
    n->name = mp_arena_strdup(p->arena, name);
    n->value = value;
    n->unit = mp_arena_strdup(p->arena, unit);
    n->basis = mp_arena_strdup(p->arena, basis);
}

void mp_doc_question(mp_plan *p, const char *fmt, ...)
{
    if (p->n_questions >= 16)
        return;
    va_list ap;
    va_start(ap, fmt);
    p->questions[p->n_questions++] = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
}

void mp_doc_assume(mp_plan *p, const char *fmt, ...)
{
    if (p->n_assumptions >= 16)
        return;
    va_list ap;
    va_start(ap, fmt);
    p->assumptions[p->n_assumptions++] = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
}

const char *mp_doc_str(mp_plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    return s ? s : "";
}

const char *mp_doc_rate(mp_plan *p, double tok_s)
{
    char b[32];
    mp_fmt_rate(tok_s, b, sizeof b);
    return mp_doc_str(p, "%s", b);
}

const char *mp_doc_gib(mp_plan *p, double bytes)
{
    char b[32];
    mp_fmt_gib(bytes, b, sizeof b);
    return mp_doc_str(p, "%s GiB", b);
}

const char *mp_doc_count(mp_plan *p, double n)
{
    char b[40];
    mp_fmt_count(n, b, sizeof b);
    return mp_doc_str(p, "%s", b);
}

const char *mp_doc_dur(mp_plan *p, double s)
{
    char b[40];
    mp_fmt_duration(s, b, sizeof b);
    return mp_doc_str(p, "%s", b);
}

const char *mp_doc_quant(mp_plan *p, const mp_quant *q)
{
    char b[64];
    mp_quant_label(q, b, sizeof b);
    return mp_doc_str(p, "%s", b);
}
