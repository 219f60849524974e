/* scope_facts.c - facts the checker needs about the classes and functions of
 * a module (ck.h): which classes are nn.Modules, which functions are
 * training steps, what a function returns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "util/text.h"

bool ck_class_is_module(ck_ctx *c, int scope, const mp_ast *cls)
{
    if (!cls || cls->kind != MP_AST_CLASS || c->classify_depth > CK_MAX_CLASSIFY_DEPTH)
        return false;
    bool yes = false;
    c->classify_depth++;
    for (uint32_t i = 0; i < cls->l2.n && !yes; i++) {
        const mp_ast *base = cls->l2.v[i];
        if (!base || base->kind == MP_AST_KEYWORD)
            continue;
        char q[CK_QNAME_MAX];
        if (ck_resolve(c, scope, base, q, sizeof q)) {
            const mp_api_row *r = ck_api(q);
            yes = r && strcmp(r->kind, "class") == 0 && strncmp(q, "mlx.nn.", 7) == 0;
            continue;
        }
        ck_val v = ck_classify(c, scope, base);
        if (v.kind == CK_CLASS && v.node != cls)
            yes = ck_class_is_module(c, c->scopes[ck_scope_of(c, v.node)].parent, v.node);
    }
    c->classify_depth--;
    return yes;
}

bool ck_is_optimizer_update(ck_ctx *c, int scope, const mp_ast *e)
{
    if (!e || e->kind != MP_AST_CALL || !e->a || e->a->kind != MP_AST_ATTR ||
        !mp_ast_str_eq(e->a, "update") || e->l1.n != 2)
        return false;
    for (uint32_t i = 0; i < e->l1.n; i++)
        if (!e->l1.v[i] || e->l1.v[i]->kind == MP_AST_STARRED)
            return false;
    const mp_ast *recv = e->a->a;
    if (!recv)
        return false;
    if (ck_classify(c, scope, recv).kind == CK_OPTIMIZER)
        return true;
    if (recv->kind != MP_AST_NAME && recv->kind != MP_AST_ATTR)
        return false;
    char name[64];
    ck_str(recv, name, sizeof name);
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    size_t n = strlen(name);
    return strstr(name, "optim") != NULL || strcmp(name, "opt") == 0 ||
           strncmp(name, "opt_", 4) == 0 || (n > 4 && strcmp(name + n - 4, "_opt") == 0);
}

/* Calls in a function's own body (not in nested functions or lambdas). */
typedef struct own_calls {
    ck_ctx *c;
    int scope;
    bool found;
} own_calls;

static void find_update(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    (void)parent;
    own_calls *o = ud;
    if (scope == o->scope && ck_is_optimizer_update(c, scope, e))
        o->found = true;
}

static void walk_own_block(ck_ctx *c, int scope, const mp_ast_list *l, ck_expr_fn fn, void *ud);

static void walk_own_stmt(ck_ctx *c, int scope, const mp_ast *s, ck_expr_fn fn, void *ud)
{
    if (!s)
        return;
    switch (s->kind) {
    case MP_AST_DEF:
    case MP_AST_CLASS:
        return;
    case MP_AST_TRY:
        walk_own_block(c, scope, &s->l1, fn, ud);
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                walk_own_block(c, scope, &s->l2.v[i]->l1, fn, ud);
        walk_own_block(c, scope, &s->l3, fn, ud);
        if (s->a)
            walk_own_block(c, scope, &s->a->l1, fn, ud);
        return;
    case MP_AST_WITH:
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                ck_walk_expr(c, scope, s->l2.v[i]->a, NULL, fn, ud);
        walk_own_block(c, scope, &s->l1, fn, ud);
        return;
    case MP_AST_MATCH:
        ck_walk_expr(c, scope, s->a, NULL, fn, ud);
        for (uint32_t i = 0; i < s->l1.n; i++)
            if (s->l1.v[i])
                walk_own_block(c, scope, &s->l1.v[i]->l1, fn, ud);
        return;
    default:
        break;
    }
    ck_walk_expr(c, scope, s->a, NULL, fn, ud);
    ck_walk_expr(c, scope, s->b, NULL, fn, ud);
    ck_walk_expr(c, scope, s->c, NULL, fn, ud);
    if (s->kind == MP_AST_ASSIGN || s->kind == MP_AST_DEL)
        for (uint32_t i = 0; i < s->l1.n; i++)
            ck_walk_expr(c, scope, s->l1.v[i], NULL, fn, ud);
    if (s->kind == MP_AST_IF || s->kind == MP_AST_WHILE || s->kind == MP_AST_FOR) {
        walk_own_block(c, scope, &s->l1, fn, ud);
        walk_own_block(c, scope, &s->l2, fn, ud);
    }
}

static void walk_own_block(ck_ctx *c, int scope, const mp_ast_list *l, ck_expr_fn fn, void *ud)
{
    for (uint32_t i = 0; i < l->n; i++)
        walk_own_stmt(c, scope, l->v[i], fn, ud);
}

bool ck_def_is_step(ck_ctx *c, const mp_ast *def)
{
    if (!def || def->kind != MP_AST_DEF)
        return false;
    int scope = ck_scope_of(c, def);
    ck_scope *s = &c->scopes[scope];
    if (s->is_step >= 0 && (c->analyzed || s->is_step_round == c->round))
        return s->is_step != 0;
    s->is_step = 0; /* while scanning: a recursive call is not a step */
    s->is_step_round = c->round;
    own_calls o = {c, scope, false};
    walk_own_block(c, scope, &def->l1, find_update, &o);
    s->is_step = o.found;
    return o.found;
}

/* What every `return` of a function gives: CK_ARRAY, CK_TUPLE_ARRAYS or
 * CK_UNKNOWN. */
typedef struct ret_scan {
    ck_ctx *c;
    int scope;
    int kind; /* -1 none seen */
} ret_scan;

static void scan_returns(ret_scan *r, const mp_ast_list *l);

static void scan_return_stmt(ret_scan *r, const mp_ast *s)
{
    if (!s)
        return;
    switch (s->kind) {
    case MP_AST_RETURN: {
        ck_kind k = CK_UNKNOWN;
        if (s->a && s->a->kind == MP_AST_TUPLE) {
            k = s->a->l1.n ? CK_TUPLE_ARRAYS : CK_UNKNOWN;
            for (uint32_t i = 0; i < s->a->l1.n; i++)
                if (ck_classify(r->c, r->scope, s->a->l1.v[i]).kind != CK_ARRAY)
                    k = CK_UNKNOWN;
        } else if (s->a && ck_classify(r->c, r->scope, s->a).kind == CK_ARRAY) {
            k = CK_ARRAY;
        }
        if (r->kind < 0)
            r->kind = k;
        else if (r->kind != (int)k)
            r->kind = CK_UNKNOWN;
        return;
    }
    case MP_AST_IF:
    case MP_AST_WHILE:
    case MP_AST_FOR:
        scan_returns(r, &s->l1);
        scan_returns(r, &s->l2);
        return;
    case MP_AST_WITH:
        scan_returns(r, &s->l1);
        return;
    case MP_AST_TRY:
        scan_returns(r, &s->l1);
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                scan_returns(r, &s->l2.v[i]->l1);
        scan_returns(r, &s->l3);
        if (s->a)
            scan_returns(r, &s->a->l1);
        return;
    default:
        return;
    }
}

static void scan_returns(ret_scan *r, const mp_ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        scan_return_stmt(r, l->v[i]);
}

ck_kind ck_def_returns(ck_ctx *c, const mp_ast *def)
{
    if (!def || def->kind != MP_AST_DEF || c->classify_depth > CK_MAX_CLASSIFY_DEPTH)
        return CK_UNKNOWN;
    int scope = ck_scope_of(c, def);
    ck_scope *s = &c->scopes[scope];
    /* memoized per fixpoint round (bindings change between rounds), which
     * also keeps functions that call each other from being re-scanned an
     * exponential number of times; a function met again while its own
     * returns are being scanned (recursion) counts as unknown */
    if (s->returns >= 0 && (c->analyzed || s->returns_round == c->round))
        return (ck_kind)s->returns;
    s->returns = CK_UNKNOWN;
    s->returns_round = c->round;
    c->classify_depth++;
    ret_scan r = {c, scope, -1};
    scan_returns(&r, &def->l1);
    c->classify_depth--;
    ck_kind k = r.kind < 0 ? CK_UNKNOWN : (ck_kind)r.kind;
    s->returns = (int8_t)k;
    return k;
}
