/* pyparse.c - recursive-descent parser from pytok tokens to the syntax tree
 * of pyast.h.  The functions follow the rules of Python's grammar (3.12,
 * with 3.14's unparenthesized except lists); their names are the rule names. */
#include "check/pyast.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* ---- arena ------------------------------------------------------------------ */

#define ARENA_BLOCK_BYTES ((size_t)64 << 10)
#define ARENA_LIMIT_BYTES ((size_t)256 << 20)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

struct mp_py_arena {
    arena_block *head;
    size_t total;
};

static void *arena_alloc(mp_py_arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK_BYTES ? n : ARENA_BLOCK_BYTES;
        if (a->total + cap > ARENA_LIMIT_BYTES)
            return NULL;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
        a->total += cap;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static void arena_free(mp_py_arena *a)
{
    if (!a)
        return;
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

/* ---- parser state ----------------------------------------------------------------- */

#define MAX_RECURSION 400

typedef struct parser {
    const char *src;
    size_t src_len;
    const mp_py_tokens *toks;
    size_t i;
    mp_py_arena *arena;
    mp_py_syntax *syn;
    int rc;
    int depth;
    size_t *n_nodes;
} parser;

static const mp_py_tok *cur(const parser *p)
{
    return &p->toks->tok[p->i];
}

static const mp_py_tok *ahead(const parser *p, size_t k)
{
    size_t j = p->i + k;
    return j < p->toks->n ? &p->toks->tok[j] : &p->toks->tok[p->toks->n - 1];
}

static void next(parser *p)
{
    if (cur(p)->kind != MP_PY_END)
        p->i++;
}

/* Whether token `t` is the operator or name `s`.  Called for every keyword
 * and operator test, so the first byte is compared before anything else. */
static inline bool tok_is(const parser *p, const mp_py_tok *t, const char *s)
{
    if ((t->kind != MP_PY_OP && t->kind != MP_PY_NAME) || p->src[t->off] != s[0])
        return false;
    size_t n = strlen(s);
    return t->len == n && memcmp(p->src + t->off, s, n) == 0;
}

static bool at(const parser *p, const char *s)
{
    return tok_is(p, cur(p), s);
}

static bool at_kind(const parser *p, mp_py_tok_kind k)
{
    return cur(p)->kind == k;
}

static int fail_at(parser *p, const mp_py_tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(parser *p, const mp_py_tok *t, const char *fmt, ...)
{
    if (p->rc)
        return p->rc;
    va_list ap;
    va_start(ap, fmt);
    mp_py_syntax_vset(p->syn, t->line, t->col, fmt, ap);
    va_end(ap);
    p->rc = MP_EPARSE;
    return p->rc;
}

/* The usual complaint about the current token. */
static int syntax_error(parser *p)
{
    const mp_py_tok *t = cur(p);
    switch (t->kind) {
    case MP_PY_INDENT:
        return fail_at(p, t, "unexpected indent");
    case MP_PY_NEWLINE:
    case MP_PY_END:
        return fail_at(p, t, "invalid syntax: unexpected end of line");
    case MP_PY_DEDENT:
        return fail_at(p, t, "invalid syntax: unexpected dedent");
    default:
        break;
    }
    int n = t->len > 40 ? 40 : (int)t->len;
    return fail_at(p, t, "invalid syntax at '%.*s'", n, p->src + t->off);
}

static bool accept(parser *p, const char *s)
{
    if (!at(p, s))
        return false;
    next(p);
    return true;
}

static int expect(parser *p, const char *s)
{
    if (accept(p, s))
        return 0;
    if (p->rc)
        return p->rc;
    const mp_py_tok *t = cur(p);
    if (t->kind == MP_PY_NAME || t->kind == MP_PY_OP || t->kind == MP_PY_NUMBER ||
        t->kind == MP_PY_STRING) {
        int n = t->len > 40 ? 40 : (int)t->len;
        return fail_at(p, t, "invalid syntax: expected '%s', found '%.*s'", s, n,
                       p->src + t->off);
    }
    return fail_at(p, t, "invalid syntax: expected '%s'", s);
}

/* A node of `kind` starting at (line, col, off). */
static mp_ast *new_node(parser *p, mp_ast_kind kind, uint32_t line, uint32_t col, uint32_t off)
{
    if (p->rc)
        return NULL;
    mp_ast *n = arena_alloc(p->arena, sizeof *n);
    if (!n) {
        p->rc = MP_ENOMEM;
        return NULL;
    }
    n->kind = (uint16_t)kind;
    n->line = line;
    n->col = col;
    n->off = off;
    (*p->n_nodes)++;
    return n;
}

/* A node that starts at token `t`. */
static mp_ast *node_at(parser *p, mp_ast_kind kind, const mp_py_tok *t)
{
    return new_node(p, kind, t->line, t->col, t->off);
}

/* A node that starts where `first` starts. */
static mp_ast *node_from(parser *p, mp_ast_kind kind, const mp_ast *first)
{
    return first ? new_node(p, kind, first->line, first->col, first->off) : NULL;
}

static void set_str(parser *p, mp_ast *n, const mp_py_tok *t)
{
    if (n) {
        n->str = p->src + t->off;
        n->len = t->len;
    }
}

/* Lists grow inside the arena; the abandoned arrays are a bounded waste. */
typedef struct listb {
    mp_ast **v;
    uint32_t n, cap;
} listb;

static void push(parser *p, listb *l, mp_ast *x)
{
    if (p->rc)
        return;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        mp_ast **v = arena_alloc(p->arena, cap * sizeof *v);
        if (!v) {
            p->rc = MP_ENOMEM;
            return;
        }
        if (l->n)
            memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
}

static mp_ast_list done(listb *l)
{
    return (mp_ast_list){l->v, l->n};
}

static bool enter(parser *p)
{
    if (++p->depth > MAX_RECURSION) {
        fail_at(p, cur(p), "too deeply nested expression or statement");
        return false;
    }
    return true;
}

static void leave(parser *p)
{
    p->depth--;
}

/* Reserved words: never a NAME atom. */
static bool is_keyword(const parser *p, const mp_py_tok *t)
{
    static const char *const kw[] = {
        "False", "None",   "True",    "and",      "as",     "assert", "async",
        "await", "break",  "class",   "continue", "def",    "del",    "elif",
        "else",  "except", "finally", "for",      "from",   "global", "if",
        "import", "in",    "is",      "lambda",   "nonlocal", "not",  "or",
        "pass",  "raise",  "return",  "try",      "while",  "with",   "yield",
    };
    if (t->kind != MP_PY_NAME)
        return false;
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (tok_is(p, t, kw[i]))
            return true;
    return false;
}

/* ---- expressions ------------------------------------------------------------------- */

static mp_ast *test(parser *p);
static mp_ast *test_nocond(parser *p);
static mp_ast *namedexpr_test(parser *p);
static mp_ast *or_expr(parser *p);
static mp_ast *factor(parser *p);
static mp_ast *star_or_named(parser *p);
static mp_ast *yield_expr(parser *p);
static int parse_fields(parser *p, const mp_py_tok *t, listb *out);
static mp_ast *star_target(parser *p);

/* '*' then an expression parsed by `inner`: a STARRED node (the cursor is
 * at the '*'). */
static mp_ast *starred(parser *p, mp_ast *(*inner)(parser *))
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *s = node_at(p, MP_AST_STARRED, t);
    mp_ast *x = inner(p);
    if (s) {
        s->flags = 1;
        s->a = x;
    }
    return s;
}

static bool at_comp_for(const parser *p)
{
    return at(p, "for") || (at(p, "async") && tok_is(p, ahead(p, 1), "for"));
}

/* comp_for: ('async')? 'for' exprlist 'in' or_test (comp_for | comp_if)* */
static void comp_fors(parser *p, listb *gens)
{
    while (!p->rc && at_comp_for(p)) {
        mp_ast *g = node_at(p, MP_AST_COMPFOR, cur(p));
        if (accept(p, "async") && g)
            g->flags = 1;
        expect(p, "for");
        /* exprlist */
        const mp_py_tok *t0 = cur(p);
        listb tl = {0};
        bool comma = false;
        for (;;) {
            push(p, &tl, star_target(p));
            if (p->rc || !accept(p, ","))
                break;
            comma = true;
            if (at(p, "in"))
                break;
        }
        mp_ast *target = tl.n == 1 && !comma ? tl.v[0] : NULL;
        if (!target && !p->rc) {
            target = node_at(p, MP_AST_TUPLE, t0);
            if (target)
                target->l1 = done(&tl);
        }
        expect(p, "in");
        mp_ast *iter = test_nocond(p); /* or_test */
        listb ifs = {0};
        while (!p->rc && at(p, "if")) {
            next(p);
            push(p, &ifs, test_nocond(p));
        }
        if (g) {
            g->a = target;
            g->b = iter;
            g->l1 = done(&ifs);
        }
        push(p, gens, g);
    }
}

/* A comprehension after its element; `close` is the bracket that ends it
 * (NULL for a generator passed as the only argument of a call). */
static mp_ast *comprehension(parser *p, const mp_py_tok *start, int kind, mp_ast *elt,
                             mp_ast *value, const char *close)
{
    mp_ast *c = node_at(p, MP_AST_COMP, start);
    listb gens = {0};
    comp_fors(p, &gens);
    if (close)
        expect(p, close);
    if (c) {
        c->flags = (uint16_t)kind;
        c->a = elt;
        c->b = value;
        c->l1 = done(&gens);
    }
    return c;
}

/* The rest of a tuple, list or set display after its first element: more
 * elements (a trailing comma allowed), the closing bracket, the node. */
static mp_ast *display_rest(parser *p, const mp_py_tok *start, mp_ast_kind kind, mp_ast *first,
                            const char *close)
{
    listb l = {0};
    push(p, &l, first);
    while (!p->rc && accept(p, ",")) {
        if (at(p, close))
            break;
        push(p, &l, star_or_named(p));
    }
    expect(p, close);
    mp_ast *n = node_at(p, kind, start);
    if (n)
        n->l1 = done(&l);
    return n;
}

/* '(' ... ')': tuple, parenthesized expression, generator, yield */
static mp_ast *paren_atom(parser *p)
{
    const mp_py_tok *start = cur(p);
    next(p);
    if (accept(p, ")")) {
        mp_ast *t = node_at(p, MP_AST_TUPLE, start);
        return t;
    }
    if (at(p, "yield")) {
        mp_ast *y = yield_expr(p);
        expect(p, ")");
        return y;
    }
    mp_ast *first = star_or_named(p);
    if (at_comp_for(p)) {
        return comprehension(p, start, MP_AST_COMP_GEN, first, NULL, ")");
    }
    if (!at(p, ",")) {
        expect(p, ")");
        return first;
    }
    return display_rest(p, start, MP_AST_TUPLE, first, ")");
}

static mp_ast *list_atom(parser *p)
{
    const mp_py_tok *start = cur(p);
    next(p);
    if (accept(p, "]"))
        return node_at(p, MP_AST_LIST, start);
    mp_ast *first = star_or_named(p);
    if (at_comp_for(p)) {
        return comprehension(p, start, MP_AST_COMP_LIST, first, NULL, "]");
    }
    return display_rest(p, start, MP_AST_LIST, first, "]");
}

static mp_ast *brace_atom(parser *p)
{
    const mp_py_tok *start = cur(p);
    next(p);
    if (accept(p, "}"))
        return node_at(p, MP_AST_DICT, start);
    listb keys = {0}, vals = {0};
    bool is_dict;
    mp_ast *k = NULL, *v = NULL;
    if (at(p, "**")) {
        next(p);
        is_dict = true;
        v = or_expr(p);
    } else {
        k = star_or_named(p);
        is_dict = at(p, ":");
        if (is_dict) {
            next(p);
            v = test(p);
        }
    }
    if (at_comp_for(p) && (k || !is_dict)) {
        return comprehension(p, start, is_dict ? MP_AST_COMP_DICT : MP_AST_COMP_SET, k,
                             is_dict ? v : NULL, "}");
    }
    if (is_dict) {
        push(p, &keys, k);
        push(p, &vals, v);
        while (!p->rc && accept(p, ",")) {
            if (at(p, "}"))
                break;
            if (accept(p, "**")) {
                push(p, &keys, NULL);
                push(p, &vals, or_expr(p));
                continue;
            }
            push(p, &keys, test(p));
            expect(p, ":");
            push(p, &vals, test(p));
        }
        expect(p, "}");
        mp_ast *d = node_at(p, MP_AST_DICT, start);
        if (d) {
            d->l1 = done(&keys);
            d->l2 = done(&vals);
        }
        return d;
    }
    return display_rest(p, start, MP_AST_SET, k, "}");
}

static mp_ast *atom(parser *p)
{
    const mp_py_tok *t = cur(p);
    if (p->rc)
        return NULL;
    switch (t->kind) {
    case MP_PY_NAME: {
        if (tok_is(p, t, "None") || tok_is(p, t, "True") || tok_is(p, t, "False")) {
            mp_ast *n = node_at(p, MP_AST_CONST, t);
            set_str(p, n, t);
            next(p);
            return n;
        }
        if (is_keyword(p, t)) {
            syntax_error(p);
            return NULL;
        }
        mp_ast *n = node_at(p, MP_AST_NAME, t);
        set_str(p, n, t);
        next(p);
        return n;
    }
    case MP_PY_NUMBER: {
        mp_ast *n = node_at(p, MP_AST_NUM, t);
        set_str(p, n, t);
        next(p);
        return n;
    }
    case MP_PY_STRING: {
        mp_ast *n = node_at(p, MP_AST_STR, t);
        set_str(p, n, t);
        listb fields = {0};
        bool bytes = (t->flags & MP_PY_STR_BYTES) != 0;
        while (!p->rc && at_kind(p, MP_PY_STRING)) {
            const mp_py_tok *s = cur(p);
            if (((s->flags & MP_PY_STR_BYTES) != 0) != bytes) {
                fail_at(p, s, "cannot mix bytes and nonbytes literals");
                return NULL;
            }
            if (n)
                n->flags |= s->flags;
            if (s->n_fields)
                parse_fields(p, s, &fields);
            next(p);
        }
        if (n)
            n->l1 = done(&fields);
        return n;
    }
    case MP_PY_OP:
        if (tok_is(p, t, "("))
            return paren_atom(p);
        if (tok_is(p, t, "["))
            return list_atom(p);
        if (tok_is(p, t, "{"))
            return brace_atom(p);
        if (tok_is(p, t, "...")) {
            mp_ast *n = node_at(p, MP_AST_ELLIPSIS, t);
            set_str(p, n, t);
            next(p);
            return n;
        }
        break;
    default:
        break;
    }
    syntax_error(p);
    return NULL;
}

/* arglist of a call or class header: into positional (l1) and keyword (l2) */
static void arglist(parser *p, const char *close, listb *pos, listb *kws)
{
    while (!p->rc && !at(p, close)) {
        const mp_py_tok *t = cur(p);
        if (at(p, "*")) {
            push(p, pos, starred(p, test));
        } else if (at(p, "**")) {
            next(p);
            mp_ast *k = node_at(p, MP_AST_KEYWORD, t);
            if (k) {
                k->str = p->src + t->off;
                k->len = 0;
                k->line2 = cur(p)->line;
                k->col2 = cur(p)->col;
                k->a = test(p);
            }
            push(p, kws, k);
        } else if (t->kind == MP_PY_NAME && tok_is(p, ahead(p, 1), "=") && !is_keyword(p, t)) {
            mp_ast *k = node_at(p, MP_AST_KEYWORD, t);
            set_str(p, k, t);
            next(p);
            next(p);
            if (k) {
                k->line2 = cur(p)->line;
                k->col2 = cur(p)->col;
                k->a = test(p);
            }
            push(p, kws, k);
        } else {
            mp_ast *e = namedexpr_test(p);
            if (at_comp_for(p))
                e = comprehension(p, t, MP_AST_COMP_GEN, e, NULL, NULL);
            push(p, pos, e);
        }
        if (!accept(p, ","))
            break;
    }
    expect(p, close);
}

/* subscript: test | [test] ':' [test] [':' [test]] | star_expr */
static mp_ast *subscript(parser *p)
{
    const mp_py_tok *t = cur(p);
    mp_ast *lo = NULL;
    if (at(p, "*"))
        return starred(p, or_expr);
    if (!at(p, ":"))
        lo = namedexpr_test(p);
    if (!at(p, ":"))
        return lo;
    mp_ast *sl = node_at(p, MP_AST_SLICE, t);
    next(p);
    if (sl)
        sl->a = lo;
    if (!at(p, ":") && !at(p, ",") && !at(p, "]")) {
        mp_ast *hi = test(p);
        if (sl)
            sl->b = hi;
    }
    if (accept(p, ":") && !at(p, ",") && !at(p, "]")) {
        mp_ast *st = test(p);
        if (sl)
            sl->c = st;
    }
    return sl;
}

static mp_ast *trailers(parser *p, mp_ast *e)
{
    while (!p->rc && e) {
        const mp_py_tok *t = cur(p);
        if (tok_is(p, t, "(")) {
            next(p);
            mp_ast *c = node_from(p, MP_AST_CALL, e);
            listb pos = {0}, kws = {0};
            arglist(p, ")", &pos, &kws);
            if (c) {
                c->a = e;
                c->l1 = done(&pos);
                c->l2 = done(&kws);
                c->line2 = t->line;
                c->col2 = t->col;
            }
            e = c;
        } else if (tok_is(p, t, "[")) {
            next(p);
            mp_ast *s = node_from(p, MP_AST_SUBSCRIPT, e);
            mp_ast *first = subscript(p);
            mp_ast *idx = first;
            if (at(p, ",")) {
                listb l = {0};
                push(p, &l, first);
                while (!p->rc && accept(p, ",")) {
                    if (at(p, "]"))
                        break;
                    push(p, &l, subscript(p));
                }
                idx = node_from(p, MP_AST_TUPLE, first);
                if (idx)
                    idx->l1 = done(&l);
            }
            expect(p, "]");
            if (s) {
                s->a = e;
                s->b = idx;
            }
            e = s;
        } else if (tok_is(p, t, ".")) {
            next(p);
            const mp_py_tok *nm = cur(p);
            if (nm->kind != MP_PY_NAME) {
                syntax_error(p);
                return NULL;
            }
            mp_ast *a = node_from(p, MP_AST_ATTR, e);
            if (a) {
                a->a = e;
                set_str(p, a, nm);
                a->line2 = nm->line;
                a->col2 = nm->col;
            }
            next(p);
            e = a;
        } else {
            break;
        }
    }
    return e;
}

/* power: ['await'] atom trailer* ['**' factor] */
static mp_ast *power(parser *p)
{
    const mp_py_tok *t = cur(p);
    mp_ast *e;
    if (at(p, "await")) {
        next(p);
        e = node_at(p, MP_AST_AWAIT, t);
        mp_ast *inner = trailers(p, atom(p));
        if (e)
            e->a = inner;
    } else {
        e = trailers(p, atom(p));
    }
    if (at(p, "**")) {
        const mp_py_tok *op = cur(p);
        next(p);
        mp_ast *b = node_from(p, MP_AST_BINOP, e);
        mp_ast *rhs = factor(p);
        if (b) {
            b->a = e;
            b->b = rhs;
            set_str(p, b, op);
        }
        e = b;
    }
    return e;
}

/* A prefix operator (the current token) applied to what `operand` parses. */
static mp_ast *unary(parser *p, mp_ast *(*operand)(parser *))
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *e = node_at(p, MP_AST_UNARY, t);
    mp_ast *x = operand(p);
    if (e) {
        set_str(p, e, t);
        e->a = x;
    }
    return e;
}

static mp_ast *factor(parser *p)
{
    if (!enter(p))
        return NULL;
    mp_ast *e = at(p, "-") || at(p, "+") || at(p, "~") ? unary(p, factor) : power(p);
    leave(p);
    return e;
}

/* Binary operators by precedence level, loosest first. */
static const char *const bin_levels[][5] = {
    {"|", NULL}, {"^", NULL}, {"&", NULL}, {"<<", ">>", NULL}, {"+", "-", NULL},
    {"*", "/", "//", "%", "@"},
};
enum { N_BIN_LEVELS = sizeof bin_levels / sizeof bin_levels[0] };

static mp_ast *binary(parser *p, int level)
{
    if (level >= N_BIN_LEVELS)
        return factor(p);
    mp_ast *e = binary(p, level + 1);
    for (;;) {
        const mp_py_tok *t = cur(p);
        bool match = false;
        if (t->kind == MP_PY_OP)
            for (int k = 0; k < 5 && bin_levels[level][k]; k++)
                if (tok_is(p, t, bin_levels[level][k]))
                    match = true;
        if (!match || p->rc)
            return e;
        next(p);
        mp_ast *b = node_from(p, MP_AST_BINOP, e);
        mp_ast *rhs = binary(p, level + 1);
        if (b) {
            b->a = e;
            b->b = rhs;
            set_str(p, b, t);
        }
        e = b;
    }
}

static mp_ast *or_expr(parser *p)
{
    return binary(p, 0);
}

static bool comp_op(parser *p)
{
    static const char *const ops[] = {"<", ">", "==", ">=", "<=", "!=", "in", "is"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (at(p, ops[k]))
            return true;
    return at(p, "not") && tok_is(p, ahead(p, 1), "in");
}

static mp_ast *comparison(parser *p)
{
    mp_ast *e = or_expr(p);
    if (!comp_op(p) || p->rc)
        return e;
    mp_ast *c = node_from(p, MP_AST_COMPARE, e);
    listb l = {0};
    push(p, &l, e);
    if (c)
        set_str(p, c, cur(p));
    while (!p->rc && comp_op(p)) {
        if (at(p, "not") || (at(p, "is") && tok_is(p, ahead(p, 1), "not")))
            next(p);
        next(p);
        push(p, &l, or_expr(p));
    }
    if (c)
        c->l1 = done(&l);
    return c;
}

static mp_ast *not_test(parser *p)
{
    if (!enter(p))
        return NULL;
    mp_ast *e = at(p, "not") ? unary(p, not_test) : comparison(p);
    leave(p);
    return e;
}

static mp_ast *boolop(parser *p, const char *op)
{
    bool is_or = op[0] == 'o';
    mp_ast *e = is_or ? boolop(p, "and") : not_test(p);
    if (!at(p, op) || p->rc)
        return e;
    mp_ast *b = node_from(p, MP_AST_BOOLOP, e);
    if (b)
        set_str(p, b, cur(p));
    listb l = {0};
    push(p, &l, e);
    while (!p->rc && accept(p, op))
        push(p, &l, is_or ? boolop(p, "and") : not_test(p));
    if (b)
        b->l1 = done(&l);
    return b;
}

static mp_ast *or_test(parser *p)
{
    return boolop(p, "or");
}

/* Parameters of a def (close ")", annotations allowed) or a lambda (close ":"). */
static void params(parser *p, const char *close, bool annotations, listb *out)
{
    bool kwonly = false;
    while (!p->rc && !at(p, close)) {
        const mp_py_tok *t = cur(p);
        if (accept(p, "/")) {
            for (uint32_t k = 0; k < out->n; k++)
                if (out->v[k])
                    out->v[k]->flags |= MP_AST_PARAM_POSONLY;
        } else {
            int flags = kwonly ? MP_AST_PARAM_KWONLY : 0;
            if (accept(p, "*")) {
                kwonly = true;
                if (at(p, ",") || at(p, close)) {
                    if (!accept(p, ","))
                        break;
                    continue;
                }
                flags = MP_AST_PARAM_VARARG;
            } else if (accept(p, "**")) {
                flags = MP_AST_PARAM_KWARG;
            }
            const mp_py_tok *nm = cur(p);
            if (nm->kind != MP_PY_NAME || is_keyword(p, nm)) {
                syntax_error(p);
                return;
            }
            mp_ast *prm = node_at(p, MP_AST_PARAM, t);
            set_str(p, prm, nm);
            next(p);
            if (annotations && accept(p, ":")) {
                /* PEP 646: *args: *Ts */
                mp_ast *ann = at(p, "*") ? star_or_named(p) : test(p);
                if (prm)
                    prm->b = ann;
            }
            if (accept(p, "=")) {
                mp_ast *d = test(p);
                if (prm)
                    prm->a = d;
            }
            if (prm)
                prm->flags = (uint16_t)flags;
            push(p, out, prm);
        }
        if (!accept(p, ","))
            break;
    }
}

static mp_ast *lambdef(parser *p, bool nocond)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *l = node_at(p, MP_AST_LAMBDA, t);
    listb prm = {0};
    params(p, ":", false, &prm);
    expect(p, ":");
    mp_ast *body = nocond ? test_nocond(p) : test(p);
    if (l) {
        l->l1 = done(&prm);
        l->a = body;
    }
    return l;
}

static mp_ast *test(parser *p)
{
    if (!enter(p))
        return NULL;
    mp_ast *e;
    if (at(p, "lambda")) {
        e = lambdef(p, false);
    } else {
        e = or_test(p);
        if (at(p, "if") && !p->rc) {
            next(p);
            mp_ast *c = node_from(p, MP_AST_IFEXP, e);
            mp_ast *cond = or_test(p);
            expect(p, "else");
            mp_ast *orelse = test(p);
            if (c) {
                c->a = e;
                c->b = cond;
                c->c = orelse;
            }
            e = c;
        }
    }
    leave(p);
    return e;
}

static mp_ast *test_nocond(parser *p)
{
    if (at(p, "lambda"))
        return lambdef(p, true);
    return or_test(p);
}

static mp_ast *namedexpr_test(parser *p)
{
    const mp_py_tok *t = cur(p);
    if (t->kind == MP_PY_NAME && tok_is(p, ahead(p, 1), ":=")) {
        mp_ast *target = atom(p);
        next(p);
        mp_ast *n = node_at(p, MP_AST_NAMED, t);
        mp_ast *v = test(p);
        if (n) {
            n->a = target;
            n->b = v;
        }
        return n;
    }
    return test(p);
}

/* '*' expr | namedexpr_test (an element of a display or tuple) */
static mp_ast *star_or_named(parser *p)
{
    return at(p, "*") ? starred(p, or_expr) : namedexpr_test(p);
}

/* Tokens that end an expression list (for trailing commas). */
static bool ends_exprlist(const parser *p)
{
    static const char *const enders[] = {"=",  ")",   "]",   "}",   ":",   ";",   "+=", "-=",
                                         "*=", "/=",  "//=", "%=",  "**=", ">>=", "<<=", "&=",
                                         "^=", "|=",  "@=",  "in"};
    if (at_kind(p, MP_PY_NEWLINE) || at_kind(p, MP_PY_END))
        return true;
    for (size_t k = 0; k < sizeof enders / sizeof enders[0]; k++)
        if (at(p, enders[k]))
            return true;
    return false;
}

/* testlist_star_expr: elements separated by commas; a tuple when a comma
 * appears.  `elem` parses one element. */
static mp_ast *exprlist(parser *p, mp_ast *(*elem)(parser *))
{
    mp_ast *first = elem(p);
    if (!at(p, ",") || p->rc)
        return first;
    listb l = {0};
    push(p, &l, first);
    while (!p->rc && accept(p, ",")) {
        if (ends_exprlist(p))
            break;
        push(p, &l, elem(p));
    }
    mp_ast *t = node_from(p, MP_AST_TUPLE, first);
    if (t)
        t->l1 = done(&l);
    return t;
}

static mp_ast *star_target(parser *p)
{
    return at(p, "*") ? starred(p, or_expr) : or_expr(p);
}

static mp_ast *star_test(parser *p)
{
    return at(p, "*") ? starred(p, or_expr) : test(p);
}

static mp_ast *yield_expr(parser *p)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *y = node_at(p, MP_AST_YIELD, t);
    if (accept(p, "from")) {
        mp_ast *x = test(p);
        if (y) {
            y->flags = 1;
            y->a = x;
        }
        return y;
    }
    if (!ends_exprlist(p)) {
        mp_ast *x = exprlist(p, star_test);
        if (y)
            y->a = x;
    }
    return y;
}

/* The expression of one f-string replacement field. */
static int parse_fields(parser *p, const mp_py_tok *t, listb *out)
{
    for (uint32_t k = 0; k < t->n_fields && !p->rc; k++) {
        const mp_py_span *f = &p->toks->field[t->field0 + k];
        mp_py_tokens sub = MP_PY_TOKENS_INIT;
        int rc = mp_py_tokenize_expr(p->src, f->off, f->len, f->line, f->col, &sub, p->syn);
        if (rc) {
            mp_py_tokens_release(&sub);
            return p->rc = rc;
        }
        parser sp = *p;
        sp.toks = &sub;
        sp.i = 0;
        mp_ast *e = NULL;
        if (sub.tok[0].kind == MP_PY_END)
            fail_at(&sp, &sub.tok[0], "f-string: valid expression required before '}'");
        else if (at(&sp, "yield"))
            e = yield_expr(&sp);
        else
            e = exprlist(&sp, star_or_named);
        if (!sp.rc && !at_kind(&sp, MP_PY_END))
            syntax_error(&sp);
        p->rc = sp.rc;
        mp_py_tokens_release(&sub);
        push(p, out, e);
    }
    return p->rc;
}

/* ---- statements ---------------------------------------------------------------------- */

static void statement(parser *p, listb *out);
static void block(parser *p, listb *out);

static void end_simple(parser *p)
{
    if (!at_kind(p, MP_PY_NEWLINE) && !at(p, ";") && !p->rc)
        syntax_error(p);
}

/* dotted_name: NAME ('.' NAME)* -> the text span */
static bool dotted_name(parser *p, const char **s, uint32_t *len)
{
    const mp_py_tok *first = cur(p);
    if (first->kind != MP_PY_NAME) {
        syntax_error(p);
        return false;
    }
    const mp_py_tok *last = first;
    next(p);
    while (at(p, ".") && ahead(p, 1)->kind == MP_PY_NAME) {
        next(p);
        last = cur(p);
        next(p);
    }
    *s = p->src + first->off;
    *len = last->off + last->len - first->off;
    /* spaces around the dots ("a . b") are legal but would break look-ups */
    for (uint32_t k = 0; k < *len; k++)
        if ((*s)[k] == ' ' || (*s)[k] == '\t' || (*s)[k] == '\\' || (*s)[k] == '\n' ||
            (*s)[k] == '\r')
            *len = 0;
    return true;
}

/* An optional "as NAME" into n->str2; false after a syntax error. */
static bool as_name(parser *p, mp_ast *n)
{
    if (!accept(p, "as"))
        return true;
    if (!at_kind(p, MP_PY_NAME)) {
        syntax_error(p);
        return false;
    }
    if (n) {
        n->str2 = p->src + cur(p)->off;
        n->len2 = cur(p)->len;
    }
    next(p);
    return true;
}

static mp_ast *import_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *n = node_at(p, MP_AST_IMPORT, t);
    listb l = {0};
    do {
        mp_ast *a = node_at(p, MP_AST_ALIAS, cur(p));
        const char *s = NULL;
        uint32_t len = 0;
        if (!dotted_name(p, &s, &len))
            return NULL;
        if (a) {
            a->str = s;
            a->len = len;
        }
        if (!as_name(p, a))
            return NULL;
        push(p, &l, a);
    } while (!p->rc && accept(p, ","));
    if (n)
        n->l1 = done(&l);
    return n;
}

static mp_ast *from_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *n = node_at(p, MP_AST_IMPORT_FROM, t);
    int dots = 0;
    while (at(p, ".") || at(p, "...")) {
        dots += at(p, ".") ? 1 : 3;
        next(p);
    }
    if (n) {
        n->flags = (uint16_t)dots;
        n->str = p->src + cur(p)->off;
        n->len = 0;
    }
    if (!at(p, "import")) {
        const char *s = NULL;
        uint32_t len = 0;
        if (!dotted_name(p, &s, &len))
            return NULL;
        if (n) {
            n->str = s;
            n->len = len;
        }
    }
    if (expect(p, "import"))
        return NULL;
    listb l = {0};
    if (at(p, "*")) {
        mp_ast *a = node_at(p, MP_AST_ALIAS, cur(p));
        set_str(p, a, cur(p));
        next(p);
        push(p, &l, a);
    } else {
        bool paren = accept(p, "(");
        do {
            if (paren && at(p, ")"))
                break;
            const mp_py_tok *nm = cur(p);
            if (nm->kind != MP_PY_NAME) {
                syntax_error(p);
                return NULL;
            }
            mp_ast *a = node_at(p, MP_AST_ALIAS, nm);
            set_str(p, a, nm);
            next(p);
            if (!as_name(p, a))
                return NULL;
            push(p, &l, a);
        } while (!p->rc && accept(p, ","));
        if (paren)
            expect(p, ")");
    }
    if (n)
        n->l1 = done(&l);
    return n;
}

static mp_ast *names_stmt(parser *p, mp_ast_kind kind)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *n = node_at(p, kind, t);
    listb l = {0};
    do {
        const mp_py_tok *nm = cur(p);
        if (nm->kind != MP_PY_NAME || is_keyword(p, nm)) {
            syntax_error(p);
            return NULL;
        }
        mp_ast *x = node_at(p, MP_AST_NAME, nm);
        set_str(p, x, nm);
        next(p);
        push(p, &l, x);
    } while (!p->rc && accept(p, ","));
    if (n)
        n->l1 = done(&l);
    return n;
}

static bool at_augassign(const parser *p)
{
    static const char *const ops[] = {"+=", "-=", "*=",  "/=",  "//=", "%=", "**=",
                                      ">>=", "<<=", "&=", "^=", "|=",  "@="};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (at(p, ops[k]))
            return true;
    return false;
}

static mp_ast *rhs(parser *p)
{
    if (at(p, "yield"))
        return yield_expr(p);
    return exprlist(p, star_test);
}

static mp_ast *expr_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    mp_ast *first = at(p, "yield") ? yield_expr(p) : exprlist(p, star_or_named);
    if (p->rc)
        return NULL;
    if (at(p, ":")) {
        next(p);
        mp_ast *n = node_at(p, MP_AST_ANNASSIGN, t);
        mp_ast *ann = test(p);
        mp_ast *v = accept(p, "=") ? rhs(p) : NULL;
        if (n) {
            n->a = first;
            n->b = ann;
            n->c = v;
        }
        return n;
    }
    if (at_augassign(p)) {
        mp_ast *n = node_at(p, MP_AST_AUGASSIGN, t);
        set_str(p, n, cur(p));
        next(p);
        mp_ast *v = rhs(p);
        if (n) {
            n->a = first;
            n->b = v;
        }
        return n;
    }
    if (at(p, "=")) {
        listb targets = {0};
        mp_ast *last = first;
        while (!p->rc && accept(p, "=")) {
            push(p, &targets, last);
            last = rhs(p);
        }
        mp_ast *n = node_at(p, MP_AST_ASSIGN, t);
        if (n) {
            n->l1 = done(&targets);
            n->a = last;
        }
        return n;
    }
    mp_ast *n = node_at(p, MP_AST_EXPR_STMT, t);
    if (n)
        n->a = first;
    return n;
}

static mp_ast *small_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    if (at(p, "pass") || at(p, "break") || at(p, "continue")) {
        mp_ast_kind k = at(p, "pass") ? MP_AST_PASS : at(p, "break") ? MP_AST_BREAK
                                                                      : MP_AST_CONTINUE;
        next(p);
        return node_at(p, k, t);
    }
    if (at(p, "return")) {
        next(p);
        mp_ast *n = node_at(p, MP_AST_RETURN, t);
        if (!at_kind(p, MP_PY_NEWLINE) && !at(p, ";")) {
            mp_ast *v = exprlist(p, star_test);
            if (n)
                n->a = v;
        }
        return n;
    }
    if (at(p, "raise")) {
        next(p);
        mp_ast *n = node_at(p, MP_AST_RAISE, t);
        if (!at_kind(p, MP_PY_NEWLINE) && !at(p, ";")) {
            mp_ast *v = test(p);
            mp_ast *from = accept(p, "from") ? test(p) : NULL;
            if (n) {
                n->a = v;
                n->b = from;
            }
        }
        return n;
    }
    if (at(p, "global"))
        return names_stmt(p, MP_AST_GLOBAL);
    if (at(p, "nonlocal"))
        return names_stmt(p, MP_AST_NONLOCAL);
    if (at(p, "del")) {
        next(p);
        mp_ast *n = node_at(p, MP_AST_DEL, t);
        mp_ast *targets = exprlist(p, star_target);
        if (n && targets) {
            listb l = {0};
            if (targets->kind == MP_AST_TUPLE)
                n->l1 = targets->l1;
            else {
                push(p, &l, targets);
                n->l1 = done(&l);
            }
        }
        return n;
    }
    if (at(p, "assert")) {
        next(p);
        mp_ast *n = node_at(p, MP_AST_ASSERT, t);
        mp_ast *c = test(p);
        mp_ast *msg = accept(p, ",") ? test(p) : NULL;
        if (n) {
            n->a = c;
            n->b = msg;
        }
        return n;
    }
    if (at(p, "import"))
        return import_stmt(p);
    if (at(p, "from"))
        return from_stmt(p);
    return expr_stmt(p);
}

static void simple_stmts(parser *p, listb *out)
{
    for (;;) {
        mp_ast *s = small_stmt(p);
        end_simple(p);
        push(p, out, s);
        if (p->rc)
            return;
        if (accept(p, ";")) {
            if (at_kind(p, MP_PY_NEWLINE))
                break;
            continue;
        }
        break;
    }
    if (!at_kind(p, MP_PY_NEWLINE)) {
        syntax_error(p);
        return;
    }
    next(p);
}

/* ':' then a suite: an indented block or simple statements on the line */
static void suite(parser *p, listb *out)
{
    if (expect(p, ":"))
        return;
    block(p, out);
}

static void block(parser *p, listb *out)
{
    if (!at_kind(p, MP_PY_NEWLINE)) {
        simple_stmts(p, out);
        return;
    }
    next(p);
    if (!at_kind(p, MP_PY_INDENT)) {
        fail_at(p, cur(p), "expected an indented block");
        return;
    }
    next(p);
    while (!p->rc && !at_kind(p, MP_PY_DEDENT) && !at_kind(p, MP_PY_END))
        statement(p, out);
    if (!p->rc && at_kind(p, MP_PY_DEDENT))
        next(p);
}

static mp_ast *if_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *n = node_at(p, MP_AST_IF, t);
    mp_ast *c = namedexpr_test(p);
    listb body = {0}, orelse = {0};
    suite(p, &body);
    if (at(p, "elif")) {
        push(p, &orelse, if_stmt(p));
    } else if (at(p, "else")) {
        next(p);
        suite(p, &orelse);
    }
    if (n) {
        n->a = c;
        n->l1 = done(&body);
        n->l2 = done(&orelse);
    }
    return n;
}

/* The block of a loop and its optional else block, into n->l1 and n->l2. */
static void loop_blocks(parser *p, mp_ast *n)
{
    listb body = {0}, orelse = {0};
    suite(p, &body);
    if (accept(p, "else"))
        suite(p, &orelse);
    if (n) {
        n->l1 = done(&body);
        n->l2 = done(&orelse);
    }
}

static mp_ast *while_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *n = node_at(p, MP_AST_WHILE, t);
    mp_ast *c = namedexpr_test(p);
    if (n)
        n->a = c;
    loop_blocks(p, n);
    return n;
}

static mp_ast *for_stmt(parser *p, const mp_py_tok *t, bool is_async)
{
    next(p); /* for */
    mp_ast *n = node_at(p, MP_AST_FOR, t);
    mp_ast *target = exprlist(p, star_target);
    expect(p, "in");
    mp_ast *iter = exprlist(p, star_test);
    if (n) {
        n->flags = is_async;
        n->a = target;
        n->b = iter;
    }
    loop_blocks(p, n);
    return n;
}

static mp_ast *try_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *n = node_at(p, MP_AST_TRY, t);
    listb body = {0}, handlers = {0}, orelse = {0};
    suite(p, &body);
    while (!p->rc && at(p, "except")) {
        mp_ast *h = node_at(p, MP_AST_HANDLER, cur(p));
        next(p);
        accept(p, "*");
        if (!at(p, ":")) {
            mp_ast *type = exprlist(p, test);
            if (h)
                h->a = type;
            if (!as_name(p, h))
                return NULL;
        }
        listb hb = {0};
        suite(p, &hb);
        if (h)
            h->l1 = done(&hb);
        push(p, &handlers, h);
    }
    if (accept(p, "else"))
        suite(p, &orelse);
    mp_ast *fin = NULL;
    if (at(p, "finally")) {
        fin = node_at(p, MP_AST_BLOCK, cur(p));
        next(p);
        listb fb = {0};
        suite(p, &fb);
        if (fin)
            fin->l1 = done(&fb);
    }
    if (!handlers.n && !fin && !p->rc)
        fail_at(p, cur(p), "expected 'except' or 'finally' block");
    if (n) {
        n->l1 = done(&body);
        n->l2 = done(&handlers);
        n->l3 = done(&orelse);
        n->a = fin;
    }
    return n;
}

static mp_ast *with_item(parser *p)
{
    mp_ast *ctx = at(p, "yield") ? yield_expr(p) : test(p);
    mp_ast *w = node_from(p, MP_AST_WITHITEM, ctx);
    if (accept(p, "as")) {
        mp_ast *target = star_target(p);
        if (w)
            w->b = target;
    }
    if (w)
        w->a = ctx;
    return w;
}

/* Whether the '(' at the cursor closes right before the with statement's ':'
 * (the parenthesized form of Python 3.10: with (a as b, c as d):). */
static bool parenthesized_with(const parser *p)
{
    int d = 0;
    for (size_t j = p->i; j < p->toks->n; j++) {
        const mp_py_tok *t = &p->toks->tok[j];
        if (t->kind == MP_PY_NEWLINE || t->kind == MP_PY_END)
            return false;
        if (tok_is(p, t, "(") || tok_is(p, t, "[") || tok_is(p, t, "{"))
            d++;
        else if (tok_is(p, t, ")") || tok_is(p, t, "]") || tok_is(p, t, "}")) {
            if (--d == 0)
                return j + 1 < p->toks->n && tok_is(p, &p->toks->tok[j + 1], ":");
        }
    }
    return false;
}

static mp_ast *with_stmt(parser *p, const mp_py_tok *t, bool is_async)
{
    next(p); /* with */
    mp_ast *n = node_at(p, MP_AST_WITH, t);
    listb items = {0}, body = {0};
    if (at(p, "(") && parenthesized_with(p)) {
        next(p);
        while (!p->rc && !at(p, ")")) {
            push(p, &items, with_item(p));
            if (!accept(p, ","))
                break;
        }
        expect(p, ")");
    } else {
        do
            push(p, &items, with_item(p));
        while (!p->rc && accept(p, ","));
    }
    suite(p, &body);
    if (n) {
        n->flags = is_async;
        n->l1 = done(&body);
        n->l2 = done(&items);
    }
    return n;
}

/* Skip a balanced bracket group (type parameters: def f[T](...)). */
static void skip_group(parser *p)
{
    int d = 0;
    do {
        if (at(p, "(") || at(p, "[") || at(p, "{"))
            d++;
        else if (at(p, ")") || at(p, "]") || at(p, "}"))
            d--;
        next(p);
    } while (d > 0 && !at_kind(p, MP_PY_END));
}

static mp_ast *def_stmt(parser *p, const mp_py_tok *t, bool is_async, listb *decorators)
{
    next(p); /* def */
    const mp_py_tok *nm = cur(p);
    if (nm->kind != MP_PY_NAME || is_keyword(p, nm)) {
        syntax_error(p);
        return NULL;
    }
    mp_ast *n = node_at(p, MP_AST_DEF, t);
    set_str(p, n, nm);
    next(p);
    if (at(p, "["))
        skip_group(p);
    listb prm = {0}, body = {0};
    if (expect(p, "("))
        return NULL;
    params(p, ")", true, &prm);
    expect(p, ")");
    mp_ast *ret = accept(p, "->") ? test(p) : NULL;
    suite(p, &body);
    if (n) {
        n->flags = is_async;
        n->a = ret;
        n->l1 = done(&body);
        n->l2 = done(&prm);
        n->l3 = done(decorators);
    }
    return n;
}

static mp_ast *class_stmt(parser *p, listb *decorators)
{
    const mp_py_tok *t = cur(p);
    next(p);
    const mp_py_tok *nm = cur(p);
    if (nm->kind != MP_PY_NAME || is_keyword(p, nm)) {
        syntax_error(p);
        return NULL;
    }
    mp_ast *n = node_at(p, MP_AST_CLASS, t);
    set_str(p, n, nm);
    next(p);
    if (at(p, "["))
        skip_group(p);
    listb bases = {0}, kws = {0}, body = {0};
    if (accept(p, "("))
        arglist(p, ")", &bases, &kws);
    for (uint32_t k = 0; k < kws.n; k++)
        push(p, &bases, kws.v[k]);
    suite(p, &body);
    if (n) {
        n->l1 = done(&body);
        n->l2 = done(&bases);
        n->l3 = done(decorators);
    }
    return n;
}

/* 'match' is a soft keyword: a match statement's first line ends with ':'. */
static bool at_match_stmt(const parser *p)
{
    if (!at(p, "match"))
        return false;
    const mp_py_tok *n = ahead(p, 1);
    static const char *const not_subject[] = {"=", ".", ":", ",", ")", ";", "+=", "-=",
                                              "*=", "/=", "//=", "%=", "**=", ">>=", "<<=",
                                              "&=", "^=", "|=", "@=", "]", "}"};
    if (n->kind == MP_PY_NEWLINE || n->kind == MP_PY_END)
        return false;
    for (size_t k = 0; k < sizeof not_subject / sizeof not_subject[0]; k++)
        if (tok_is(p, n, not_subject[k]))
            return false;
    int d = 0;
    const mp_py_tok *last = NULL;
    for (size_t j = p->i; j < p->toks->n; j++) {
        const mp_py_tok *t = &p->toks->tok[j];
        if (t->kind == MP_PY_NEWLINE || t->kind == MP_PY_END)
            break;
        if (tok_is(p, t, "(") || tok_is(p, t, "[") || tok_is(p, t, "{"))
            d++;
        else if (tok_is(p, t, ")") || tok_is(p, t, "]") || tok_is(p, t, "}"))
            d--;
        last = t;
    }
    return last && d == 0 && tok_is(p, last, ":");
}

/* Skip the rest of a header up to its final ':' at bracket depth 0. */
static void skip_to_colon(parser *p)
{
    int d = 0;
    while (!at_kind(p, MP_PY_END) && !at_kind(p, MP_PY_NEWLINE)) {
        if (d == 0 && at(p, ":"))
            return;
        if (at(p, "(") || at(p, "[") || at(p, "{"))
            d++;
        else if (at(p, ")") || at(p, "]") || at(p, "}"))
            d--;
        next(p);
    }
}

static mp_ast *match_stmt(parser *p)
{
    const mp_py_tok *t = cur(p);
    next(p);
    mp_ast *n = node_at(p, MP_AST_MATCH, t);
    mp_ast *subject = exprlist(p, star_or_named);
    if (expect(p, ":"))
        return NULL;
    if (!at_kind(p, MP_PY_NEWLINE)) {
        syntax_error(p);
        return NULL;
    }
    next(p);
    if (!at_kind(p, MP_PY_INDENT)) {
        fail_at(p, cur(p), "expected an indented block");
        return NULL;
    }
    next(p);
    listb cases = {0};
    while (!p->rc && at(p, "case")) {
        mp_ast *c = node_at(p, MP_AST_CASE, cur(p));
        next(p);
        skip_to_colon(p);
        listb body = {0};
        suite(p, &body);
        if (c)
            c->l1 = done(&body);
        push(p, &cases, c);
    }
    if (!p->rc && !at_kind(p, MP_PY_DEDENT))
        syntax_error(p);
    next(p);
    if (n) {
        n->a = subject;
        n->l1 = done(&cases);
    }
    return n;
}

static void statement(parser *p, listb *out)
{
    const mp_py_tok *t = cur(p);
    if (p->rc)
        return;
    if (t->kind == MP_PY_INDENT) {
        syntax_error(p);
        return;
    }
    if (at(p, "@")) {
        listb decorators = {0};
        while (!p->rc && at(p, "@")) {
            next(p);
            push(p, &decorators, namedexpr_test(p));
            if (!at_kind(p, MP_PY_NEWLINE)) {
                syntax_error(p);
                return;
            }
            next(p);
        }
        const mp_py_tok *d = cur(p);
        if (at(p, "def"))
            push(p, out, def_stmt(p, d, false, &decorators));
        else if (at(p, "async") && tok_is(p, ahead(p, 1), "def")) {
            next(p);
            push(p, out, def_stmt(p, d, true, &decorators));
        } else if (at(p, "class"))
            push(p, out, class_stmt(p, &decorators));
        else
            syntax_error(p);
        return;
    }
    if (at(p, "if")) {
        push(p, out, if_stmt(p));
    } else if (at(p, "while")) {
        push(p, out, while_stmt(p));
    } else if (at(p, "for")) {
        push(p, out, for_stmt(p, t, false));
    } else if (at(p, "try")) {
        push(p, out, try_stmt(p));
    } else if (at(p, "with")) {
        push(p, out, with_stmt(p, t, false));
    } else if (at(p, "def")) {
        listb none = {0};
        push(p, out, def_stmt(p, t, false, &none));
    } else if (at(p, "class")) {
        listb none = {0};
        push(p, out, class_stmt(p, &none));
    } else if (at(p, "async")) {
        next(p);
        if (at(p, "def")) {
            listb none = {0};
            push(p, out, def_stmt(p, t, true, &none));
        } else if (at(p, "for")) {
            push(p, out, for_stmt(p, t, true));
        } else if (at(p, "with")) {
            push(p, out, with_stmt(p, t, true));
        } else {
            syntax_error(p);
        }
    } else if (at_match_stmt(p)) {
        push(p, out, match_stmt(p));
    } else if (at(p, "type") && ahead(p, 1)->kind == MP_PY_NAME &&
               (tok_is(p, ahead(p, 2), "=") || tok_is(p, ahead(p, 2), "["))) {
        mp_ast *n = node_at(p, MP_AST_TYPEALIAS, t);
        while (!at_kind(p, MP_PY_NEWLINE) && !at_kind(p, MP_PY_END))
            next(p);
        next(p);
        push(p, out, n);
    } else if (at(p, "else") || at(p, "elif") || at(p, "except") || at(p, "finally")) {
        syntax_error(p);
    } else {
        simple_stmts(p, out);
    }
}

/* ---- entry points ------------------------------------------------------------- */

int mp_py_parse(const char *src, size_t len, mp_py_module *mod, mp_py_syntax *syn)
{
    memset(mod, 0, sizeof *mod);
    memset(syn, 0, sizeof *syn);
    int rc = mp_py_tokenize(src, len, &mod->toks, syn);
    if (rc)
        return rc;
    mod->arena = calloc(1, sizeof *mod->arena);
    if (!mod->arena)
        return MP_ENOMEM;
    parser p = {0};
    p.src = src;
    p.src_len = len;
    p.toks = &mod->toks;
    p.arena = mod->arena;
    p.syn = syn;
    p.n_nodes = &mod->n_nodes;
    listb body = {0};
    while (!p.rc && !at_kind(&p, MP_PY_END)) {
        if (at_kind(&p, MP_PY_NEWLINE)) {
            next(&p);
            continue;
        }
        statement(&p, &body);
    }
    mod->body = done(&body);
    return p.rc;
}

void mp_py_module_release(mp_py_module *mod)
{
    if (!mod)
        return;
    arena_free(mod->arena);
    mp_py_tokens_release(&mod->toks);
    memset(mod, 0, sizeof *mod);
}

bool mp_ast_str_eq(const mp_ast *n, const char *s)
{
    size_t k = strlen(s);
    return n && n->str && n->len == k && memcmp(n->str, s, k) == 0;
}

bool mp_ast_is_name(const mp_ast *n, const char *s)
{
    return n && n->kind == MP_AST_NAME && mp_ast_str_eq(n, s);
}
