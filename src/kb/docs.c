/* docs.c - open the compiled-in docs index, search it, show one entry;
 * see docs.h. */
#include "kb/docs.h"
#include "kb/param.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/docs_index.h"
#include "kb/kb.h"
#include "util/text.h"

struct mp_docs {
    sqlite3 *db;
    sqlite3_stmt *search; /* ?1 MATCH expression, ?2 kind or -1 */
    sqlite3_stmt *count;  /* ?1 kind */
};

size_t mp_docs_index_bytes(void)
{
    return mp_docs_index_image_len;
}

void mp_docs_close(mp_docs *d)
{
    if (!d)
        return;
    sqlite3_finalize(d->search);
    sqlite3_finalize(d->count);
    sqlite3_close(d->db);
    free(d);
}

int mp_docs_open(mp_docs **out, mp_error *err)
{
    *out = NULL;
    if (mp_docs_index_image_len == 0)
        return mp_error_set(err, MP_EINTERNAL, "the docs index is missing from this build");
    mp_docs *d = calloc(1, sizeof *d);
    if (!d)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    int rc = 0;
    if (sqlite3_open_v2(":memory:", &d->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = mp_error_set(err, MP_ENOMEM, "cannot open the docs index: %s",
                          d->db ? sqlite3_errmsg(d->db) : "out of memory");
        goto fail;
    }
    /* READONLY: SQLite reads the const image in place and never writes to
     * it, so casting the qualifier away is safe and nothing is copied */
    sqlite3_int64 n = (sqlite3_int64)mp_docs_index_image_len;
    if (sqlite3_deserialize(d->db, "main", (unsigned char *)mp_docs_index_image, n, n,
                            SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
        rc = mp_error_set(err, MP_EINTERNAL, "cannot load the docs index: %s",
                          sqlite3_errmsg(d->db));
        goto fail;
    }
    static const char search_sql[] =
        "SELECT e.kind, e.row, bm25(doc, " MP_DOCS_BM25_WEIGHTS ") FROM doc, entry e"
        " WHERE doc MATCH ?1 AND e.id = doc.rowid AND (?2 < 0 OR e.kind = ?2)";
    if (sqlite3_prepare_v2(d->db, search_sql, -1, &d->search, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(d->db, "SELECT count(*) FROM entry WHERE kind = ?1", -1, &d->count,
                           NULL) != SQLITE_OK) {
        rc = mp_error_set(err, MP_EINTERNAL, "the docs index is unusable: %s",
                          sqlite3_errmsg(d->db));
        goto fail;
    }
    *out = d;
    return 0;
fail:
    mp_docs_close(d);
    return rc;
}

long mp_docs_index_count(mp_docs *d, mp_doc_kind kind)
{
    sqlite3_reset(d->count);
    sqlite3_bind_int(d->count, 1, (int)kind);
    if (sqlite3_step(d->count) != SQLITE_ROW)
        return MP_EINTERNAL;
    return (long)sqlite3_column_int64(d->count, 0);
}

/* ---- names: what the user typed against an entry's name ------------------- */

/* Copy `s` without surrounding spaces and tabs. */
static void trim_copy(const char *s, char *out, size_t cap)
{
    while (*s == ' ' || *s == '\t')
        s++;
    mp_strlcpy(out, s, cap);
    size_t n = strlen(out);
    while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        out[--n] = '\0';
}

/* The query as a name: surrounding spaces dropped, `mx.` / `nn.` / `optim.`
 * expanded, "python -m mlx_lm lora" and "mlx_lm lora" turned into
 * "mlx_lm.lora". */
static void name_form(const char *q, char *out, size_t cap)
{
    char t[MP_DOC_NAME_MAX];
    trim_copy(q, t, sizeof t);
    if (strncmp(t, "python -m ", 10) == 0)
        memmove(t, t + 10, strlen(t + 10) + 1);
    if (strncmp(t, "mlx_lm ", 7) == 0 && t[7] && t[7] != '-' && t[7] != '<')
        t[6] = '.';
    mp_kb_qualify(t, out, cap);
}

/* Whether `list` ("-m, -c" or "a|b") holds `word` as a whole item. */
static bool list_has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    if (n == 0)
        return false;
    for (const char *p = list; (p = strstr(p, word)) != NULL; p++) {
        bool start = p == list || strchr(", |", p[-1]);
        bool end = p[n] == '\0' || strchr(", |", p[n]);
        if (start && end)
            return true;
    }
    return false;
}

/* 3 exact name, 2 exact last part / dotted suffix / short flag, 1 equal when
 * folded, 0 otherwise.  `q` is the trimmed query, `qn` its name form. */
static int name_tier(mp_doc_kind kind, size_t row, const char *name, const char *leaf,
                     const char *alias, const char *q, const char *qn, const char *qfold)
{
    if (!q[0])
        return 0;
    if (strcmp(name, qn) == 0 || strcmp(name, q) == 0 || (alias[0] && strcmp(alias, q) == 0) ||
        (kind == MP_DOC_PRACTICE && mp_ieq(name, q)))
        return 3;
    if (strcmp(leaf, q) == 0)
        return 2;
    size_t nl = strlen(name), ql = strlen(qn);
    if (ql < nl && strcmp(name + nl - ql, qn) == 0 && strchr(". ", name[nl - ql - 1]))
        return 2;
    if (kind == MP_DOC_FLAG && q[0] == '-' && list_has_word(mp_cli_rows[row].aliases, q))
        return 2;
    if (qfold[0]) {
        char lf[MP_DOC_NAME_MAX];
        mp_fold(leaf, lf, sizeof lf);
        if (strcmp(lf, qfold) == 0)
            return 1;
    }
    return 0;
}

/* ---- query text -> a safe FTS5 expression -------------------------------- */

#define MAX_TOKENS 16
#define MAX_TOKEN_BYTES 48

static bool is_stopword(const char *t)
{
    static const char *const stop[] = {"a",   "an",  "the", "to",   "of",   "in",  "on",
                                       "for", "and", "or",  "with", "how",  "do",  "i",
                                       "is",  "my",  "it",  "what", "when", "can", "by"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (strcmp(t, stop[i]) == 0)
            return true;
    return false;
}

static bool word_byte(unsigned char c, bool utf8)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (utf8 && c >= 0x80);
}

/* Split the query into words: runs of ASCII letters and digits, plus the
 * bytes of multi-byte characters when the text is valid UTF-8 (they never
 * include '"', so quoting a word is enough to keep it literal).  Lower-cased;
 * at most MAX_TOKENS words, each clipped to MAX_TOKEN_BYTES on a character
 * boundary.  Filler words are dropped unless nothing else is left. */
static int tokenize(const char *q, char tok[][MAX_TOKEN_BYTES + 1])
{
    bool utf8 = mp_utf8_valid(q, strlen(q));
    int n = 0;
    const unsigned char *p = (const unsigned char *)q;
    while (n < MAX_TOKENS) {
        while (*p && !word_byte(*p, utf8))
            p++;
        if (!*p)
            break;
        size_t k = 0;
        bool clipped = false;
        for (; *p && word_byte(*p, utf8); p++) {
            if (k == MAX_TOKEN_BYTES) {
                clipped = true;
                continue;
            }
            tok[n][k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        }
        if (clipped) { /* drop a character cut in half */
            while (k && ((unsigned char)tok[n][k - 1] & 0xc0) == 0x80)
                k--;
            if (k && (unsigned char)tok[n][k - 1] >= 0xc0)
                k--;
        }
        tok[n][k] = '\0';
        if (k)
            n++;
    }
    int kept = 0;
    for (int i = 0; i < n; i++)
        kept += !is_stopword(tok[i]);
    if (kept == 0 || kept == n)
        return n;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!is_stopword(tok[i]))
            memmove(tok[m++], tok[i], MAX_TOKEN_BYTES + 1);
    return m;
}

/* "w1" OR "w2" OR "w3"*: any word may match, more matches rank higher; the
 * last word also matches as a prefix (the user may still be typing). */
static void match_expr(const char tok[][MAX_TOKEN_BYTES + 1], int n, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < n && k < cap; i++) {
        bool prefix = i == n - 1 && strlen(tok[i]) >= 2;
        k += (size_t)snprintf(out + k, cap - k, "%s\"%s\"%s", i ? " OR " : "", tok[i],
                              prefix ? "*" : "");
    }
}

/* ---- search ---------------------------------------------------------------- */

typedef struct cand {
    int kind;
    size_t row;
    double score;
    int tier;
    int depth;         /* name matches: fewer dots first, mlx.core first */
    size_t name_len;
    char name[MP_DOC_NAME_MAX];
} cand;

/* Among entries that the query names equally well, the shortest path wins
 * (mlx.nn.value_and_grad before mlx.nn.utils.value_and_grad) and mlx.core
 * (`mx.`, the namespace code uses most) before the others. */
static int name_depth(const char *name)
{
    int d = 2;
    for (const char *p = name; *p; p++)
        d += 2 * (*p == '.');
    return d - (strncmp(name, "mlx.core.", 9) == 0);
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->tier != y->tier)
        return y->tier - x->tier;
    if (x->tier > 0 && x->depth != y->depth)
        return x->depth - y->depth;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    if (x->name_len != y->name_len)
        return x->name_len < y->name_len ? -1 : 1;
    int c = strcmp(x->name, y->name);
    return c ? c : x->kind - y->kind;
}

void mp_doc_results_release(mp_doc_results *r)
{
    if (!r)
        return;
    free(r->hits);
    r->hits = NULL;
    r->n = 0;
}

/* Run the MATCH and collect every matching entry with its tier. */
static int collect(mp_docs *d, const char *expr, int kind, const char *q, const char *qn,
                   const char *qfold, cand **out, size_t *n_out, mp_error *err)
{
    size_t n = 0, cap = 0;
    cand *v = NULL;
    int rc = 0, st;
    sqlite3_reset(d->search);
    sqlite3_bind_text(d->search, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int(d->search, 2, kind);
    while ((st = sqlite3_step(d->search)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            cand *nv = realloc(v, ncap * sizeof *nv);
            if (!nv) {
                rc = mp_error_set(err, MP_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            cap = ncap;
        }
        cand *c = &v[n];
        c->kind = sqlite3_column_int(d->search, 0);
        c->row = (size_t)sqlite3_column_int64(d->search, 1);
        c->score = sqlite3_column_double(d->search, 2);
        char leaf[MP_DOC_NAME_MAX], alias[MP_DOC_NAME_MAX];
        if (c->kind < 0 || c->kind >= MP_DOC_KIND_COUNT ||
            mp_docs_entry_names((mp_doc_kind)c->kind, c->row, c->name, leaf, alias) != 0)
            continue; /* the index does not match the tables; skip the row */
        c->tier = name_tier((mp_doc_kind)c->kind, c->row, c->name, leaf, alias, q, qn, qfold);
        c->name_len = strlen(c->name);
        c->depth = name_depth(c->name);
        n++;
    }
    if (rc == 0 && st != SQLITE_DONE)
        rc = mp_error_set(err, MP_EINTERNAL, "docs search failed: %s", sqlite3_errmsg(d->db));
    sqlite3_reset(d->search);
    sqlite3_clear_bindings(d->search);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n_out = n;
    return 0;
}

int mp_docs_search(mp_docs *d, const char *query, int limit, int kind, mp_doc_results *out,
                   mp_error *err)
{
    memset(out, 0, sizeof *out);
    if (limit < 1 || limit > MP_DOCS_LIMIT_MAX)
        return mp_error_set(err, MP_EINVAL, "the result limit must be between 1 and %d, got %d",
                            MP_DOCS_LIMIT_MAX, limit);
    if (kind >= MP_DOC_KIND_COUNT)
        return mp_error_set(err, MP_EINVAL, "unknown entry kind %d", kind);
    mp_strlcpy(out->query, query, sizeof out->query);
    char tok[MAX_TOKENS][MAX_TOKEN_BYTES + 1];
    int nt = tokenize(out->query, tok);
    mp_suggest_init(&out->suggest, "");
    if (nt == 0)
        return 0; /* nothing searchable: no results, nothing to suggest */
    match_expr(tok, nt, out->match, sizeof out->match);

    char qn[MP_DOC_NAME_MAX], qt[MP_DOC_NAME_MAX], qfold[MP_DOC_NAME_MAX];
    trim_copy(out->query, qt, sizeof qt);
    name_form(qt, qn, sizeof qn);
    mp_fold(qt, qfold, sizeof qfold);

    cand *v = NULL;
    size_t n = 0;
    int rc = collect(d, out->match, kind, qt, qn, qfold, &v, &n, err);
    if (rc)
        return rc;
    if (n)
        qsort(v, n, sizeof *v, cmp_cand);
    out->total = n;
    size_t take = n < (size_t)limit ? n : (size_t)limit;
    if (take) {
        out->hits = calloc(take, sizeof *out->hits);
        if (!out->hits) {
            free(v);
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < take; i++) {
        mp_doc_hit *h = &out->hits[out->n];
        if (mp_docs_entry((mp_doc_kind)v[i].kind, v[i].row, &h->entry) != 0)
            continue;
        h->tier = v[i].tier;
        h->score = v[i].score;
        out->n++;
    }
    free(v);
    if (out->n == 0)
        mp_docs_suggest(out->query, kind, &out->suggest);
    return 0;
}

/* ---- show ------------------------------------------------------------------ */

void mp_docs_suggest(const char *query, int kind, mp_suggest *s)
{
    mp_suggest_init(s, query);
    for (int k = 0; k < MP_DOC_KIND_COUNT; k++) {
        if (kind >= 0 && k != kind)
            continue;
        size_t rows = mp_docs_rows((mp_doc_kind)k);
        for (size_t r = 0; r < rows; r++) {
            char name[MP_DOC_NAME_MAX], leaf[MP_DOC_NAME_MAX], alias[MP_DOC_NAME_MAX];
            if (mp_docs_entry_names((mp_doc_kind)k, r, name, leaf, alias) != 0)
                continue;
            mp_suggest_offer(s, leaf, name);
            if (strcmp(leaf, name) != 0)
                mp_suggest_offer(s, name, name);
            if (alias[0])
                mp_suggest_offer(s, alias, name);
        }
    }
}

#define SHOW_MAX 4

int mp_docs_show(const char *name, int kind, mp_doc_entry *out, mp_suggest *suggest,
                 mp_error *err)
{
    char q[MP_DOC_NAME_MAX], qn[MP_DOC_NAME_MAX], qfold[MP_DOC_NAME_MAX];
    trim_copy(name, q, sizeof q);
    name_form(q, qn, sizeof qn);
    mp_fold(q, qfold, sizeof qfold);
    if (suggest)
        mp_suggest_init(suggest, "");
    if (!q[0])
        return mp_error_set(err, MP_ENOTFOUND, "empty name %sQUERY' to search)",
                            mp_say(MP_SAY_DOCS_TRY));

    /* the best tier wins; several entries on the best tier are ambiguous */
    int best = 0, n_best = 0;
    struct {
        int kind;
        size_t row;
        char name[MP_DOC_NAME_MAX];
    } found[SHOW_MAX];
    for (int k = 0; k < MP_DOC_KIND_COUNT && q[0]; k++) {
        if (kind >= 0 && k != kind)
            continue;
        size_t rows = mp_docs_rows((mp_doc_kind)k);
        for (size_t r = 0; r < rows; r++) {
            char en[MP_DOC_NAME_MAX], leaf[MP_DOC_NAME_MAX], alias[MP_DOC_NAME_MAX];
            if (mp_docs_entry_names((mp_doc_kind)k, r, en, leaf, alias) != 0)
                continue;
            int t = name_tier((mp_doc_kind)k, r, en, leaf, alias, q, qn, qfold);
            if (t == 0 || t < best)
                continue;
            if (t > best) {
                best = t;
                n_best = 0;
            }
            if (n_best < SHOW_MAX) {
                found[n_best].kind = k;
                found[n_best].row = r;
                mp_strlcpy(found[n_best].name, en, sizeof found[n_best].name);
            }
            n_best++;
        }
    }
    if (n_best == 1)
        return mp_docs_entry((mp_doc_kind)found[0].kind, found[0].row, out);
    if (n_best > 1) {
        char list[600];
        size_t k = 0;
        int shown = n_best < SHOW_MAX ? n_best : SHOW_MAX;
        for (int i = 0; i < shown && k < sizeof list; i++)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%s '%s'", i ? ", " : "",
                                  mp_doc_kind_name((mp_doc_kind)found[i].kind), found[i].name);
        return mp_error_set(err, MP_EAMBIGUOUS,
                            "'%.80s' names %d entries: %s%s; give the full name or %s", q,
                            n_best, list, n_best > SHOW_MAX ? ", ..." : "", mp_pname(MP_P_DOC_KIND));
    }
    mp_suggest tmp, *sg = suggest ? suggest : &tmp;
    mp_docs_suggest(q, kind, sg);
    char text[400];
    if (mp_suggest_text(sg, text, sizeof text))
        return mp_error_set(err, MP_ENOTFOUND, "unknown name '%.80s'; did you mean %s?", q, text);
    return mp_error_set(err, MP_ENOTFOUND, "unknown name '%.80s' %s%.60s')", q,
                        mp_say(MP_SAY_DOCS_TRY), q);
}
