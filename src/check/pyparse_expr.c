/* pyparse_expr.c - the expression rules of the Python parser (pp.h):
 * atoms and displays, comprehensions, trailers, operators by precedence,
 * lambdas, conditional and named expressions, f-string fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/pp.h"
#include "check/pyast.h"
#include "util/error.h"

/* ---- expressions ------------------------------------------------------------------- */

mp_ast *pp_test(pp_parser *p);
static mp_ast *test_nocond(pp_parser *p);
mp_ast *pp_namedexpr_test(pp_parser *p);
static mp_ast *or_expr(pp_parser *p);
static mp_ast *factor(pp_parser *p);
mp_ast *pp_star_or_named(pp_parser *p);
mp_ast *pp_yield_expr(pp_parser *p);
static int parse_fields(pp_parser *p, const mp_py_tok *t, pp_listb *out);
mp_ast *pp_star_target(pp_parser *p);

/* '*' then an expression parsed by `inner`: a STARRED node (the cursor is
 * at the '*'). */
static mp_ast *starred(pp_parser *p, mp_ast *(*inner)(pp_parser *))
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *s = pp_node_at(p, MP_AST_STARRED, t);
    mp_ast *x = inner(p);
    if (s) {
        s->flags = 1;
        s->a = x;
    }
    return s;
}

static bool at_comp_for(const pp_parser *p)
{
    return pp_at(p, "for") || (pp_at(p, "async") && pp_tok_is(p, pp_ahead(p, 1), "for"));
}

/* comp_for: ('async')? 'for' exprlist 'in' or_test (comp_for | comp_if)* */
static void comp_fors(pp_parser *p, pp_listb *gens)
{
    while (!p->rc && at_comp_for(p)) {
        mp_ast *g = pp_node_at(p, MP_AST_COMPFOR, pp_cur(p));
        if (pp_accept(p, "async") && g)
            g->flags = 1;
        pp_expect(p, "for");
        /* exprlist */
        const mp_py_tok *t0 = pp_cur(p);
        pp_listb tl = {0};
        bool comma = false;
        for (;;) {
            pp_push(p, &tl, pp_star_target(p));
            if (p->rc || !pp_accept(p, ","))
                break;
            comma = true;
            if (pp_at(p, "in"))
                break;
        }
        mp_ast *target = tl.n == 1 && !comma ? tl.v[0] : NULL;
        if (!target && !p->rc) {
            target = pp_node_at(p, MP_AST_TUPLE, t0);
            if (target)
                target->l1 = pp_done(&tl);
        }
        pp_expect(p, "in");
        mp_ast *iter = test_nocond(p); /* or_test */
        pp_listb ifs = {0};
        while (!p->rc && pp_at(p, "if")) {
            pp_next(p);
            pp_push(p, &ifs, test_nocond(p));
        }
        if (g) {
            g->a = target;
            g->b = iter;
            g->l1 = pp_done(&ifs);
        }
        pp_push(p, gens, g);
    }
}

/* A comprehension after its element; `close` is the bracket that ends it
 * (NULL for a generator passed as the only argument of a call). */
static mp_ast *comprehension(pp_parser *p, const mp_py_tok *start, int kind, mp_ast *elt,
                             mp_ast *value, const char *close)
{
    mp_ast *c = pp_node_at(p, MP_AST_COMP, start);
    pp_listb gens = {0};
    comp_fors(p, &gens);
    if (close)
        pp_expect(p, close);
    if (c) {
        c->flags = (uint16_t)kind;
        c->a = elt;
        c->b = value;
        c->l1 = pp_done(&gens);
    }
    return c;
}

/* The rest of a tuple, list or set display after its first element: more
 * elements (a trailing comma allowed), the closing bracket, the node. */
static mp_ast *display_rest(pp_parser *p, const mp_py_tok *start, mp_ast_kind kind, mp_ast *first,
                            const char *close)
{
    pp_listb l = {0};
    pp_push(p, &l, first);
    while (!p->rc && pp_accept(p, ",")) {
        if (pp_at(p, close))
            break;
        pp_push(p, &l, pp_star_or_named(p));
    }
    pp_expect(p, close);
    mp_ast *n = pp_node_at(p, kind, start);
    if (n)
        n->l1 = pp_done(&l);
    return n;
}

/* '(' ... ')': tuple, parenthesized expression, generator, yield */
static mp_ast *paren_atom(pp_parser *p)
{
    const mp_py_tok *start = pp_cur(p);
    pp_next(p);
    if (pp_accept(p, ")")) {
        mp_ast *t = pp_node_at(p, MP_AST_TUPLE, start);
        return t;
    }
    if (pp_at(p, "yield")) {
        mp_ast *y = pp_yield_expr(p);
        pp_expect(p, ")");
        return y;
    }
    mp_ast *first = pp_star_or_named(p);
    if (at_comp_for(p)) {
        return comprehension(p, start, MP_AST_COMP_GEN, first, NULL, ")");
    }
    if (!pp_at(p, ",")) {
        pp_expect(p, ")");
        return first;
    }
    return display_rest(p, start, MP_AST_TUPLE, first, ")");
}

static mp_ast *list_atom(pp_parser *p)
{
    const mp_py_tok *start = pp_cur(p);
    pp_next(p);
    if (pp_accept(p, "]"))
        return pp_node_at(p, MP_AST_LIST, start);
    mp_ast *first = pp_star_or_named(p);
    if (at_comp_for(p)) {
        return comprehension(p, start, MP_AST_COMP_LIST, first, NULL, "]");
    }
    return display_rest(p, start, MP_AST_LIST, first, "]");
}

static mp_ast *brace_atom(pp_parser *p)
{
    const mp_py_tok *start = pp_cur(p);
    pp_next(p);
    if (pp_accept(p, "}"))
        return pp_node_at(p, MP_AST_DICT, start);
    pp_listb keys = {0}, vals = {0};
    bool is_dict;
    mp_ast *k = NULL, *v = NULL;
    if (pp_at(p, "**")) {
        pp_next(p);
        is_dict = true;
        v = or_expr(p);
    } else {
        k = pp_star_or_named(p);
        is_dict = pp_at(p, ":");
        if (is_dict) {
            pp_next(p);
            v = pp_test(p);
        }
    }
    if (at_comp_for(p) && (k || !is_dict)) {
        return comprehension(p, start, is_dict ? MP_AST_COMP_DICT : MP_AST_COMP_SET, k,
                             is_dict ? v : NULL, "}");
    }
    if (is_dict) {
        pp_push(p, &keys, k);
        pp_push(p, &vals, v);
        while (!p->rc && pp_accept(p, ",")) {
            if (pp_at(p, "}"))
                break;
            if (pp_accept(p, "**")) {
                pp_push(p, &keys, NULL);
                pp_push(p, &vals, or_expr(p));
                continue;
            }
            pp_push(p, &keys, pp_test(p));
            pp_expect(p, ":");
            pp_push(p, &vals, pp_test(p));
        }
        pp_expect(p, "}");
        mp_ast *d = pp_node_at(p, MP_AST_DICT, start);
        if (d) {
            d->l1 = pp_done(&keys);
            d->l2 = pp_done(&vals);
        }
        return d;
    }
    return display_rest(p, start, MP_AST_SET, k, "}");
}

static mp_ast *atom(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    if (p->rc)
        return NULL;
    switch (t->kind) {
    case MP_PY_NAME: {
        if (pp_tok_is(p, t, "None") || pp_tok_is(p, t, "True") || pp_tok_is(p, t, "False")) {
            mp_ast *n = pp_node_at(p, MP_AST_CONST, t);
            pp_set_str(p, n, t);
            pp_next(p);
            return n;
        }
        if (pp_is_keyword(p, t)) {
            pp_syntax_error(p);
            return NULL;
        }
        mp_ast *n = pp_node_at(p, MP_AST_NAME, t);
        pp_set_str(p, n, t);
        pp_next(p);
        return n;
    }
    case MP_PY_NUMBER: {
        mp_ast *n = pp_node_at(p, MP_AST_NUM, t);
        pp_set_str(p, n, t);
        pp_next(p);
        return n;
    }
    case MP_PY_STRING: {
        mp_ast *n = pp_node_at(p, MP_AST_STR, t);
        pp_set_str(p, n, t);
        pp_listb fields = {0};
        bool bytes = (t->flags & MP_PY_STR_BYTES) != 0;
        while (!p->rc && pp_at_kind(p, MP_PY_STRING)) {
            const mp_py_tok *s = pp_cur(p);
            if (((s->flags & MP_PY_STR_BYTES) != 0) != bytes) {
                pp_fail_at(p, s, "cannot mix bytes and nonbytes literals");
                return NULL;
            }
            if (n)
                n->flags |= s->flags;
            if (s->n_fields)
                parse_fields(p, s, &fields);
            pp_next(p);
        }
        if (n)
            n->l1 = pp_done(&fields);
        return n;
    }
    case MP_PY_OP:
        if (pp_tok_is(p, t, "("))
            return paren_atom(p);
        if (pp_tok_is(p, t, "["))
            return list_atom(p);
        if (pp_tok_is(p, t, "{"))
            return brace_atom(p);
        if (pp_tok_is(p, t, "...")) {
            mp_ast *n = pp_node_at(p, MP_AST_ELLIPSIS, t);
            pp_set_str(p, n, t);
            pp_next(p);
            return n;
        }
        break;
    default:
        break;
    }
    pp_syntax_error(p);
    return NULL;
}

/* arglist of a call or class header: into positional (l1) and keyword (l2) */
void pp_arglist(pp_parser *p, const char *close, pp_listb *pos, pp_listb *kws)
{
    while (!p->rc && !pp_at(p, close)) {
        const mp_py_tok *t = pp_cur(p);
        if (pp_at(p, "*")) {
            pp_push(p, pos, starred(p, pp_test));
        } else if (pp_at(p, "**")) {
            pp_next(p);
            mp_ast *k = pp_node_at(p, MP_AST_KEYWORD, t);
            if (k) {
                k->str = p->src + t->off;
                k->len = 0;
                k->line2 = pp_cur(p)->line;
                k->col2 = pp_cur(p)->col;
                k->a = pp_test(p);
            }
            pp_push(p, kws, k);
        } else if (t->kind == MP_PY_NAME && pp_tok_is(p, pp_ahead(p, 1), "=") && !pp_is_keyword(p, t)) {
            mp_ast *k = pp_node_at(p, MP_AST_KEYWORD, t);
            pp_set_str(p, k, t);
            pp_next(p);
            pp_next(p);
            if (k) {
                k->line2 = pp_cur(p)->line;
                k->col2 = pp_cur(p)->col;
                k->a = pp_test(p);
            }
            pp_push(p, kws, k);
        } else {
            mp_ast *e = pp_namedexpr_test(p);
            if (at_comp_for(p))
                e = comprehension(p, t, MP_AST_COMP_GEN, e, NULL, NULL);
            pp_push(p, pos, e);
        }
        if (!pp_accept(p, ","))
            break;
    }
    pp_expect(p, close);
}

/* subscript: test | [test] ':' [test] [':' [test]] | star_expr */
static mp_ast *subscript(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    mp_ast *lo = NULL;
    if (pp_at(p, "*"))
        return starred(p, or_expr);
    if (!pp_at(p, ":"))
        lo = pp_namedexpr_test(p);
    if (!pp_at(p, ":"))
        return lo;
    mp_ast *sl = pp_node_at(p, MP_AST_SLICE, t);
    pp_next(p);
    if (sl)
        sl->a = lo;
    if (!pp_at(p, ":") && !pp_at(p, ",") && !pp_at(p, "]")) {
        mp_ast *hi = pp_test(p);
        if (sl)
            sl->b = hi;
    }
    if (pp_accept(p, ":") && !pp_at(p, ",") && !pp_at(p, "]")) {
        mp_ast *st = pp_test(p);
        if (sl)
            sl->c = st;
    }
    return sl;
}

static mp_ast *trailers(pp_parser *p, mp_ast *e)
{
    int links = 0;
    while (!p->rc && e) {
        const mp_py_tok *t = pp_cur(p);
        bool trailer = pp_tok_is(p, t, "(") || pp_tok_is(p, t, "[") || pp_tok_is(p, t, ".");
        if (trailer && !pp_chain_link(p)) {
            links++;
            e = NULL;
            break;
        }
        links += trailer;
        if (pp_tok_is(p, t, "(")) {
            pp_next(p);
            mp_ast *c = pp_node_from(p, MP_AST_CALL, e);
            pp_listb pos = {0}, kws = {0};
            pp_arglist(p, ")", &pos, &kws);
            if (c) {
                c->a = e;
                c->l1 = pp_done(&pos);
                c->l2 = pp_done(&kws);
                c->line2 = t->line;
                c->col2 = t->col;
            }
            e = c;
        } else if (pp_tok_is(p, t, "[")) {
            pp_next(p);
            mp_ast *s = pp_node_from(p, MP_AST_SUBSCRIPT, e);
            mp_ast *first = subscript(p);
            mp_ast *idx = first;
            if (pp_at(p, ",")) {
                pp_listb l = {0};
                pp_push(p, &l, first);
                while (!p->rc && pp_accept(p, ",")) {
                    if (pp_at(p, "]"))
                        break;
                    pp_push(p, &l, subscript(p));
                }
                idx = pp_node_from(p, MP_AST_TUPLE, first);
                if (idx)
                    idx->l1 = pp_done(&l);
            }
            pp_expect(p, "]");
            if (s) {
                s->a = e;
                s->b = idx;
            }
            e = s;
        } else if (pp_tok_is(p, t, ".")) {
            pp_next(p);
            const mp_py_tok *nm = pp_cur(p);
            if (nm->kind != MP_PY_NAME) {
                pp_syntax_error(p);
                e = NULL;
                break;
            }
            mp_ast *a = pp_node_from(p, MP_AST_ATTR, e);
            if (a) {
                a->a = e;
                pp_set_str(p, a, nm);
                a->line2 = nm->line;
                a->col2 = nm->col;
            }
            pp_next(p);
            e = a;
        } else {
            break;
        }
    }
    p->chain -= links;
    return e;
}

/* power: ['await'] atom trailer* ['**' factor] */
static mp_ast *power(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    mp_ast *e;
    if (pp_at(p, "await")) {
        pp_next(p);
        e = pp_node_at(p, MP_AST_AWAIT, t);
        mp_ast *inner = trailers(p, atom(p));
        if (e)
            e->a = inner;
    } else {
        e = trailers(p, atom(p));
    }
    if (pp_at(p, "**")) {
        const mp_py_tok *op = pp_cur(p);
        pp_next(p);
        mp_ast *b = pp_node_from(p, MP_AST_BINOP, e);
        mp_ast *rhs = factor(p);
        if (b) {
            b->a = e;
            b->b = rhs;
            pp_set_str(p, b, op);
        }
        e = b;
    }
    return e;
}

/* A prefix operator (the current token) applied to what `operand` parses. */
static mp_ast *unary(pp_parser *p, mp_ast *(*operand)(pp_parser *))
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *e = pp_node_at(p, MP_AST_UNARY, t);
    mp_ast *x = operand(p);
    if (e) {
        pp_set_str(p, e, t);
        e->a = x;
    }
    return e;
}

static mp_ast *factor(pp_parser *p)
{
    if (!pp_enter(p))
        return NULL;
    mp_ast *e = pp_at(p, "-") || pp_at(p, "+") || pp_at(p, "~") ? unary(p, factor) : power(p);
    pp_leave(p);
    return e;
}

/* Binary operators by precedence level, loosest first. */
static const char *const bin_levels[][5] = {
    {"|", NULL}, {"^", NULL}, {"&", NULL}, {"<<", ">>", NULL}, {"+", "-", NULL},
    {"*", "/", "//", "%", "@"},
};
enum { N_BIN_LEVELS = sizeof bin_levels / sizeof bin_levels[0] };

static mp_ast *binary(pp_parser *p, int level)
{
    if (level >= N_BIN_LEVELS)
        return factor(p);
    mp_ast *e = binary(p, level + 1);
    int links = 0;
    for (;;) {
        const mp_py_tok *t = pp_cur(p);
        bool match = false;
        if (t->kind == MP_PY_OP)
            for (int k = 0; k < 5 && bin_levels[level][k]; k++)
                if (pp_tok_is(p, t, bin_levels[level][k]))
                    match = true;
        if (!match || p->rc || (links++, !pp_chain_link(p))) {
            p->chain -= links;
            return e;
        }
        pp_next(p);
        mp_ast *b = pp_node_from(p, MP_AST_BINOP, e);
        mp_ast *rhs = binary(p, level + 1);
        if (b) {
            b->a = e;
            b->b = rhs;
            pp_set_str(p, b, t);
        }
        e = b;
    }
}

static mp_ast *or_expr(pp_parser *p)
{
    return binary(p, 0);
}

static bool comp_op(pp_parser *p)
{
    static const char *const ops[] = {"<", ">", "==", ">=", "<=", "!=", "in", "is"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (pp_at(p, ops[k]))
            return true;
    return pp_at(p, "not") && pp_tok_is(p, pp_ahead(p, 1), "in");
}

static mp_ast *comparison(pp_parser *p)
{
    mp_ast *e = or_expr(p);
    if (!comp_op(p) || p->rc)
        return e;
    mp_ast *c = pp_node_from(p, MP_AST_COMPARE, e);
    pp_listb l = {0};
    pp_push(p, &l, e);
    if (c)
        pp_set_str(p, c, pp_cur(p));
    while (!p->rc && comp_op(p)) {
        if (pp_at(p, "not") || (pp_at(p, "is") && pp_tok_is(p, pp_ahead(p, 1), "not")))
            pp_next(p);
        pp_next(p);
        pp_push(p, &l, or_expr(p));
    }
    if (c)
        c->l1 = pp_done(&l);
    return c;
}

static mp_ast *not_test(pp_parser *p)
{
    if (!pp_enter(p))
        return NULL;
    mp_ast *e = pp_at(p, "not") ? unary(p, not_test) : comparison(p);
    pp_leave(p);
    return e;
}

static mp_ast *boolop(pp_parser *p, const char *op)
{
    bool is_or = op[0] == 'o';
    mp_ast *e = is_or ? boolop(p, "and") : not_test(p);
    if (!pp_at(p, op) || p->rc)
        return e;
    mp_ast *b = pp_node_from(p, MP_AST_BOOLOP, e);
    if (b)
        pp_set_str(p, b, pp_cur(p));
    pp_listb l = {0};
    pp_push(p, &l, e);
    while (!p->rc && pp_accept(p, op))
        pp_push(p, &l, is_or ? boolop(p, "and") : not_test(p));
    if (b)
        b->l1 = pp_done(&l);
    return b;
}

static mp_ast *or_test(pp_parser *p)
{
    return boolop(p, "or");
}

/* Parameters of a def (close ")", annotations allowed) or a lambda (close ":"). */
void pp_params(pp_parser *p, const char *close, bool annotations, pp_listb *out)
{
    bool kwonly = false;
    while (!p->rc && !pp_at(p, close)) {
        const mp_py_tok *t = pp_cur(p);
        if (pp_accept(p, "/")) {
            for (uint32_t k = 0; k < out->n; k++)
                if (out->v[k])
                    out->v[k]->flags |= MP_AST_PARAM_POSONLY;
        } else {
            int flags = kwonly ? MP_AST_PARAM_KWONLY : 0;
            if (pp_accept(p, "*")) {
                kwonly = true;
                if (pp_at(p, ",") || pp_at(p, close)) {
                    if (!pp_accept(p, ","))
                        break;
                    continue;
                }
                flags = MP_AST_PARAM_VARARG;
            } else if (pp_accept(p, "**")) {
                flags = MP_AST_PARAM_KWARG;
            }
            const mp_py_tok *nm = pp_cur(p);
            if (nm->kind != MP_PY_NAME || pp_is_keyword(p, nm)) {
                pp_syntax_error(p);
                return;
            }
            mp_ast *prm = pp_node_at(p, MP_AST_PARAM, t);
            pp_set_str(p, prm, nm);
            pp_next(p);
            if (annotations && pp_accept(p, ":")) {
                /* PEP 646: *args: *Ts */
                mp_ast *ann = pp_at(p, "*") ? pp_star_or_named(p) : pp_test(p);
                if (prm)
                    prm->b = ann;
            }
            if (pp_accept(p, "=")) {
                mp_ast *d = pp_test(p);
                if (prm)
                    prm->a = d;
            }
            if (prm)
                prm->flags = (uint16_t)flags;
            pp_push(p, out, prm);
        }
        if (!pp_accept(p, ","))
            break;
    }
}

static mp_ast *lambdef(pp_parser *p, bool nocond)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *l = pp_node_at(p, MP_AST_LAMBDA, t);
    pp_listb prm = {0};
    pp_params(p, ":", false, &prm);
    pp_expect(p, ":");
    mp_ast *body = nocond ? test_nocond(p) : pp_test(p);
    if (l) {
        l->l1 = pp_done(&prm);
        l->a = body;
    }
    return l;
}

mp_ast *pp_test(pp_parser *p)
{
    if (!pp_enter(p))
        return NULL;
    mp_ast *e;
    if (pp_at(p, "lambda")) {
        e = lambdef(p, false);
    } else {
        e = or_test(p);
        if (pp_at(p, "if") && !p->rc) {
            pp_next(p);
            mp_ast *c = pp_node_from(p, MP_AST_IFEXP, e);
            mp_ast *cond = or_test(p);
            pp_expect(p, "else");
            mp_ast *orelse = pp_test(p);
            if (c) {
                c->a = e;
                c->b = cond;
                c->c = orelse;
            }
            e = c;
        }
    }
    pp_leave(p);
    return e;
}

static mp_ast *test_nocond(pp_parser *p)
{
    if (pp_at(p, "lambda"))
        return lambdef(p, true);
    return or_test(p);
}

mp_ast *pp_namedexpr_test(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    if (t->kind == MP_PY_NAME && pp_tok_is(p, pp_ahead(p, 1), ":=")) {
        mp_ast *target = atom(p);
        pp_next(p);
        mp_ast *n = pp_node_at(p, MP_AST_NAMED, t);
        mp_ast *v = pp_test(p);
        if (n) {
            n->a = target;
            n->b = v;
        }
        return n;
    }
    return pp_test(p);
}

/* '*' expr | namedexpr_test (an element of a display or tuple) */
mp_ast *pp_star_or_named(pp_parser *p)
{
    return pp_at(p, "*") ? starred(p, or_expr) : pp_namedexpr_test(p);
}

/* Tokens that end an expression list (for trailing commas). */
static bool ends_exprlist(const pp_parser *p)
{
    static const char *const enders[] = {"=",  ")",   "]",   "}",   ":",   ";",   "+=", "-=",
                                         "*=", "/=",  "//=", "%=",  "**=", ">>=", "<<=", "&=",
                                         "^=", "|=",  "@=",  "in"};
    if (pp_at_kind(p, MP_PY_NEWLINE) || pp_at_kind(p, MP_PY_END))
        return true;
    for (size_t k = 0; k < sizeof enders / sizeof enders[0]; k++)
        if (pp_at(p, enders[k]))
            return true;
    return false;
}

/* testlist_star_expr: elements separated by commas; a tuple when a comma
 * appears.  `elem` parses one element. */
mp_ast *pp_exprlist(pp_parser *p, mp_ast *(*elem)(pp_parser *))
{
    mp_ast *first = elem(p);
    if (!pp_at(p, ",") || p->rc)
        return first;
    pp_listb l = {0};
    pp_push(p, &l, first);
    while (!p->rc && pp_accept(p, ",")) {
        if (ends_exprlist(p))
            break;
        pp_push(p, &l, elem(p));
    }
    mp_ast *t = pp_node_from(p, MP_AST_TUPLE, first);
    if (t)
        t->l1 = pp_done(&l);
    return t;
}

mp_ast *pp_star_target(pp_parser *p)
{
    return pp_at(p, "*") ? starred(p, or_expr) : or_expr(p);
}

mp_ast *pp_star_test(pp_parser *p)
{
    return pp_at(p, "*") ? starred(p, or_expr) : pp_test(p);
}

mp_ast *pp_yield_expr(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *y = pp_node_at(p, MP_AST_YIELD, t);
    if (pp_accept(p, "from")) {
        mp_ast *x = pp_test(p);
        if (y) {
            y->flags = 1;
            y->a = x;
        }
        return y;
    }
    if (!ends_exprlist(p)) {
        mp_ast *x = pp_exprlist(p, pp_star_test);
        if (y)
            y->a = x;
    }
    return y;
}

/* The expression of one f-string replacement field. */
static int parse_fields(pp_parser *p, const mp_py_tok *t, pp_listb *out)
{
    for (uint32_t k = 0; k < t->n_fields && !p->rc; k++) {
        const mp_py_span *f = &p->toks->field[t->field0 + k];
        mp_py_tokens sub = MP_PY_TOKENS_INIT;
        int rc = mp_py_tokenize_expr(p->src, f->off, f->len, f->line, f->col, &sub, p->syn);
        if (rc) {
            mp_py_tokens_release(&sub);
            return p->rc = rc;
        }
        pp_parser sp = *p;
        sp.toks = &sub;
        sp.i = 0;
        mp_ast *e = NULL;
        if (sub.tok[0].kind == MP_PY_END)
            pp_fail_at(&sp, &sub.tok[0], "f-string: valid expression required before '}'");
        else if (pp_at(&sp, "yield"))
            e = pp_yield_expr(&sp);
        else
            e = pp_exprlist(&sp, pp_star_or_named);
        if (!sp.rc && !pp_at_kind(&sp, MP_PY_END))
            pp_syntax_error(&sp);
        p->rc = sp.rc;
        mp_py_tokens_release(&sub);
        pp_push(p, out, e);
    }
    return p->rc;
}
