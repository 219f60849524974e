/*
 * pp.h - internals of the Python parser, shared by pyparse.c (the arena,
 * the parser's state and the entry points), pyparse_expr.c (expressions)
 * and pyparse_stmt.c (statements).  Not a public header: callers use
 * pyast.h.  The functions follow the rules of Python's grammar; their names
 * are the rule names with a pp_ prefix.
 *
 * Errors are sticky: the first one sets p->rc (MP_EPARSE with p->syn
 * filled, or MP_ENOMEM) and every later call returns NULL / does nothing.
 */
#ifndef MP_CHECK_PP_H
#define MP_CHECK_PP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check/pyast.h"
#include "check/pytok.h"

#define MAX_RECURSION 400
/* Links of left-deep chains (trailers such as f()()() or a.b.c, binary
 * operators such as a+a+a) deepen the tree without the parser recursing;
 * the checker's walks recurse over the tree, so their depth is bounded too. */
#define MAX_CHAIN 5000

typedef struct pp_parser {
    const char *src;
    size_t src_len;
    const mp_py_tokens *toks;
    size_t i;
    mp_arena *arena;
    mp_py_syntax *syn;
    int rc;
    int depth;
    int chain;            /* links of the chains being parsed (MAX_CHAIN) */
    size_t *n_nodes;
} pp_parser;

/* Lists grow inside the arena; the abandoned arrays are a bounded waste. */
typedef struct pp_listb {
    mp_ast **v;
    uint32_t n, cap;
} pp_listb;

/* The current token, the one `k` after it (the END token past the end), and
 * a step forward (never past END). */
static inline const mp_py_tok *pp_cur(const pp_parser *p)
{
    return &p->toks->tok[p->i];
}

static inline const mp_py_tok *pp_ahead(const pp_parser *p, size_t k)
{
    size_t j = p->i + k;
    return j < p->toks->n ? &p->toks->tok[j] : &p->toks->tok[p->toks->n - 1];
}

static inline void pp_next(pp_parser *p)
{
    if (pp_cur(p)->kind != MP_PY_END)
        p->i++;
}

/* Whether token `t` is the operator or name `s`.  Called for every keyword
 * and operator test, so the first byte is compared before anything else. */
static inline bool pp_tok_is(const pp_parser *p, const mp_py_tok *t, const char *s)
{
    if ((t->kind != MP_PY_OP && t->kind != MP_PY_NAME) || p->src[t->off] != s[0])
        return false;
    size_t n = strlen(s);
    return t->len == n && memcmp(p->src + t->off, s, n) == 0;
}

static inline bool pp_at(const pp_parser *p, const char *s)
{
    return pp_tok_is(p, pp_cur(p), s);
}

static inline bool pp_at_kind(const pp_parser *p, mp_py_tok_kind k)
{
    return pp_cur(p)->kind == k;
}

/* Record a syntax error at token `t` (the first one wins); returns p->rc. */
int pp_fail_at(pp_parser *p, const mp_py_tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The usual complaint about the current token. */
int pp_syntax_error(pp_parser *p);
/* Step over the operator or name `s` when it is next; pp_expect records an
 * error ("expected 's'") when it is not. */
bool pp_accept(pp_parser *p, const char *s);
int pp_expect(pp_parser *p, const char *s);
/* A node that starts at token `t` / where `first` starts (NULL after an error). */
mp_ast *pp_node_at(pp_parser *p, mp_ast_kind kind, const mp_py_tok *t);
mp_ast *pp_node_from(pp_parser *p, mp_ast_kind kind, const mp_ast *first);
/* n->str / n->len = the text of token `t` (n may be NULL). */
void pp_set_str(pp_parser *p, mp_ast *n, const mp_py_tok *t);
/* Append to a list in the arena / the list as the tree holds it. */
void pp_push(pp_parser *p, pp_listb *l, mp_ast *x);
mp_ast_list pp_done(pp_listb *l);
/* Enter / leave a nested rule; false (and an error) past MAX_RECURSION. */
bool pp_enter(pp_parser *p);
void pp_leave(pp_parser *p);
/* One more link of a left-deep chain; false (and an error) when the chains
 * and the nesting together pass MAX_CHAIN.  The caller gives its links back
 * (p->chain -= links) when its chain ends. */
bool pp_chain_link(pp_parser *p);
/* Reserved words: never a NAME atom. */
bool pp_is_keyword(const pp_parser *p, const mp_py_tok *t);

/* ---- expressions (pyparse_expr.c) ----------------------------------------------- */

mp_ast *pp_test(pp_parser *p);
mp_ast *pp_namedexpr_test(pp_parser *p);
mp_ast *pp_star_or_named(pp_parser *p);
mp_ast *pp_star_target(pp_parser *p);
mp_ast *pp_star_test(pp_parser *p);
mp_ast *pp_yield_expr(pp_parser *p);
/* Comma-separated `elem`s up to the end of the list: one node, or a TUPLE. */
mp_ast *pp_exprlist(pp_parser *p, mp_ast *(*elem)(pp_parser *));
/* Call arguments up to `close`: positional ones into pos, keywords into kws. */
void pp_arglist(pp_parser *p, const char *close, pp_listb *pos, pp_listb *kws);
/* Parameters of a def (annotations allowed) or a lambda, up to `close`. */
void pp_params(pp_parser *p, const char *close, bool annotations, pp_listb *out);

/* ---- statements (pyparse_stmt.c) ------------------------------------------------ */

/* One statement (a compound one with its blocks) appended to `out`. */
void pp_statement(pp_parser *p, pp_listb *out);

#endif
