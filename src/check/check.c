/* check.c - the checker's public API: the rule table, rule selection, source
 * validation, "# mlxplan: ignore[...]" comments and the findings list; see
 * check.h. */
#include "check/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "kb/suggest.h"
#include "util/text.h"

/* ---- the rule table --------------------------------------------------------------- */

static const mp_check_rule rules[] = {
#define RULE_ROW(id, fn, name, sev, practice, summary) \
    {#id, name, MP_CHECK_##sev, practice, summary},
    MP_CHECK_RULES(RULE_ROW)
#undef RULE_ROW
};

static void (*const rule_fns[])(ck_ctx *) = {
#define RULE_FN(id, fn, name, sev, practice, summary) ck_rule_##fn,
    MP_CHECK_RULES(RULE_FN)
#undef RULE_FN
};

_Static_assert(sizeof rules / sizeof rules[0] == MP_CHECK_N_RULES, "rule table size");
_Static_assert(MP_CHECK_N_RULES <= 32, "rule bits fit mp_check_options.enabled");

const mp_check_rule *mp_check_rules(size_t *n)
{
    *n = MP_CHECK_N_RULES;
    return rules;
}

const mp_check_rule *mp_check_rule_find(const char *id_or_name)
{
    for (size_t i = 0; i < MP_CHECK_N_RULES; i++)
        if (mp_ieq(rules[i].id, id_or_name) || mp_ieq(rules[i].name, id_or_name))
            return &rules[i];
    return NULL;
}

const char *mp_check_severity_name(mp_check_severity s)
{
    return s == MP_CHECK_error ? "error" : s == MP_CHECK_warning ? "warning" : "note";
}

void mp_check_rules_text(mp_buf *out)
{
    mp_buf_puts(out, MP_CHECK_RULES_HELP);
}

void mp_check_options_all(mp_check_options *o)
{
    o->enabled = MP_CHECK_N_RULES >= 32 ? 0xffffffffu : (1u << MP_CHECK_N_RULES) - 1;
}

static int find_rule(const char *name, mp_error *err)
{
    const mp_check_rule *r = mp_check_rule_find(name);
    if (r)
        return (int)(r - rules);
    mp_suggest s;
    mp_suggest_init(&s, name);
    for (size_t i = 0; i < MP_CHECK_N_RULES; i++) {
        mp_suggest_offer(&s, rules[i].id, rules[i].id);
        mp_suggest_offer(&s, rules[i].name, rules[i].name);
    }
    char alt[300];
    if (mp_suggest_text(&s, alt, sizeof alt))
        return mp_error_set(err, MP_ENOTFOUND, "unknown rule '%.60s'; did you mean %s?", name,
                            alt);
    return mp_error_set(err, MP_ENOTFOUND,
                        "unknown rule '%.60s' (rules are MLX001-MLX305; see 'mlxplan check "
                        "--help')",
                        name);
}

int mp_check_options_select(mp_check_options *o, const char *const *select, int n_select,
                            const char *const *ignore, int n_ignore, mp_error *err)
{
    mp_check_options_all(o);
    if (n_select > 0) {
        o->enabled = 0;
        for (int i = 0; i < n_select; i++) {
            int k = find_rule(select[i], err);
            if (k < 0)
                return k;
            o->enabled |= 1u << k;
        }
    }
    for (int i = 0; i < n_ignore; i++) {
        int k = find_rule(ignore[i], err);
        if (k < 0)
            return k;
        o->enabled &= ~(1u << k);
    }
    return 0;
}

/* ---- results ------------------------------------------------------------------------- */

/* Texts of the findings: one malloc'd block per string, in a list. */
typedef struct mp_check_strings {
    struct mp_check_strings *next;
    char text[];
} check_string;

void mp_check_result_init(mp_check_result *r)
{
    memset(r, 0, sizeof *r);
}

void mp_check_result_release(mp_check_result *r)
{
    if (!r)
        return;
    check_string *s = r->strings;
    while (s) {
        check_string *next = s->next;
        free(s);
        s = next;
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

static const char *keep(mp_check_result *r, const char *text)
{
    size_t n = strlen(text);
    check_string *s = malloc(sizeof *s + n + 1);
    if (!s)
        return NULL;
    memcpy(s->text, text, n + 1);
    s->next = r->strings;
    r->strings = s;
    return s->text;
}

/* ---- findings while checking --------------------------------------------------------- */

bool ck_enabled(const ck_ctx *c, mp_check_rule_id rule)
{
    return (c->opts.enabled >> rule) & 1u;
}

void ck_emit(ck_ctx *c, mp_check_rule_id rule, uint32_t line, uint32_t col, const char *hint,
             const char *fmt, ...)
{
    if (!ck_enabled(c, rule) || c->rc)
        return;
    if (mp_py_grow((void **)&c->found, &c->cap_found, c->n_found + 1, sizeof *c->found)) {
        c->rc = MP_ENOMEM;
        return;
    }
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    ck_raw_finding *f = &c->found[c->n_found];
    f->rule = rule;
    f->line = line;
    f->col = col;
    f->seq = (uint32_t)c->n_found;
    f->message = mp_strdup(msg);
    f->hint = mp_strdup(hint ? hint : "");
    if (!f->message || !f->hint) {
        free(f->message);
        free(f->hint);
        c->rc = MP_ENOMEM;
        return;
    }
    c->n_found++;
}

const char *ck_str(const mp_ast *n, char *buf, size_t cap)
{
    if (!n || !n->str) {
        if (cap)
            buf[0] = '\0';
        return buf;
    }
    size_t k = n->len < cap - 1 ? n->len : cap - 1;
    memcpy(buf, n->str, k);
    buf[k] = '\0';
    return buf;
}

bool ck_same_ref(const mp_ast *a, const mp_ast *b)
{
    if (!a || !b || a->kind != b->kind)
        return false;
    if (a->kind == MP_AST_NAME)
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    if (a->kind == MP_AST_ATTR)
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0 &&
               ck_same_ref(a->a, b->a);
    return false;
}

/* ---- ignore comments ----------------------------------------------------------------- */

/* Whether the comment `text` ("# ...") silences `rule`: "# mlxplan: ignore"
 * silences every rule on its line, "# mlxplan: ignore[MLX101, sync-in-loop]"
 * the rules listed.  The directive may follow other comment text. */
static bool comment_ignores(const char *text, size_t len, const mp_check_rule *rule)
{
    const char *end = text + len;
    for (const char *p = text; p + 8 <= end; p++) {
        if (memcmp(p, "mlxplan:", 8) != 0)
            continue;
        const char *q = p + 8;
        while (q < end && *q == ' ')
            q++;
        if (end - q < 6 || memcmp(q, "ignore", 6) != 0)
            continue;
        q += 6;
        if (q == end || *q != '[')
            return q == end || *q == ' ' || *q == '#';
        q++;
        while (q < end && *q != ']') {
            while (q < end && (*q == ' ' || *q == ','))
                q++;
            const char *w = q;
            while (q < end && *q != ',' && *q != ']' && *q != ' ')
                q++;
            char name[64];
            size_t n = (size_t)(q - w) < sizeof name - 1 ? (size_t)(q - w) : sizeof name - 1;
            memcpy(name, w, n);
            name[n] = '\0';
            if (n && (mp_ieq(name, rule->id) || mp_ieq(name, rule->name)))
                return true;
        }
    }
    return false;
}

static bool ignored(const ck_ctx *c, const ck_raw_finding *f)
{
    /* comments come in source order: find the first on the finding's line */
    const mp_py_tokens *t = &c->mod.toks;
    size_t lo = 0, hi = t->n_comment;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->comment[mid].line < f->line)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < t->n_comment && t->comment[i].line == f->line; i++)
        if (comment_ignores(c->src + t->comment[i].off, t->comment[i].len, &rules[f->rule]))
            return true;
    return false;
}

static int cmp_finding(const void *a, const void *b)
{
    const ck_raw_finding *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if (x->rule != y->rule)
        return (int)x->rule - (int)y->rule;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The same rule at the same place twice (a step function shared by two
 * loops) is one finding. */
static bool duplicate(const ck_ctx *c, size_t i)
{
    return i > 0 && c->found[i].rule == c->found[i - 1].rule &&
           c->found[i].line == c->found[i - 1].line && c->found[i].col == c->found[i - 1].col;
}

/* ---- checking ------------------------------------------------------------------------- */

static int check_text(const char *src, size_t len, const char *name, mp_error *err)
{
    if (len > MP_CHECK_MAX_SOURCE_BYTES)
        return mp_error_set(err, MP_ELIMIT, "%s: %zu bytes, over the limit of %zu bytes (2 MiB)",
                            name, len, MP_CHECK_MAX_SOURCE_BYTES);
    if (memchr(src, '\0', len))
        return mp_error_set(err, MP_EPARSE, "%s: binary file (NUL bytes), not Python source",
                            name);
    if (!mp_utf8_valid(src, len))
        return mp_error_set(err, MP_EPARSE, "%s: not UTF-8 text, not Python source", name);
    return 0;
}

static void ctx_release(ck_ctx *c)
{
    for (size_t i = 0; i < c->n_found; i++) {
        free(c->found[i].message);
        free(c->found[i].hint);
    }
    free(c->found);
    ck_flow_release(c);
    ck_analysis_release(c);
    mp_py_module_release(&c->mod);
}

static int append_findings(ck_ctx *c, mp_check_result *res)
{
    if (c->n_found > 1)
        qsort(c->found, c->n_found, sizeof *c->found, cmp_finding);
    size_t kept = 0;
    for (size_t i = 0; i < c->n_found; i++)
        if (!duplicate(c, i) && !ignored(c, &c->found[i]))
            kept++;
    if (mp_py_grow((void **)&res->items, &res->cap, res->n + kept, sizeof *res->items))
        return MP_ENOMEM;
    const char *file = kept ? keep(res, c->file) : NULL;
    if (kept && !file)
        return MP_ENOMEM;
    for (size_t i = 0; i < c->n_found; i++) {
        const ck_raw_finding *f = &c->found[i];
        if (duplicate(c, i) || ignored(c, f))
            continue;
        mp_check_finding *o = &res->items[res->n];
        o->file = file;
        o->line = f->line;
        o->col = f->col;
        o->rule = f->rule;
        o->message = keep(res, f->message);
        o->hint = keep(res, f->hint);
        if (!o->message || !o->hint)
            return MP_ENOMEM;
        res->count[rules[f->rule].severity]++;
        res->n++;
    }
    res->n_files++;
    if (kept)
        res->n_files_with_findings++;
    return 0;
}

int mp_check_source(const char *src, size_t len, const char *display_name,
                    const mp_check_options *opts, mp_check_result *res, mp_error *err)
{
    const char *name = display_name ? display_name : "<source>";
    int rc = check_text(src, len, name, err);
    if (rc)
        return rc;
    ck_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return mp_error_set(err, MP_ENOMEM, "out of memory checking %s", name);
    c->src = src;
    c->len = len;
    c->file = name;
    if (opts)
        c->opts = *opts;
    else
        mp_check_options_all(&c->opts);
    mp_py_syntax syn;
    rc = mp_py_parse(src, len, &c->mod, &syn);
    if (rc == MP_EPARSE) {
        mp_error_set(err, MP_EPARSE, "%s:%u:%u: not valid Python: %s", name, (unsigned)syn.line,
                     (unsigned)syn.col, syn.msg);
    } else if (rc == 0 && (rc = ck_analyze(c)) == 0) {
        for (size_t i = 0; i < MP_CHECK_N_RULES && !c->rc; i++)
            if (ck_enabled(c, (mp_check_rule_id)i))
                rule_fns[i](c);
        rc = c->rc ? c->rc : append_findings(c, res);
    }
    if (rc == MP_ELIMIT)
        mp_error_set(err, rc, "%s: its syntax tree needs more than %zu MiB, the checker's limit",
                     name, MP_PY_TREE_MAX_BYTES >> 20);
    else if (rc && rc != MP_EPARSE)
        mp_error_set(err, rc, "out of memory checking %s", name);
    ctx_release(c);
    free(c);
    return rc;
}

int mp_check_file(const char *path, const mp_check_options *opts, mp_check_result *res,
                  mp_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = mp_read_file(path, MP_CHECK_MAX_SOURCE_BYTES, "Python file", &buf, &len, err);
    if (rc == 0)
        rc = mp_check_source(buf, len, path, opts, res, err);
    free(buf);
    return rc;
}

int mp_check_stream(FILE *f, const char *display_name, const mp_check_options *opts,
                    mp_check_result *res, mp_error *err)
{
    const char *name = display_name ? display_name : "<stdin>";
    size_t cap = 64 << 10, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return mp_error_set(err, MP_ENOMEM, "out of memory reading %s", name);
    for (;;) {
        if (len == cap) {
            if (cap > MP_CHECK_MAX_SOURCE_BYTES) {
                free(buf);
                return mp_error_set(err, MP_ELIMIT,
                                    "%s: more than %zu bytes, over the limit (2 MiB)", name,
                                    MP_CHECK_MAX_SOURCE_BYTES);
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return mp_error_set(err, MP_ENOMEM, "out of memory reading %s", name);
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    int rc = ferror(f) ? mp_error_set(err, MP_EIO, "cannot read %s", name)
                       : mp_check_source(buf, len, name, opts, res, err);
    free(buf);
    return rc;
}
