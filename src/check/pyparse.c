/* pyparse.c - recursive-descent parser from pytok tokens to the syntax tree
 * of pyast.h.  The functions follow the rules of Python's grammar (3.12,
 * with 3.14's unparenthesized except lists); their names are the rule names.
 * This file holds the parser's state and the entry points (the tree lives
 * in the common arena, util/arena.h, with a byte limit); the
 * rules are in pyparse_expr.c and pyparse_stmt.c (pp.h). */
#include "check/pyast.h"
#include "check/pp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* ---- parser state ----------------------------------------------------------------- */


int pp_fail_at(pp_parser *p, const mp_py_tok *t, const char *fmt, ...)
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
int pp_syntax_error(pp_parser *p)
{
    const mp_py_tok *t = pp_cur(p);
    switch (t->kind) {
    case MP_PY_INDENT:
        return pp_fail_at(p, t, "unexpected indent");
    case MP_PY_NEWLINE:
    case MP_PY_END:
        return pp_fail_at(p, t, "invalid syntax: unexpected end of line");
    case MP_PY_DEDENT:
        return pp_fail_at(p, t, "invalid syntax: unexpected dedent");
    default:
        break;
    }
    int n = t->len > 40 ? 40 : (int)t->len;
    return pp_fail_at(p, t, "invalid syntax at '%.*s'", n, p->src + t->off);
}

bool pp_accept(pp_parser *p, const char *s)
{
    if (!pp_at(p, s))
        return false;
    pp_next(p);
    return true;
}

int pp_expect(pp_parser *p, const char *s)
{
    if (pp_accept(p, s))
        return 0;
    if (p->rc)
        return p->rc;
    const mp_py_tok *t = pp_cur(p);
    if (t->kind == MP_PY_NAME || t->kind == MP_PY_OP || t->kind == MP_PY_NUMBER ||
        t->kind == MP_PY_STRING) {
        int n = t->len > 40 ? 40 : (int)t->len;
        return pp_fail_at(p, t, "invalid syntax: expected '%s', found '%.*s'", s, n,
                       p->src + t->off);
    }
    return pp_fail_at(p, t, "invalid syntax: expected '%s'", s);
}

/* A node of `kind` starting at (line, col, off). */
static mp_ast *new_node(pp_parser *p, mp_ast_kind kind, uint32_t line, uint32_t col, uint32_t off)
{
    if (p->rc)
        return NULL;
    mp_ast *n = mp_arena_alloc(p->arena, sizeof *n);
    if (!n) {
        p->rc = mp_arena_over_limit(p->arena) ? MP_ELIMIT : MP_ENOMEM;
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
mp_ast *pp_node_at(pp_parser *p, mp_ast_kind kind, const mp_py_tok *t)
{
    return new_node(p, kind, t->line, t->col, t->off);
}

/* A node that starts where `first` starts. */
mp_ast *pp_node_from(pp_parser *p, mp_ast_kind kind, const mp_ast *first)
{
    return first ? new_node(p, kind, first->line, first->col, first->off) : NULL;
}

void pp_set_str(pp_parser *p, mp_ast *n, const mp_py_tok *t)
{
    if (n) {
        n->str = p->src + t->off;
        n->len = t->len;
    }
}

void pp_push(pp_parser *p, pp_listb *l, mp_ast *x)
{
    if (p->rc)
        return;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        mp_ast **v = mp_arena_alloc(p->arena, cap * sizeof *v);
        if (!v) {
            p->rc = mp_arena_over_limit(p->arena) ? MP_ELIMIT : MP_ENOMEM;
            return;
        }
        if (l->n)
            memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
}

mp_ast_list pp_done(pp_listb *l)
{
    return (mp_ast_list){l->v, l->n};
}

bool pp_enter(pp_parser *p)
{
    if (++p->depth > MAX_RECURSION) {
        pp_fail_at(p, pp_cur(p), "too deeply nested expression or statement");
        return false;
    }
    return true;
}

void pp_leave(pp_parser *p)
{
    p->depth--;
}

bool pp_chain_link(pp_parser *p)
{
    if (++p->chain + p->depth > MAX_CHAIN) {
        pp_fail_at(p, pp_cur(p), "too deeply nested expression or statement");
        return false;
    }
    return true;
}

/* Reserved words: never a NAME atom. */
bool pp_is_keyword(const pp_parser *p, const mp_py_tok *t)
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
        if (pp_tok_is(p, t, kw[i]))
            return true;
    return false;
}

/* ---- entry points ------------------------------------------------------------- */

int mp_py_parse(const char *src, size_t len, mp_py_module *mod, mp_py_syntax *syn)
{
    memset(mod, 0, sizeof *mod);
    memset(syn, 0, sizeof *syn);
    int rc = mp_py_tokenize(src, len, &mod->toks, syn);
    if (rc)
        return rc;
    mod->arena = mp_arena_new_limited(MP_PY_TREE_MAX_BYTES);
    if (!mod->arena)
        return MP_ENOMEM;
    pp_parser p = {0};
    p.src = src;
    p.src_len = len;
    p.toks = &mod->toks;
    p.arena = mod->arena;
    p.syn = syn;
    p.n_nodes = &mod->n_nodes;
    pp_listb body = {0};
    while (!p.rc && !pp_at_kind(&p, MP_PY_END)) {
        if (pp_at_kind(&p, MP_PY_NEWLINE)) {
            pp_next(&p);
            continue;
        }
        pp_statement(&p, &body);
    }
    mod->body = pp_done(&body);
    return p.rc;
}

void mp_py_module_release(mp_py_module *mod)
{
    if (!mod)
        return;
    mp_arena_free(mod->arena);
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
