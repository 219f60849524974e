/* walk.c - walks over the expressions and statements of a parsed module,
 * with the scope each is evaluated in (ck.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "util/text.h"

void ck_walk_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, ck_expr_fn fn,
                  void *ud)
{
    if (!e)
        return;
    fn(c, scope, e, parent, ud);
    switch (e->kind) {
    case MP_AST_LAMBDA: {
        int ns = ck_scope_of(c, e);
        for (uint32_t i = 0; i < e->l1.n; i++)
            if (e->l1.v[i])
                ck_walk_expr(c, scope, e->l1.v[i]->a, e, fn, ud);
        ck_walk_expr(c, ns, e->a, e, fn, ud);
        return;
    }
    case MP_AST_COMP: {
        int ns = ck_scope_of(c, e);
        for (uint32_t i = 0; i < e->l1.n; i++) {
            const mp_ast *g = e->l1.v[i];
            if (!g)
                continue;
            ck_walk_expr(c, ns, g->a, e, fn, ud);
            ck_walk_expr(c, i == 0 ? scope : ns, g->b, e, fn, ud);
            for (uint32_t k = 0; k < g->l1.n; k++)
                ck_walk_expr(c, ns, g->l1.v[k], e, fn, ud);
        }
        ck_walk_expr(c, ns, e->a, e, fn, ud);
        ck_walk_expr(c, ns, e->b, e, fn, ud);
        return;
    }
    default:
        break;
    }
    ck_walk_expr(c, scope, e->a, e, fn, ud);
    ck_walk_expr(c, scope, e->b, e, fn, ud);
    ck_walk_expr(c, scope, e->c, e, fn, ud);
    for (uint32_t i = 0; i < e->l1.n; i++)
        ck_walk_expr(c, scope, e->l1.v[i], e, fn, ud);
    for (uint32_t i = 0; i < e->l2.n; i++)
        ck_walk_expr(c, scope, e->l2.v[i], e, fn, ud);
}

typedef struct walk_state {
    ck_expr_fn efn;
    ck_stmt_fn sfn;
    void *ud;
} walk_state;

static void walk_block(ck_ctx *c, int scope, const mp_ast_list *l, const walk_state *w);

static void walk_exprs_of(ck_ctx *c, int scope, const mp_ast *e, const walk_state *w)
{
    if (w->efn)
        ck_walk_expr(c, scope, e, NULL, w->efn, w->ud);
}

static void walk_stmt(ck_ctx *c, int scope, const mp_ast *s, const walk_state *w)
{
    if (!s)
        return;
    if (w->sfn)
        w->sfn(c, scope, s, w->ud);
    switch (s->kind) {
    case MP_AST_DEF: {
        for (uint32_t i = 0; i < s->l3.n; i++)
            walk_exprs_of(c, scope, s->l3.v[i], w);
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i]) {
                walk_exprs_of(c, scope, s->l2.v[i]->b, w);
                walk_exprs_of(c, scope, s->l2.v[i]->a, w);
            }
        walk_exprs_of(c, scope, s->a, w);
        walk_block(c, ck_scope_of(c, s), &s->l1, w);
        return;
    }
    case MP_AST_CLASS:
        for (uint32_t i = 0; i < s->l3.n; i++)
            walk_exprs_of(c, scope, s->l3.v[i], w);
        for (uint32_t i = 0; i < s->l2.n; i++)
            walk_exprs_of(c, scope, s->l2.v[i], w);
        walk_block(c, ck_scope_of(c, s), &s->l1, w);
        return;
    case MP_AST_IF:
    case MP_AST_WHILE:
        walk_exprs_of(c, scope, s->a, w);
        walk_block(c, scope, &s->l1, w);
        walk_block(c, scope, &s->l2, w);
        return;
    case MP_AST_FOR:
        walk_exprs_of(c, scope, s->a, w);
        walk_exprs_of(c, scope, s->b, w);
        walk_block(c, scope, &s->l1, w);
        walk_block(c, scope, &s->l2, w);
        return;
    case MP_AST_TRY:
        walk_block(c, scope, &s->l1, w);
        for (uint32_t i = 0; i < s->l2.n; i++) {
            const mp_ast *h = s->l2.v[i];
            if (!h)
                continue;
            walk_exprs_of(c, scope, h->a, w);
            walk_block(c, scope, &h->l1, w);
        }
        walk_block(c, scope, &s->l3, w);
        if (s->a)
            walk_block(c, scope, &s->a->l1, w);
        return;
    case MP_AST_WITH:
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i]) {
                walk_exprs_of(c, scope, s->l2.v[i]->a, w);
                walk_exprs_of(c, scope, s->l2.v[i]->b, w);
            }
        walk_block(c, scope, &s->l1, w);
        return;
    case MP_AST_MATCH:
        walk_exprs_of(c, scope, s->a, w);
        for (uint32_t i = 0; i < s->l1.n; i++)
            if (s->l1.v[i])
                walk_block(c, scope, &s->l1.v[i]->l1, w);
        return;
    case MP_AST_ASSIGN:
        for (uint32_t i = 0; i < s->l1.n; i++)
            walk_exprs_of(c, scope, s->l1.v[i], w);
        walk_exprs_of(c, scope, s->a, w);
        return;
    case MP_AST_DEL:
    case MP_AST_GLOBAL:
    case MP_AST_NONLOCAL:
        if (s->kind == MP_AST_DEL)
            for (uint32_t i = 0; i < s->l1.n; i++)
                walk_exprs_of(c, scope, s->l1.v[i], w);
        return;
    case MP_AST_IMPORT:
    case MP_AST_IMPORT_FROM:
        return;
    default:
        walk_exprs_of(c, scope, s->a, w);
        walk_exprs_of(c, scope, s->b, w);
        walk_exprs_of(c, scope, s->c, w);
        return;
    }
}

static void walk_block(ck_ctx *c, int scope, const mp_ast_list *l, const walk_state *w)
{
    for (uint32_t i = 0; i < l->n; i++)
        walk_stmt(c, scope, l->v[i], w);
}

void ck_walk_exprs(ck_ctx *c, ck_expr_fn fn, void *ud)
{
    walk_state w = {fn, NULL, ud};
    walk_block(c, 0, &c->mod.body, &w);
}

void ck_walk_stmts(ck_ctx *c, ck_stmt_fn fn, void *ud)
{
    walk_state w = {NULL, fn, ud};
    walk_block(c, 0, &c->mod.body, &w);
}
