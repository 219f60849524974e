/* doc.c - block builders for plan sections: formatted text into typed
 * spans; see doc.h. */
#include "plan/doc.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"

enum { BLOCK_CAP = 512 };

/* The marks around a number of mp_doc_value: OPEN index MID text CLOSE.
 * Control characters: no text a writer prints holds them. */
#define MARK_OPEN '\x01'
#define MARK_MID '\x02'
#define MARK_CLOSE '\x03'

const char *mp_label_name(mp_label l)
{
    static const char *const names[] = {NULL, "estimated", "calibrated", "measured", "input"};
    return l <= MP_LABEL_INPUT ? names[l] : NULL;
}

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

const char *mp_doc_value(mp_plan *p, double value, const char *unit, const char *text)
{
    if (p->n_values == p->cap_values) {
        int cap = p->cap_values ? p->cap_values * 2 : 64;
        mp_value **nv = mp_arena_alloc(p->arena, (size_t)cap * sizeof *nv);
        if (!nv)
            return text;
        if (p->n_values)
            memcpy(nv, p->values, (size_t)p->n_values * sizeof *nv);
        p->values = nv;
        p->cap_values = cap;
    }
    mp_value *v = mp_arena_alloc(p->arena, sizeof *v);
    if (!v)
        return text;
    memset(v, 0, sizeof *v);
    v->value = value;
    v->unit = unit;
    p->values[p->n_values] = v;
    char *s = mp_arena_printf(p->arena, "%c%d%c%s%c", MARK_OPEN, p->n_values, MARK_MID, text,
                              MARK_CLOSE);
    if (!s)
        return text;
    p->n_values++;
    return s;
}

/* The mark at `s`: its length (0 when `s` starts none), value and text. */
static size_t mark_at(const mp_plan *p, const char *s, mp_value **v, const char **text,
                      size_t *tlen)
{
    if (s[0] != MARK_OPEN || !isdigit((unsigned char)s[1]))
        return 0;
    char *end;
    long i = strtol(s + 1, &end, 10);
    if (*end != MARK_MID || i < 0 || i >= p->n_values)
        return 0;
    const char *t = end + 1;
    size_t n = strcspn(t, "\x01\x03");
    if (t[n] != MARK_CLOSE)
        return 0;
    *v = p->values[i];
    *text = t;
    *tlen = n;
    return (size_t)(t + n + 1 - s);
}

/* s[0..len) without the marks, in the arena. */
static const char *strip(mp_plan *p, const char *s, size_t len)
{
    char *out = mp_arena_alloc(p->arena, len + 1);
    if (!out)
        return "";
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        mp_value *v;
        const char *t;
        size_t tl, m = mark_at(p, s + i, &v, &t, &tl);
        if (m && i + m <= len) {
            memcpy(out + k, t, tl);
            k += tl;
            i += m;
        } else {
            out[k++] = s[i++];
        }
    }
    out[k] = '\0';
    return out;
}

const char *mp_doc_plain(mp_plan *p, const char *s)
{
    return s ? strip(p, s, strlen(s)) : "";
}

/* The unit a number takes from the word after it ("24.2 tok/s"). */
static const char *unit_after(const char *s)
{
    static const struct {
        const char *suffix, *unit;
    } units[] = {{" tok/s", "tok/s"},       {" it/s", "it/s"},   {" tokens", "tokens"},
                 {"-token", "tokens"},      {" GB/s", "GB/s"},   {" GB", "GB"},
                 {" h", "h"},               {" iterations", "iterations"},
                 {" requests", "requests"}, {" examples", "examples"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i].suffix);
        if (strncmp(s, units[i].suffix, n) == 0 && !isalnum((unsigned char)s[n]) && s[n] != '/')
            return units[i].unit;
    }
    return NULL;
}

/* A value that is one of the key numbers takes its name, label and basis.
 * Only units whose values do not meet by chance: two counts of tokens or
 * requests may be equal without being the same number. */
static void name_value(const mp_plan *p, mp_value *v)
{
    if (!v->unit || v->name || strcmp(v->unit, "tokens") == 0 || strcmp(v->unit, "requests") == 0)
        return;
    bool bytes = strcmp(v->unit, "bytes") == 0;
    for (int i = 0; i < p->n_numbers; i++) {
        const mp_plan_number *n = &p->numbers[i];
        if (strcmp(n->unit, v->unit) != 0)
            continue;
        /* byte counts are kept whole (floor) */
        if (fabs(n->value - v->value) <= (bytes ? 1.0 : 1e-9 * fabs(v->value))) {
            v->name = n->name;
            v->label = n->label;
            v->basis = n->basis;
            return;
        }
    }
}

/* The writers print the error band of a number as "+/-N%" (N whole or
 * decimal): its length at `s` (0 when none) and N. */
#define BAND_BASIS                                                                      \
    "error band of the estimate (data/calibration/error-bands.tsv: leave-one-source-out " \
    "errors against measured runs)"
static size_t band_at(const char *s, double *pct)
{
    if (strncmp(s, "+/-", 3) != 0 || !isdigit((unsigned char)s[3]))
        return 0;
    size_t n = 3;
    while (isdigit((unsigned char)s[n]) || (s[n] == '.' && isdigit((unsigned char)s[n + 1])))
        n++;
    if (s[n] != '%')
        return 0;
    *pct = strtod(s + 3, NULL);
    return n + 1;
}

/* The spans of one item, in the arena; `cap` bounds them (parse). */
typedef struct spans {
    mp_span *v;
    int n, cap;
} spans;

static void push(spans *sp, mp_span_kind kind, const char *text, const mp_value *val)
{
    if (sp->v && sp->n < sp->cap)
        sp->v[sp->n++] = (mp_span){kind, text, val};
}

/* The text s (with marks) as spans: **emphasis**, `code` (both closed on the
 * same item, else plain text), numbers; plain text between them. */
static mp_item parse(mp_plan *p, const char *s)
{
    size_t len = strlen(s), run = 0, i = 0;
    /* each mark, emphasis or code makes at most two spans (the text before
     * it and itself), and the text after the last one a span */
    size_t marks = 0;
    for (size_t k = 0; k < len; k++)
        marks += s[k] == '*' || s[k] == '`' || s[k] == MARK_OPEN || s[k] == '%';
    spans sp = {NULL, 0, (int)(2 * marks + 1)};
    sp.v = mp_arena_alloc(p->arena, (size_t)sp.cap * sizeof *sp.v);
#define FLUSH()                                                                   \
    do {                                                                          \
        if (i > run)                                                              \
            push(&sp, MP_SPAN_TEXT, strip(p, s + run, i - run), NULL);         \
    } while (0)
    while (i < len) {
        const char *close;
        mp_value *v;
        const char *t;
        double bv;
        size_t tl, m;
        if (s[i] == '*' && s[i + 1] == '*' && (close = strstr(s + i + 2, "**")) != NULL) {
            FLUSH();
            push(&sp, MP_SPAN_STRONG, strip(p, s + i + 2, (size_t)(close - s - i - 2)), NULL);
            i = run = (size_t)(close + 2 - s);
        } else if (s[i] == '`' && (close = strchr(s + i + 1, '`')) != NULL) {
            FLUSH();
            push(&sp, MP_SPAN_CODE, strip(p, s + i + 1, (size_t)(close - s - i - 1)), NULL);
            i = run = (size_t)(close + 1 - s);
        } else if ((m = mark_at(p, s + i, &v, &t, &tl)) != 0) {
            FLUSH();
            char *text = mp_arena_alloc(p->arena, tl + 1);
            if (text) {
                memcpy(text, t, tl);
                text[tl] = '\0';
            }
            i = run = i + m;
            if (!v->unit)
                v->unit = unit_after(s + i);
            name_value(p, v);
            push(&sp, MP_SPAN_VALUE, text ? text : "", v);
        } else if ((m = band_at(s + i, &bv)) != 0) {
            /* "+/-45%": the error band of a number, as a number */
            FLUSH();
            mp_value *band = mp_arena_alloc(p->arena, sizeof *band);
            char *text = mp_arena_alloc(p->arena, m + 1);
            if (band && text) {
                *band = (mp_value){bv, "%", "error_band_pct", MP_LABEL_CALIBRATED, BAND_BASIS};
                memcpy(text, s + i, m);
                text[m] = '\0';
                push(&sp, MP_SPAN_VALUE, text, band);
            }
            i = run = i + m;
        } else {
            i++;
        }
    }
    FLUSH();
#undef FLUSH
    /* "3,543 -> 2,829 tok/s": the number before the arrow has the unit after it */
    for (int k = sp.n - 3; k >= 0; k--) {
        mp_value *from = (mp_value *)sp.v[k].value;
        const mp_value *to = sp.v[k + 2].value;
        if (sp.v[k].kind == MP_SPAN_VALUE && !from->unit && sp.v[k + 1].kind == MP_SPAN_TEXT &&
            strcmp(sp.v[k + 1].text, " -> ") == 0 && sp.v[k + 2].kind == MP_SPAN_VALUE &&
            to->unit && strcmp(to->unit, "%") != 0) {
            from->unit = to->unit;
            name_value(p, from);
        }
    }
    return (mp_item){sp.n, sp.v};
}

void mp_doc_add_item(mp_plan *p, mp_block *b, const mp_item *it)
{
    (void)p;
    if (b && b->items && b->n < BLOCK_CAP)
        b->items[b->n++] = *it;
}

static void add_item(mp_plan *p, mp_block *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void add_item(mp_plan *p, mp_block *b, const char *fmt, va_list ap)
{
    if (!b || !b->items || b->n >= BLOCK_CAP)
        return;
    char *s = mp_arena_vprintf(p->arena, fmt, ap);
    if (s)
        b->items[b->n++] = parse(p, s);
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
    if (!b || !b->items)
        return;
    b->lang = mp_arena_strdup(p->arena, lang);
    b->path = path ? mp_arena_strdup(p->arena, path) : NULL;
    mp_span *sp = mp_arena_alloc(p->arena, sizeof *sp);
    if (!sp)
        return;
    *sp = (mp_span){MP_SPAN_TEXT, mp_doc_plain(p, text), NULL};
    b->items[b->n++] = (mp_item){1, sp};
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

void mp_doc_number(mp_plan *p, const char *name, double value, const char *unit, mp_label label,
                   const char *basis)
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
    n->label = label;
    n->basis = mp_arena_strdup(p->arena, basis);
}

void mp_doc_question(mp_plan *p, const char *fmt, ...)
{
    if (p->n_questions >= 16)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    if (!s)
        return;
    p->question_items[p->n_questions] = parse(p, s);
    p->questions[p->n_questions++] = mp_doc_plain(p, s);
}

void mp_doc_assume(mp_plan *p, const char *fmt, ...)
{
    if (p->n_assumptions >= 16)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    if (!s)
        return;
    p->assumption_items[p->n_assumptions] = parse(p, s);
    p->assumptions[p->n_assumptions++] = mp_doc_plain(p, s);
}

const char *mp_doc_str(mp_plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    return s ? s : "";
}

const char *mp_doc_fig(mp_plan *p, double value, const char *unit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = mp_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    return s ? mp_doc_value(p, value, unit, s) : "";
}

const char *mp_doc_int(mp_plan *p, long long n, const char *unit)
{
    return mp_doc_fig(p, (double)n, unit, "%lld", n);
}

const char *mp_doc_rate(mp_plan *p, double tok_s)
{
    char b[32];
    mp_fmt_rate(tok_s, b, sizeof b);
    return mp_doc_fig(p, tok_s, NULL, "%s", b);
}

const char *mp_doc_gib(mp_plan *p, double bytes)
{
    char b[32];
    mp_fmt_gib(bytes, b, sizeof b);
    return mp_doc_fig(p, bytes, "bytes", "%s GiB", b);
}

const char *mp_doc_margin(mp_plan *p, double bytes)
{
    char b[32];
    mp_fmt_margin(bytes, b, sizeof b);
    return mp_doc_fig(p, bytes, "bytes", "%s", b);
}

const char *mp_doc_gb(mp_plan *p, double bytes)
{
    return mp_doc_fig(p, bytes, "bytes", "%.2f GB", bytes / 1e9);
}

const char *mp_doc_count(mp_plan *p, double n)
{
    char b[40];
    mp_fmt_count(n, b, sizeof b);
    return mp_doc_fig(p, n, NULL, "%s", b);
}

const char *mp_doc_dur(mp_plan *p, double s)
{
    char b[40];
    mp_fmt_duration(s, b, sizeof b);
    return mp_doc_fig(p, s, "s", "%s", b);
}

const char *mp_doc_secs(mp_plan *p, double s)
{
    return mp_doc_fig(p, s, "s", "%.1f s", s);
}

const char *mp_doc_ms(mp_plan *p, double ms)
{
    return mp_doc_fig(p, ms / 1e3, "s", "%.1f ms", ms);
}

const char *mp_doc_tflops(mp_plan *p, double flop_s)
{
    return mp_doc_fig(p, flop_s, "FLOP/s", "%.1f TFLOPS", flop_s / 1e12);
}

const char *mp_doc_params(mp_plan *p, double n)
{
    char b[32];
    mp_fmt_params(n, b, sizeof b);
    return mp_doc_fig(p, n, "parameters", "%s", b);
}

const char *mp_doc_quant(mp_plan *p, const mp_quant *q)
{
    char b[64];
    mp_quant_label(q, b, sizeof b);
    return mp_doc_str(p, "%s", b);
}
