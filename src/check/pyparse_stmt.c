/* pyparse_stmt.c - the statement rules of the Python parser (pp.h): simple
 * statements (imports, assignments, ...) and compound ones (if, loops, try,
 * with, def, class, match), with their blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/pp.h"
#include "check/pyast.h"
#include "util/error.h"

/* ---- statements ---------------------------------------------------------------------- */

void pp_statement(pp_parser *p, pp_listb *out);
static void block(pp_parser *p, pp_listb *out);

static void end_simple(pp_parser *p)
{
    if (!pp_at_kind(p, MP_PY_NEWLINE) && !pp_at(p, ";") && !p->rc)
        pp_syntax_error(p);
}

/* dotted_name: NAME ('.' NAME)* -> the text span */
static bool dotted_name(pp_parser *p, const char **s, uint32_t *len)
{
    const mp_py_tok *first = pp_cur(p);
    if (first->kind != MP_PY_NAME) {
        pp_syntax_error(p);
        return false;
    }
    const mp_py_tok *last = first;
    pp_next(p);
    while (pp_at(p, ".") && pp_ahead(p, 1)->kind == MP_PY_NAME) {
        pp_next(p);
        last = pp_cur(p);
        pp_next(p);
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
static bool as_name(pp_parser *p, mp_ast *n)
{
    if (!pp_accept(p, "as"))
        return true;
    if (!pp_at_kind(p, MP_PY_NAME)) {
        pp_syntax_error(p);
        return false;
    }
    if (n) {
        n->str2 = p->src + pp_cur(p)->off;
        n->len2 = pp_cur(p)->len;
    }
    pp_next(p);
    return true;
}

static mp_ast *import_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *n = pp_node_at(p, MP_AST_IMPORT, t);
    pp_listb l = {0};
    do {
        mp_ast *a = pp_node_at(p, MP_AST_ALIAS, pp_cur(p));
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
        pp_push(p, &l, a);
    } while (!p->rc && pp_accept(p, ","));
    if (n)
        n->l1 = pp_done(&l);
    return n;
}

static mp_ast *from_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *n = pp_node_at(p, MP_AST_IMPORT_FROM, t);
    int dots = 0;
    while (pp_at(p, ".") || pp_at(p, "...")) {
        dots += pp_at(p, ".") ? 1 : 3;
        pp_next(p);
    }
    if (n) {
        n->flags = (uint16_t)dots;
        n->str = p->src + pp_cur(p)->off;
        n->len = 0;
    }
    if (!pp_at(p, "import")) {
        const char *s = NULL;
        uint32_t len = 0;
        if (!dotted_name(p, &s, &len))
            return NULL;
        if (n) {
            n->str = s;
            n->len = len;
        }
    }
    if (pp_expect(p, "import"))
        return NULL;
    pp_listb l = {0};
    if (pp_at(p, "*")) {
        mp_ast *a = pp_node_at(p, MP_AST_ALIAS, pp_cur(p));
        pp_set_str(p, a, pp_cur(p));
        pp_next(p);
        pp_push(p, &l, a);
    } else {
        bool paren = pp_accept(p, "(");
        do {
            if (paren && pp_at(p, ")"))
                break;
            const mp_py_tok *nm = pp_cur(p);
            if (nm->kind != MP_PY_NAME) {
                pp_syntax_error(p);
                return NULL;
            }
            mp_ast *a = pp_node_at(p, MP_AST_ALIAS, nm);
            pp_set_str(p, a, nm);
            pp_next(p);
            if (!as_name(p, a))
                return NULL;
            pp_push(p, &l, a);
        } while (!p->rc && pp_accept(p, ","));
        if (paren)
            pp_expect(p, ")");
    }
    if (n)
        n->l1 = pp_done(&l);
    return n;
}

static mp_ast *names_stmt(pp_parser *p, mp_ast_kind kind)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *n = pp_node_at(p, kind, t);
    pp_listb l = {0};
    do {
        const mp_py_tok *nm = pp_cur(p);
        if (nm->kind != MP_PY_NAME || pp_is_keyword(p, nm)) {
            pp_syntax_error(p);
            return NULL;
        }
        mp_ast *x = pp_node_at(p, MP_AST_NAME, nm);
        pp_set_str(p, x, nm);
        pp_next(p);
        pp_push(p, &l, x);
    } while (!p->rc && pp_accept(p, ","));
    if (n)
        n->l1 = pp_done(&l);
    return n;
}

static bool at_augassign(const pp_parser *p)
{
    static const char *const ops[] = {"+=", "-=", "*=",  "/=",  "//=", "%=", "**=",
                                      ">>=", "<<=", "&=", "^=", "|=",  "@="};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (pp_at(p, ops[k]))
            return true;
    return false;
}

static mp_ast *rhs(pp_parser *p)
{
    if (pp_at(p, "yield"))
        return pp_yield_expr(p);
    return pp_exprlist(p, pp_star_test);
}

static mp_ast *expr_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    mp_ast *first = pp_at(p, "yield") ? pp_yield_expr(p) : pp_exprlist(p, pp_star_or_named);
    if (p->rc)
        return NULL;
    if (pp_at(p, ":")) {
        pp_next(p);
        mp_ast *n = pp_node_at(p, MP_AST_ANNASSIGN, t);
        mp_ast *ann = pp_test(p);
        mp_ast *v = pp_accept(p, "=") ? rhs(p) : NULL;
        if (n) {
            n->a = first;
            n->b = ann;
            n->c = v;
        }
        return n;
    }
    if (at_augassign(p)) {
        mp_ast *n = pp_node_at(p, MP_AST_AUGASSIGN, t);
        pp_set_str(p, n, pp_cur(p));
        pp_next(p);
        mp_ast *v = rhs(p);
        if (n) {
            n->a = first;
            n->b = v;
        }
        return n;
    }
    if (pp_at(p, "=")) {
        pp_listb targets = {0};
        mp_ast *last = first;
        while (!p->rc && pp_accept(p, "=")) {
            pp_push(p, &targets, last);
            last = rhs(p);
        }
        mp_ast *n = pp_node_at(p, MP_AST_ASSIGN, t);
        if (n) {
            n->l1 = pp_done(&targets);
            n->a = last;
        }
        return n;
    }
    mp_ast *n = pp_node_at(p, MP_AST_EXPR_STMT, t);
    if (n)
        n->a = first;
    return n;
}

static mp_ast *small_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    if (pp_at(p, "pass") || pp_at(p, "break") || pp_at(p, "continue")) {
        mp_ast_kind k = pp_at(p, "pass") ? MP_AST_PASS : pp_at(p, "break") ? MP_AST_BREAK
                                                                      : MP_AST_CONTINUE;
        pp_next(p);
        return pp_node_at(p, k, t);
    }
    if (pp_at(p, "return")) {
        pp_next(p);
        mp_ast *n = pp_node_at(p, MP_AST_RETURN, t);
        if (!pp_at_kind(p, MP_PY_NEWLINE) && !pp_at(p, ";")) {
            mp_ast *v = pp_exprlist(p, pp_star_test);
            if (n)
                n->a = v;
        }
        return n;
    }
    if (pp_at(p, "raise")) {
        pp_next(p);
        mp_ast *n = pp_node_at(p, MP_AST_RAISE, t);
        if (!pp_at_kind(p, MP_PY_NEWLINE) && !pp_at(p, ";")) {
            mp_ast *v = pp_test(p);
            mp_ast *from = pp_accept(p, "from") ? pp_test(p) : NULL;
            if (n) {
                n->a = v;
                n->b = from;
            }
        }
        return n;
    }
    if (pp_at(p, "global"))
        return names_stmt(p, MP_AST_GLOBAL);
    if (pp_at(p, "nonlocal"))
        return names_stmt(p, MP_AST_NONLOCAL);
    if (pp_at(p, "del")) {
        pp_next(p);
        mp_ast *n = pp_node_at(p, MP_AST_DEL, t);
        mp_ast *targets = pp_exprlist(p, pp_star_target);
        if (n && targets) {
            pp_listb l = {0};
            if (targets->kind == MP_AST_TUPLE)
                n->l1 = targets->l1;
            else {
                pp_push(p, &l, targets);
                n->l1 = pp_done(&l);
            }
        }
        return n;
    }
    if (pp_at(p, "assert")) {
        pp_next(p);
        mp_ast *n = pp_node_at(p, MP_AST_ASSERT, t);
        mp_ast *c = pp_test(p);
        mp_ast *msg = pp_accept(p, ",") ? pp_test(p) : NULL;
        if (n) {
            n->a = c;
            n->b = msg;
        }
        return n;
    }
    if (pp_at(p, "import"))
        return import_stmt(p);
    if (pp_at(p, "from"))
        return from_stmt(p);
    return expr_stmt(p);
}

static void simple_stmts(pp_parser *p, pp_listb *out)
{
    for (;;) {
        mp_ast *s = small_stmt(p);
        end_simple(p);
        pp_push(p, out, s);
        if (p->rc)
            return;
        if (pp_accept(p, ";")) {
            if (pp_at_kind(p, MP_PY_NEWLINE))
                break;
            continue;
        }
        break;
    }
    if (!pp_at_kind(p, MP_PY_NEWLINE)) {
        pp_syntax_error(p);
        return;
    }
    pp_next(p);
}

/* ':' then a suite: an indented block or simple statements on the line */
static void suite(pp_parser *p, pp_listb *out)
{
    if (pp_expect(p, ":"))
        return;
    block(p, out);
}

static void block(pp_parser *p, pp_listb *out)
{
    if (!pp_at_kind(p, MP_PY_NEWLINE)) {
        simple_stmts(p, out);
        return;
    }
    pp_next(p);
    if (!pp_at_kind(p, MP_PY_INDENT)) {
        pp_fail_at(p, pp_cur(p), "expected an indented block");
        return;
    }
    pp_next(p);
    while (!p->rc && !pp_at_kind(p, MP_PY_DEDENT) && !pp_at_kind(p, MP_PY_END))
        pp_statement(p, out);
    if (!p->rc && pp_at_kind(p, MP_PY_DEDENT))
        pp_next(p);
}

static mp_ast *if_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *n = pp_node_at(p, MP_AST_IF, t);
    mp_ast *c = pp_namedexpr_test(p);
    pp_listb body = {0}, orelse = {0};
    suite(p, &body);
    if (pp_at(p, "elif")) {
        /* an elif chain nests: each elif is the else block of the one before */
        if (pp_enter(p)) {
            pp_push(p, &orelse, if_stmt(p));
            pp_leave(p);
        }
    } else if (pp_at(p, "else")) {
        pp_next(p);
        suite(p, &orelse);
    }
    if (n) {
        n->a = c;
        n->l1 = pp_done(&body);
        n->l2 = pp_done(&orelse);
    }
    return n;
}

/* The block of a loop and its optional else block, into n->l1 and n->l2. */
static void loop_blocks(pp_parser *p, mp_ast *n)
{
    pp_listb body = {0}, orelse = {0};
    suite(p, &body);
    if (pp_accept(p, "else"))
        suite(p, &orelse);
    if (n) {
        n->l1 = pp_done(&body);
        n->l2 = pp_done(&orelse);
    }
}

static mp_ast *while_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *n = pp_node_at(p, MP_AST_WHILE, t);
    mp_ast *c = pp_namedexpr_test(p);
    if (n)
        n->a = c;
    loop_blocks(p, n);
    return n;
}

static mp_ast *for_stmt(pp_parser *p, const mp_py_tok *t, bool is_async)
{
    pp_next(p); /* for */
    mp_ast *n = pp_node_at(p, MP_AST_FOR, t);
    mp_ast *target = pp_exprlist(p, pp_star_target);
    pp_expect(p, "in");
    mp_ast *iter = pp_exprlist(p, pp_star_test);
    if (n) {
        n->flags = is_async;
        n->a = target;
        n->b = iter;
    }
    loop_blocks(p, n);
    return n;
}

static mp_ast *try_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *n = pp_node_at(p, MP_AST_TRY, t);
    pp_listb body = {0}, handlers = {0}, orelse = {0};
    suite(p, &body);
    while (!p->rc && pp_at(p, "except")) {
        mp_ast *h = pp_node_at(p, MP_AST_HANDLER, pp_cur(p));
        pp_next(p);
        pp_accept(p, "*");
        if (!pp_at(p, ":")) {
            mp_ast *type = pp_exprlist(p, pp_test);
            if (h)
                h->a = type;
            if (!as_name(p, h))
                return NULL;
        }
        pp_listb hb = {0};
        suite(p, &hb);
        if (h)
            h->l1 = pp_done(&hb);
        pp_push(p, &handlers, h);
    }
    if (pp_accept(p, "else"))
        suite(p, &orelse);
    mp_ast *fin = NULL;
    if (pp_at(p, "finally")) {
        fin = pp_node_at(p, MP_AST_BLOCK, pp_cur(p));
        pp_next(p);
        pp_listb fb = {0};
        suite(p, &fb);
        if (fin)
            fin->l1 = pp_done(&fb);
    }
    if (!handlers.n && !fin && !p->rc)
        pp_fail_at(p, pp_cur(p), "expected 'except' or 'finally' block");
    if (n) {
        n->l1 = pp_done(&body);
        n->l2 = pp_done(&handlers);
        n->l3 = pp_done(&orelse);
        n->a = fin;
    }
    return n;
}

static mp_ast *with_item(pp_parser *p)
{
    mp_ast *ctx = pp_at(p, "yield") ? pp_yield_expr(p) : pp_test(p);
    mp_ast *w = pp_node_from(p, MP_AST_WITHITEM, ctx);
    if (pp_accept(p, "as")) {
        mp_ast *target = pp_star_target(p);
        if (w)
            w->b = target;
    }
    if (w)
        w->a = ctx;
    return w;
}

/* Whether the '(' at the cursor closes right before the with statement's ':'
 * (the parenthesized form of Python 3.10: with (a as b, c as d):). */
static bool parenthesized_with(const pp_parser *p)
{
    int d = 0;
    for (size_t j = p->i; j < p->toks->n; j++) {
        const mp_py_tok *t = &p->toks->tok[j];
        if (t->kind == MP_PY_NEWLINE || t->kind == MP_PY_END)
            return false;
        if (pp_tok_is(p, t, "(") || pp_tok_is(p, t, "[") || pp_tok_is(p, t, "{"))
            d++;
        else if (pp_tok_is(p, t, ")") || pp_tok_is(p, t, "]") || pp_tok_is(p, t, "}")) {
            if (--d == 0)
                return j + 1 < p->toks->n && pp_tok_is(p, &p->toks->tok[j + 1], ":");
        }
    }
    return false;
}

static mp_ast *with_stmt(pp_parser *p, const mp_py_tok *t, bool is_async)
{
    pp_next(p); /* with */
    mp_ast *n = pp_node_at(p, MP_AST_WITH, t);
    pp_listb items = {0}, body = {0};
    if (pp_at(p, "(") && parenthesized_with(p)) {
        pp_next(p);
        while (!p->rc && !pp_at(p, ")")) {
            pp_push(p, &items, with_item(p));
            if (!pp_accept(p, ","))
                break;
        }
        pp_expect(p, ")");
    } else {
        do
            pp_push(p, &items, with_item(p));
        while (!p->rc && pp_accept(p, ","));
    }
    suite(p, &body);
    if (n) {
        n->flags = is_async;
        n->l1 = pp_done(&body);
        n->l2 = pp_done(&items);
    }
    return n;
}

/* Skip a balanced bracket group (type parameters: def f[T](...)). */
static void skip_group(pp_parser *p)
{
    int d = 0;
    do {
        if (pp_at(p, "(") || pp_at(p, "[") || pp_at(p, "{"))
            d++;
        else if (pp_at(p, ")") || pp_at(p, "]") || pp_at(p, "}"))
            d--;
        pp_next(p);
    } while (d > 0 && !pp_at_kind(p, MP_PY_END));
}

static mp_ast *def_stmt(pp_parser *p, const mp_py_tok *t, bool is_async, pp_listb *decorators)
{
    pp_next(p); /* def */
    const mp_py_tok *nm = pp_cur(p);
    if (nm->kind != MP_PY_NAME || pp_is_keyword(p, nm)) {
        pp_syntax_error(p);
        return NULL;
    }
    mp_ast *n = pp_node_at(p, MP_AST_DEF, t);
    pp_set_str(p, n, nm);
    pp_next(p);
    if (pp_at(p, "["))
        skip_group(p);
    pp_listb prm = {0}, body = {0};
    if (pp_expect(p, "("))
        return NULL;
    pp_params(p, ")", true, &prm);
    pp_expect(p, ")");
    mp_ast *ret = pp_accept(p, "->") ? pp_test(p) : NULL;
    suite(p, &body);
    if (n) {
        n->flags = is_async;
        n->a = ret;
        n->l1 = pp_done(&body);
        n->l2 = pp_done(&prm);
        n->l3 = pp_done(decorators);
    }
    return n;
}

static mp_ast *class_stmt(pp_parser *p, pp_listb *decorators)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    const mp_py_tok *nm = pp_cur(p);
    if (nm->kind != MP_PY_NAME || pp_is_keyword(p, nm)) {
        pp_syntax_error(p);
        return NULL;
    }
    mp_ast *n = pp_node_at(p, MP_AST_CLASS, t);
    pp_set_str(p, n, nm);
    pp_next(p);
    if (pp_at(p, "["))
        skip_group(p);
    pp_listb bases = {0}, kws = {0}, body = {0};
    if (pp_accept(p, "("))
        pp_arglist(p, ")", &bases, &kws);
    for (uint32_t k = 0; k < kws.n; k++)
        pp_push(p, &bases, kws.v[k]);
    suite(p, &body);
    if (n) {
        n->l1 = pp_done(&body);
        n->l2 = pp_done(&bases);
        n->l3 = pp_done(decorators);
    }
    return n;
}

/* 'match' is a soft keyword: a match statement's first line ends with ':'. */
static bool at_match_stmt(const pp_parser *p)
{
    if (!pp_at(p, "match"))
        return false;
    const mp_py_tok *n = pp_ahead(p, 1);
    static const char *const not_subject[] = {"=", ".", ":", ",", ")", ";", "+=", "-=",
                                              "*=", "/=", "//=", "%=", "**=", ">>=", "<<=",
                                              "&=", "^=", "|=", "@=", "]", "}"};
    if (n->kind == MP_PY_NEWLINE || n->kind == MP_PY_END)
        return false;
    for (size_t k = 0; k < sizeof not_subject / sizeof not_subject[0]; k++)
        if (pp_tok_is(p, n, not_subject[k]))
            return false;
    int d = 0;
    const mp_py_tok *last = NULL;
    for (size_t j = p->i; j < p->toks->n; j++) {
        const mp_py_tok *t = &p->toks->tok[j];
        if (t->kind == MP_PY_NEWLINE || t->kind == MP_PY_END)
            break;
        if (pp_tok_is(p, t, "(") || pp_tok_is(p, t, "[") || pp_tok_is(p, t, "{"))
            d++;
        else if (pp_tok_is(p, t, ")") || pp_tok_is(p, t, "]") || pp_tok_is(p, t, "}"))
            d--;
        last = t;
    }
    return last && d == 0 && pp_tok_is(p, last, ":");
}

/* Skip the rest of a header up to its final ':' at bracket depth 0. */
static void skip_to_colon(pp_parser *p)
{
    int d = 0;
    while (!pp_at_kind(p, MP_PY_END) && !pp_at_kind(p, MP_PY_NEWLINE)) {
        if (d == 0 && pp_at(p, ":"))
            return;
        if (pp_at(p, "(") || pp_at(p, "[") || pp_at(p, "{"))
            d++;
        else if (pp_at(p, ")") || pp_at(p, "]") || pp_at(p, "}"))
            d--;
        pp_next(p);
    }
}

static mp_ast *match_stmt(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    pp_next(p);
    mp_ast *n = pp_node_at(p, MP_AST_MATCH, t);
    mp_ast *subject = pp_exprlist(p, pp_star_or_named);
    if (pp_expect(p, ":"))
        return NULL;
    if (!pp_at_kind(p, MP_PY_NEWLINE)) {
        pp_syntax_error(p);
        return NULL;
    }
    pp_next(p);
    if (!pp_at_kind(p, MP_PY_INDENT)) {
        pp_fail_at(p, pp_cur(p), "expected an indented block");
        return NULL;
    }
    pp_next(p);
    pp_listb cases = {0};
    while (!p->rc && pp_at(p, "case")) {
        mp_ast *c = pp_node_at(p, MP_AST_CASE, pp_cur(p));
        pp_next(p);
        skip_to_colon(p);
        pp_listb body = {0};
        suite(p, &body);
        if (c)
            c->l1 = pp_done(&body);
        pp_push(p, &cases, c);
    }
    if (!p->rc && !pp_at_kind(p, MP_PY_DEDENT))
        pp_syntax_error(p);
    pp_next(p);
    if (n) {
        n->a = subject;
        n->l1 = pp_done(&cases);
    }
    return n;
}

void pp_statement(pp_parser *p, pp_listb *out)
{
    const mp_py_tok *t = pp_cur(p);
    if (p->rc)
        return;
    if (t->kind == MP_PY_INDENT) {
        pp_syntax_error(p);
        return;
    }
    if (pp_at(p, "@")) {
        pp_listb decorators = {0};
        while (!p->rc && pp_at(p, "@")) {
            pp_next(p);
            pp_push(p, &decorators, pp_namedexpr_test(p));
            if (!pp_at_kind(p, MP_PY_NEWLINE)) {
                pp_syntax_error(p);
                return;
            }
            pp_next(p);
        }
        const mp_py_tok *d = pp_cur(p);
        if (pp_at(p, "def"))
            pp_push(p, out, def_stmt(p, d, false, &decorators));
        else if (pp_at(p, "async") && pp_tok_is(p, pp_ahead(p, 1), "def")) {
            pp_next(p);
            pp_push(p, out, def_stmt(p, d, true, &decorators));
        } else if (pp_at(p, "class"))
            pp_push(p, out, class_stmt(p, &decorators));
        else
            pp_syntax_error(p);
        return;
    }
    if (pp_at(p, "if")) {
        pp_push(p, out, if_stmt(p));
    } else if (pp_at(p, "while")) {
        pp_push(p, out, while_stmt(p));
    } else if (pp_at(p, "for")) {
        pp_push(p, out, for_stmt(p, t, false));
    } else if (pp_at(p, "try")) {
        pp_push(p, out, try_stmt(p));
    } else if (pp_at(p, "with")) {
        pp_push(p, out, with_stmt(p, t, false));
    } else if (pp_at(p, "def")) {
        pp_listb none = {0};
        pp_push(p, out, def_stmt(p, t, false, &none));
    } else if (pp_at(p, "class")) {
        pp_listb none = {0};
        pp_push(p, out, class_stmt(p, &none));
    } else if (pp_at(p, "async")) {
        pp_next(p);
        if (pp_at(p, "def")) {
            pp_listb none = {0};
            pp_push(p, out, def_stmt(p, t, true, &none));
        } else if (pp_at(p, "for")) {
            pp_push(p, out, for_stmt(p, t, true));
        } else if (pp_at(p, "with")) {
            pp_push(p, out, with_stmt(p, t, true));
        } else {
            pp_syntax_error(p);
        }
    } else if (at_match_stmt(p)) {
        pp_push(p, out, match_stmt(p));
    } else if (pp_at(p, "type") && pp_ahead(p, 1)->kind == MP_PY_NAME &&
               (pp_tok_is(p, pp_ahead(p, 2), "=") || pp_tok_is(p, pp_ahead(p, 2), "["))) {
        mp_ast *n = pp_node_at(p, MP_AST_TYPEALIAS, t);
        while (!pp_at_kind(p, MP_PY_NEWLINE) && !pp_at_kind(p, MP_PY_END))
            pp_next(p);
        pp_next(p);
        pp_push(p, out, n);
    } else if (pp_at(p, "else") || pp_at(p, "elif") || pp_at(p, "except") || pp_at(p, "finally")) {
        pp_syntax_error(p);
    } else {
        simple_stmts(p, out);
    }
}
