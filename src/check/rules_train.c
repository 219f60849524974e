/* rules_train.c - rules about how a training script builds its gradients:
 * MLX305 checkpoint-bound-module (mx.checkpoint over a module call, a
 * bound method, a module of a loop or comprehension, or a lambda that calls
 * a module).
 *
 * mx.checkpoint(fun) gives gradients only for the arrays fun receives as
 * arguments.  A module called through it (mx.checkpoint(layer)(x), or a
 * bound method such as self.block) reads its weights from the closure, so
 * value_and_grad returns zeros for them and they silently stop training
 * (checked under the real MLX: tests/mlx).  nn.utils.checkpoint(module)
 * passes the module's trainable parameters explicitly. */
#include <stdio.h>
#include <string.h>

#include "check/ck.h"

#define MAX_TARGETS 64

/* Names a for-loop binds to the modules it iterates over
 * (for layer in self.layers / for i, layer in enumerate(model.layers)). */
typedef struct loop_targets {
    int n;
    struct {
        int scope;
        const mp_ast *name;
    } v[MAX_TARGETS];
} loop_targets;

/* Whether `e` is the file's view of a module or of one of its bound
 * methods: a model object, or an attribute chain / subscript rooted at
 * `self` or at a model object. */
static bool module_ref(ck_ctx *c, int scope, const mp_ast *e, const loop_targets *t)
{
    if (!e)
        return false;
    if (e->kind == MP_AST_NAME) {
        if (ck_classify(c, scope, e).kind == CK_MODEL)
            return true;
        for (int i = 0; i < t->n; i++)
            if (t->v[i].scope == scope && ck_same_ref(t->v[i].name, e))
                return true;
        return false;
    }
    if (e->kind == MP_AST_ATTR || e->kind == MP_AST_SUBSCRIPT) {
        const mp_ast *root = e->a;
        if (root && root->kind == MP_AST_NAME && mp_ast_str_eq(root, "self"))
            return true;
        return module_ref(c, scope, root, t);
    }
    return false;
}

static void add_loop_target(ck_ctx *c, int scope, const mp_ast *s, void *ud)
{
    loop_targets *t = ud;
    if (s->kind != MP_AST_FOR || t->n >= MAX_TARGETS)
        return;
    const mp_ast *target = s->a, *iter = s->b;
    if (iter && iter->kind == MP_AST_CALL && iter->a && mp_ast_is_name(iter->a, "enumerate") &&
        iter->l1.n >= 1 && target && target->kind == MP_AST_TUPLE && target->l1.n == 2) {
        iter = iter->l1.v[0];
        target = target->l1.v[1];
    }
    if (target && target->kind == MP_AST_NAME && iter &&
        (iter->kind == MP_AST_ATTR || iter->kind == MP_AST_SUBSCRIPT) &&
        module_ref(c, scope, iter, t)) {
        t->v[t->n].scope = scope;
        t->v[t->n].name = target;
        t->n++;
    }
}

/* The same for a comprehension over modules ([mx.checkpoint(b) for b in
 * self.blocks]): its target names a module inside the comprehension. */
static void add_comp_target(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent,
                            void *ud)
{
    (void)parent;
    loop_targets *t = ud;
    if (e->kind != MP_AST_COMP)
        return;
    int inner = ck_scope_of(c, e); /* the first iterable is read in the outer scope */
    for (uint32_t i = 0; i < e->l1.n && t->n < MAX_TARGETS; i++) {
        const mp_ast *g = e->l1.v[i];
        const mp_ast *target = g ? g->a : NULL, *iter = g ? g->b : NULL;
        if (target && target->kind == MP_AST_NAME && iter &&
            (iter->kind == MP_AST_ATTR || iter->kind == MP_AST_SUBSCRIPT) &&
            module_ref(c, i == 0 ? scope : inner, iter, t)) {
            t->v[t->n].scope = inner;
            t->v[t->n].name = target;
            t->n++;
        }
    }
}

/* Whether `e` calls MODULE.update(...): the lambda loads the parameters it
 * was passed (as nn.utils.checkpoint's inner function does). */
static bool updates_module(ck_ctx *c, int scope, const mp_ast *e, const loop_targets *t)
{
    if (!e || e->kind == MP_AST_LAMBDA)
        return false;
    if (e->kind == MP_AST_CALL && e->a && e->a->kind == MP_AST_ATTR &&
        mp_ast_str_eq(e->a, "update") && module_ref(c, scope, e->a->a, t))
        return true;
    if (updates_module(c, scope, e->a, t) || updates_module(c, scope, e->b, t) ||
        updates_module(c, scope, e->c, t))
        return true;
    for (uint32_t i = 0; i < e->l1.n; i++)
        if (updates_module(c, scope, e->l1.v[i], t))
            return true;
    return false;
}

/* The first module called inside a lambda's body (lambda x: self.block(x)):
 * the lambda closes over the module, so its weights reach mx.checkpoint
 * through the closure only.  NULL when it calls none. */
static const mp_ast *module_called_in(ck_ctx *c, int scope, const mp_ast *e,
                                      const loop_targets *t)
{
    if (!e || e->kind == MP_AST_LAMBDA)
        return NULL;
    if (e->kind == MP_AST_CALL && module_ref(c, scope, e->a, t))
        return e->a;
    const mp_ast *kids[] = {e->a, e->b, e->c};
    for (size_t i = 0; i < 3; i++) {
        const mp_ast *m = module_called_in(c, scope, kids[i], t);
        if (m)
            return m;
    }
    for (uint32_t i = 0; i < e->l1.n; i++) {
        const mp_ast *m = module_called_in(c, scope, e->l1.v[i], t);
        if (m)
            return m;
    }
    return NULL;
}

typedef struct ckpt_walk {
    const loop_targets *targets;
} ckpt_walk;

static void find_checkpoint(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent,
                            void *ud)
{
    (void)parent;
    const ckpt_walk *w = ud;
    char q[CK_QNAME_MAX];
    if (e->kind != MP_AST_CALL || e->l1.n < 1 || !ck_resolve(c, scope, e->a, q, sizeof q) ||
        strcmp(q, "mlx.core.checkpoint") != 0)
        return;
    const mp_ast *fun = e->l1.v[0];
    const mp_ast *shown;
    if (fun->kind == MP_AST_LAMBDA) {
        int ls = ck_scope_of(c, fun);
        if (updates_module(c, ls, fun->a, w->targets) ||
            !(shown = module_called_in(c, ls, fun->a, w->targets)))
            return;
    } else if (module_ref(c, scope, fun, w->targets)) {
        shown = fun->kind == MP_AST_ATTR && mp_ast_str_eq(fun, "__call__") ? fun->a : fun;
    } else {
        return;
    }
    char what[96];
    ck_ref_text(shown, what, sizeof what);
    ck_emit(c, MP_CHECK_MLX305, e->line, e->col,
            "use nn.utils.checkpoint(module)(x) (or nn.utils.checkpoint(module, fn) for a "
            "method): it passes the module's trainable parameters to mx.checkpoint",
            "mx.checkpoint differentiates only the arrays passed to it: %s reads its weights "
            "from the module, so value_and_grad returns zeros for them and they stop training",
            what);
}

void ck_rule_checkpoint_bound_module(ck_ctx *c)
{
    loop_targets t = {0};
    ck_walk_stmts(c, add_loop_target, &t);
    ck_walk_exprs(c, add_comp_target, &t);
    ckpt_walk w = {&t};
    ck_walk_exprs(c, find_checkpoint, &w);
}
