/* rules_flow.c - rules about what a loop does on every iteration, read from
 * the loop analysis (flow.c, ck_flow.h): lazy evaluation (MLX101-MLX103),
 * performance (MLX201, MLX202, MLX204, MLX207) and MLX302
 * update-without-eval. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "check/ck_flow.h"
#include "util/text.h"

/* ---- MLX101 train-loop-no-eval ------------------------------------------------------------- */

static const ck_event *first_event(const ck_flow_loop *L, ck_ev_kind kind, bool every_iteration)
{
    for (size_t i = 0; i < L->ev.n; i++) {
        const ck_event *e = &L->ev.v[i];
        if (e->kind == kind && (!every_iteration || (e->nest == 0 && !e->cond)))
            return e;
    }
    return NULL;
}

void ck_rule_train_loop_no_eval(ck_ctx *c)
{
    struct ck_flow *f = ck_flow_of(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const ck_flow_loop *L = &f->loops[i];
        if (!L->train || first_event(L, EV_EVAL, false) || first_event(L, EV_SYNC, true) ||
            first_event(L, EV_OPAQUE, false))
            continue;
        const ck_event *u = NULL;
        for (size_t k = 0; k < L->ev.n && !u; k++)
            if (L->ev.v[k].kind == EV_UPDATE && L->ev.v[k].nest == 0)
                u = &L->ev.v[k];
        char opt[128];
        ck_ref_text(u->node->a->a, opt, sizeof opt);
        ck_emit(c, MP_CHECK_MLX101, L->loop->line, L->loop->col,
                "call mx.eval(model.parameters(), optimizer.state) once per iteration, after "
                "the update",
                "training loop calls %s.update (line %u) but never mx.eval: every step's update "
                "stays a lazy graph that keeps growing until something forces it",
                opt, (unsigned)ck_line_of(u));
    }
}

/* ---- MLX102 sync-in-loop ---------------------------------------------------------------------- */

static void describe_sync(const ck_event *e, char *buf, size_t cap)
{
    const mp_ast *f = e->node->a;
    char inner[128];
    if (f && f->kind == MP_AST_ATTR && (mp_ast_str_eq(f, "item") || mp_ast_str_eq(f, "tolist")))
        snprintf(buf, cap, "%s.%.*s()", ck_ref_text(f->a, inner, sizeof inner), (int)f->len,
                 f->str);
    else
        snprintf(buf, cap, "%s(...)", ck_ref_text(f, inner, sizeof inner));
}

/* Whether an expression reads something the loop computes: a call, or a
 * name the loop binds.  Printing an array made before the loop costs
 * nothing: it was evaluated the first time. */
static bool fresh_in_loop(const mp_ast *loop, const mp_ast *e)
{
    if (!e || e->kind == MP_AST_LAMBDA)
        return false;
    if (e->kind == MP_AST_CALL)
        return true;
    if (e->kind == MP_AST_NAME)
        return ck_loop_binds(loop, e->str, e->len) > 0;
    if (fresh_in_loop(loop, e->a) || fresh_in_loop(loop, e->b) || fresh_in_loop(loop, e->c))
        return true;
    for (uint32_t i = 0; i < e->l1.n; i++)
        if (fresh_in_loop(loop, e->l1.v[i]))
            return true;
    return false;
}

/* Whether the value a sync reads is computed by the loop (always true inside
 * a function the loop calls: its body runs every iteration). */
static bool sync_reads_step(const ck_flow_loop *L, const ck_event *e)
{
    if (e->via)
        return true;
    const mp_ast *f = e->node->a;
    if (f && f->kind == MP_AST_ATTR && (mp_ast_str_eq(f, "item") || mp_ast_str_eq(f, "tolist")))
        return fresh_in_loop(L->loop, f->a);
    for (uint32_t i = 0; i < e->node->l1.n; i++)
        if (fresh_in_loop(L->loop, e->node->l1.v[i]))
            return true;
    return false;
}

/* A host sync of a value the loop computes, on every iteration, outside
 * compiled code (what MLX102 and MLX207 judge). */
static bool every_step_sync(const ck_flow_loop *L, const ck_event *e)
{
    return e->kind == EV_SYNC && !e->nest && !e->cond && !e->compiled && sync_reads_step(L, e);
}

void ck_rule_sync_in_loop(ck_ctx *c)
{
    struct ck_flow *f = ck_flow_of(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const ck_flow_loop *L = &f->loops[i];
        if (!L->train)
            continue;
        const ck_event *ev = first_event(L, EV_EVAL, true);
        if (!ev)
            continue;
        for (size_t k = 0; k < L->ev.n; k++) {
            const ck_event *e = &L->ev.v[k];
            if (!every_step_sync(L, e) || e->seq > ev->seq)
                continue;
            char what[160];
            describe_sync(e, what, sizeof what);
            ck_emit(c, MP_CHECK_MLX102, e->node->line, e->node->col,
                    "move it after the step's mx.eval, or keep the value as an array and "
                    "read it every N steps",
                    "%s forces an evaluation in every training step before the step's mx.eval "
                    "(line %u): MLX runs part of the graph separately and the CPU waits for "
                    "the GPU",
                    what, (unsigned)ck_line_of(ev));
        }
    }
}

/* ---- MLX103 array-grow-in-loop --------------------------------------------------------------- */

static void grow_block(ck_ctx *c, const ck_flow_loop *L, const mp_ast_list *l);

/* Whether expression `e` calls one of the names the for-loop binds as its
 * target (for layer in self.layers: ... layer(x) ...). */
static bool calls_loop_target(const mp_ast *loop, const mp_ast *e)
{
    if (!e || loop->kind != MP_AST_FOR || e->kind == MP_AST_LAMBDA)
        return false;
    if (e->kind == MP_AST_CALL && e->a && e->a->kind == MP_AST_NAME &&
        ck_target_binds(loop->a, e->a->str, e->a->len))
        return true;
    if (calls_loop_target(loop, e->a) || calls_loop_target(loop, e->b) ||
        calls_loop_target(loop, e->c))
        return true;
    for (uint32_t i = 0; i < e->l1.n; i++)
        if (calls_loop_target(loop, e->l1.v[i]))
            return true;
    for (uint32_t i = 0; i < e->l2.n; i++)
        if (calls_loop_target(loop, e->l2.v[i]))
            return true;
    return false;
}

static void grow_stmt(ck_ctx *c, const ck_flow_loop *L, const mp_ast *s)
{
    static const char *const joins[] = {"mlx.core.concatenate", "mlx.core.concat",
                                        "mlx.core.stack", NULL};
    if (!s)
        return;
    if (s->kind == MP_AST_WITH) {
        grow_block(c, L, &s->l1);
        return;
    }
    if (s->kind == MP_AST_TRY) {
        grow_block(c, L, &s->l1);
        return;
    }
    if (s->kind != MP_AST_ASSIGN || s->l1.n != 1 || !s->a || s->a->kind != MP_AST_CALL)
        return;
    const mp_ast *t = s->l1.v[0], *call = s->a;
    char q[CK_QNAME_MAX];
    if (!t || t->kind != MP_AST_NAME || !ck_resolve(c, L->scope, call->a, q, sizeof q) ||
        !ck_qname_is(q, joins) || call->l1.n < 1)
        return;
    const mp_ast *parts = call->l1.v[0];
    if (!parts || (parts->kind != MP_AST_LIST && parts->kind != MP_AST_TUPLE))
        return;
    if (ck_loop_binds(L->loop, t->str, t->len) != 1)
        return; /* reset elsewhere in the loop: it does not keep growing */
    if (calls_loop_target(L->loop, parts))
        return; /* x = concat([x, layer(x)]) over a list of layers: a dense block */
    for (uint32_t i = 0; i < parts->l1.n; i++) {
        if (!ck_same_ref(parts->l1.v[i], t))
            continue;
        char name[96], fn[CK_QNAME_MAX];
        ck_str(t, name, sizeof name);
        ck_spell(c, q, fn, sizeof fn);
        ck_emit(c, MP_CHECK_MLX103, call->line, call->col,
                "preallocate (e.g. in chunks of 256) and write into slices, or collect the "
                "pieces in a list and join them once after the loop",
                "'%s' is grown with %s on every loop iteration: each call copies everything "
                "gathered so far (O(n^2) in total) and needs a new buffer size",
                name, fn);
        return;
    }
}

static void grow_block(ck_ctx *c, const ck_flow_loop *L, const mp_ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        grow_stmt(c, L, l->v[i]);
}

/* for i in range(n): x[i] = ... on an mx.array made before the loop, in a
 * loop that does nothing else */
static void fill_loop(ck_ctx *c, const ck_flow_loop *L)
{
    const mp_ast *s = L->loop;
    if (s->kind != MP_AST_FOR || !s->a || s->a->kind != MP_AST_NAME || !s->b ||
        s->b->kind != MP_AST_CALL || !ck_is_builtin(c, L->scope, s->b->a, "range") || s->l2.n)
        return;
    for (uint32_t i = 0; i < s->l1.n; i++) {
        const mp_ast *b = s->l1.v[i];
        if (!b || (b->kind != MP_AST_ASSIGN && b->kind != MP_AST_AUGASSIGN))
            return;
    }
    for (size_t k = 0; k < L->ev.n; k++)
        if (L->ev.v[k].kind == EV_EVAL || L->ev.v[k].kind == EV_CALL)
            return;
    for (uint32_t i = 0; i < s->l1.n; i++) {
        const mp_ast *b = s->l1.v[i];
        if (b->kind != MP_AST_ASSIGN || b->l1.n != 1)
            continue;
        const mp_ast *t = b->l1.v[0];
        if (!t || t->kind != MP_AST_SUBSCRIPT || !t->a || t->a->kind != MP_AST_NAME ||
            !ck_same_ref(t->b, s->a))
            continue;
        if (ck_loop_binds(s, t->a->str, t->a->len) ||
            ck_classify(c, L->scope, t->a).kind != CK_ARRAY)
            continue;
        char name[96];
        ck_str(t->a, name, sizeof name);
        ck_emit(c, MP_CHECK_MLX103, t->line, t->col,
                "compute all the values with array operations (mx.arange, broadcasting), or "
                "collect them in a Python list and call mx.array once",
                "'%s' is filled one element per loop iteration: every %s[i] = ... adds a "
                "separate indexed update to the graph",
                name, name);
    }
}

void ck_rule_array_grow_in_loop(ck_ctx *c)
{
    struct ck_flow *f = ck_flow_of(c);
    for (size_t i = 0; f && i < f->n; i++) {
        grow_block(c, &f->loops[i], &f->loops[i].loop->l1);
        fill_loop(c, &f->loops[i]);
    }
}

/* ---- MLX201 uncompiled-step ---------------------------------------------------------------------- */

typedef struct name_use {
    const char *name;
    uint32_t len;
    bool used;
} name_use;

static void find_value_use(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    (void)c;
    (void)scope;
    name_use *u = ud;
    if (e->kind != MP_AST_NAME || e->len != u->len || memcmp(e->str, u->name, u->len) != 0)
        return;
    if (parent && parent->kind == MP_AST_CALL && parent->a == e)
        return; /* called, not passed around */
    u->used = true;
}

static void uncompiled_step(ck_ctx *c, const ck_flow_loop *L, const ck_event *e)
{
    if (e->kind != EV_CALL || e->via || e->nest || e->callee_compiled || e->callee->l3.n ||
        !ck_def_is_step(c, e->callee))
        return;
    bool lvg = false, blocker = false;
    for (size_t j = 0; j < L->ev.n; j++) {
        const ck_event *x = &L->ev.v[j];
        if (x->via != e->node)
            continue;
        lvg |= x->kind == EV_LVG;
        blocker |= x->kind == EV_SYNC || x->kind == EV_EVAL || x->kind == EV_CALL ||
                   x->kind == EV_NEW_OPT || x->kind == EV_NEW_MODEL || x->kind == EV_OPAQUE;
    }
    ck_scope *cs = &c->scopes[ck_scope_of(c, e->callee)];
    if (cs->passed < 0) {
        name_use u = {e->callee->str, e->callee->len, false};
        ck_walk_exprs(c, find_value_use, &u);
        cs->passed = u.used;
    }
    if (!lvg || blocker || cs->passed)
        return;
    char name[96];
    ck_str(e->callee, name, sizeof name);
    ck_emit(c, MP_CHECK_MLX201, e->callee->line, e->callee->col,
            "state = [model.state, optimizer.state]; decorate it with "
            "@partial(mx.compile, inputs=state, outputs=state) (add mx.random.state if "
            "it uses dropout; keep input shapes stable)",
            "training step '%s' runs on every loop iteration (line %u) without "
            "mx.compile; compiling it fuses the forward pass, backward pass and update",
            name, (unsigned)e->node->line);
}

void ck_rule_uncompiled_step(ck_ctx *c)
{
    ck_each_event(c, true, uncompiled_step);
}

/* ---- MLX202 compile-in-loop ---------------------------------------------------------------------- */

static void compile_in_loop(ck_ctx *c, const ck_flow_loop *L, const ck_event *e)
{
    if (e->kind != EV_COMPILE || e->via || e->nest || e->cond)
        return;
    ck_emit(c, MP_CHECK_MLX202, e->node->line, e->node->col,
            "compile once before the loop and call the compiled function inside it",
            "mx.compile runs on every iteration of the training loop (line %u): each "
            "new compiled function is traced and compiled again",
            (unsigned)L->loop->line);
}

void ck_rule_compile_in_loop(ck_ctx *c)
{
    ck_each_event(c, true, compile_in_loop);
}

/* ---- MLX204 recreate-in-loop --------------------------------------------------------------------- */

/* Whether a loop's own body (not a nested loop's) can break out of it: a
 * retry loop (for attempt in range(3): try: load(...); break) is fine. */
static bool loop_breaks(const mp_ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        const mp_ast *s = l->v[i];
        if (!s)
            continue;
        if (s->kind == MP_AST_BREAK || s->kind == MP_AST_RETURN || s->kind == MP_AST_RAISE)
            return true;
        if (s->kind == MP_AST_IF && (loop_breaks(&s->l1) || loop_breaks(&s->l2)))
            return true;
        if ((s->kind == MP_AST_WITH || s->kind == MP_AST_TRY) && loop_breaks(&s->l1))
            return true;
        if (s->kind == MP_AST_TRY) {
            for (uint32_t k = 0; k < s->l2.n; k++)
                if (s->l2.v[k] && loop_breaks(&s->l2.v[k]->l1))
                    return true;
            if (loop_breaks(&s->l3) || (s->a && loop_breaks(&s->a->l1)))
                return true;
        }
    }
    return false;
}

static void recreate_in_loop(ck_ctx *c, const ck_flow_loop *L, const ck_event *e)
{
    if (e->via || e->nest || e->cond || loop_breaks(&L->loop->l1))
        return;
    char what[128];
    if (L->train && e->kind == EV_NEW_OPT) {
        ck_emit(c, MP_CHECK_MLX204, e->node->line, e->node->col,
                "create the optimizer once, before the loop",
                "%s creates a new optimizer on every iteration of the training loop: "
                "its state (step count, momentum, Adam moments) starts over each time",
                ck_ref_text(e->node, what, sizeof what));
    } else if (L->train && e->kind == EV_NEW_MODEL) {
        ck_emit(c, MP_CHECK_MLX204, e->node->line, e->node->col,
                "create the model once, before the loop",
                "%s builds a new model on every iteration of the training loop: its "
                "parameters are initialized again and the trained ones are lost",
                ck_ref_text(e->node, what, sizeof what));
    } else if (e->kind == EV_LOAD) {
        const mp_ast *a = e->node->l1.n ? e->node->l1.v[0] : ck_keyword(e->node, "path_or_hf_repo");
        bool invariant = a && (a->kind == MP_AST_STR ||
                               (a->kind == MP_AST_NAME && !ck_loop_binds(L->loop, a->str, a->len)));
        if (!invariant)
            return;
        ck_emit(c, MP_CHECK_MLX204, e->node->line, e->node->col,
                "load the model once, before the loop, and reuse it",
                "%s loads the same model on every loop iteration: the weights are "
                "read and materialized again each time",
                ck_ref_text(e->node, what, sizeof what));
    }
}

void ck_rule_recreate_in_loop(ck_ctx *c)
{
    ck_each_event(c, false, recreate_in_loop);
}

/* ---- MLX207 host-read-per-step ------------------------------------------------------------------ */

static bool is_async_eval(ck_ctx *c, int scope, const mp_ast *call)
{
    char q[CK_QNAME_MAX];
    return ck_resolve(c, scope, call->a, q, sizeof q) && strcmp(q, "mlx.core.async_eval") == 0;
}

/* The array a host read reads: x of x.item() / x.tolist(), else the first
 * argument (float(x), np.array(x)); subscripts stripped (y[0].item() reads y). */
static const mp_ast *sync_target(const ck_event *e)
{
    const mp_ast *f = e->node->a, *t = NULL;
    if (f && f->kind == MP_AST_ATTR && (mp_ast_str_eq(f, "item") || mp_ast_str_eq(f, "tolist")))
        t = f->a;
    else if (e->node->l1.n >= 1)
        t = e->node->l1.v[0];
    while (t && t->kind == MP_AST_SUBSCRIPT)
        t = t->a;
    return t;
}

/* The mx.async_eval earlier in the iteration that queued exactly the array
 * the read `e` then reads: the read waits for it at once, so nothing
 * overlaps (mlx_lm queues token n+1, then reads token n); NULL when none. */
static const ck_event *reads_what_it_queued(const ck_event *e, const ck_event *const *queued,
                                            size_t nq)
{
    const mp_ast *t = sync_target(e);
    for (size_t i = 0; t && i < nq; i++) {
        if (queued[i]->seq > e->seq)
            continue;
        const mp_ast *call = queued[i]->node;
        for (uint32_t k = 0; k < call->l1.n; k++)
            if (ck_same_ref(call->l1.v[k], t))
                return queued[i];
    }
    return NULL;
}

#define MAX_QUEUED 8

/* A loop that runs the model on every iteration without training it
 * (generation, evaluation) and reads a value it computed to the host each
 * time, with no mx.async_eval queueing the next step first, or with one
 * that queues the very array it then reads.  Training loops are MLX102's:
 * there the step's mx.eval waits anyway. */
void ck_rule_host_read_per_step(ck_ctx *c)
{
    struct ck_flow *f = ck_flow_of(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const ck_flow_loop *L = &f->loops[i];
        if (L->train)
            continue;
        const ck_event *fwd = NULL;
        const ck_event *queued[MAX_QUEUED];
        size_t nq = 0;
        bool queued_other = false; /* an async_eval the rule cannot read (nested, too many) */
        for (size_t k = 0; k < L->ev.n; k++) {
            const ck_event *e = &L->ev.v[k];
            if (e->kind == EV_FORWARD && !e->nest && !e->cond && !fwd)
                fwd = e;
            if (e->kind == EV_EVAL && is_async_eval(c, e->scope, e->node)) {
                if (!e->nest && !e->cond && !e->via && nq < MAX_QUEUED)
                    queued[nq++] = e;
                else
                    queued_other = true;
            }
        }
        if (!fwd || queued_other)
            continue;
        for (size_t k = 0; k < L->ev.n; k++) {
            const ck_event *e = &L->ev.v[k];
            const ck_event *same = nq ? reads_what_it_queued(e, queued, nq) : NULL;
            if (!every_step_sync(L, e) || (nq && !same))
                continue;
            char what[160];
            describe_sync(e, what, sizeof what);
            if (same)
                ck_emit(c, MP_CHECK_MLX207, e->node->line, e->node->col,
                        "queue the next step's array and read the previous one (next = "
                        "step(y); mx.async_eval(next); y.item(); y = next), as mlx_lm's "
                        "generate_step does",
                        "%s reads the array mx.async_eval queued on line %u of the same "
                        "iteration: the read waits for it at once, so the GPU still idles "
                        "while Python builds the next step",
                        what, (unsigned)ck_line_of(same));
            else
                ck_emit(c, MP_CHECK_MLX207, e->node->line, e->node->col,
                        "queue the next step with mx.async_eval before reading this one (as "
                        "mlx_lm's generate_step does), or keep the values as arrays and read "
                        "them once after the loop",
                        "%s reads a result to the host on every iteration of a loop that runs "
                        "the model (line %u): each read waits for the GPU, which then idles "
                        "while Python builds the next step",
                        what, (unsigned)ck_line_of(fwd));
            break; /* one finding per loop */
        }
    }
}

/* ---- MLX302 update-without-eval ---------------------------------------------------------------------- */

static bool eval_is_loss_only(ck_ctx *c, const ck_event *e)
{
    for (uint32_t i = 0; i < e->node->l1.n; i++) {
        const mp_ast *a = e->node->l1.v[i];
        if (!a || a->kind != MP_AST_NAME)
            return false;
        ck_val v = ck_classify(c, e->scope, a);
        if (!(v.flags & (CK_F_FROM_LVG | CK_F_FROM_STEP)))
            return false;
    }
    return e->node->l2.n == 0;
}

void ck_rule_update_without_eval(ck_ctx *c)
{
    struct ck_flow *f = ck_flow_of(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const ck_flow_loop *L = &f->loops[i];
        if (!L->train)
            continue;
        const ck_event *update = NULL, *eval = NULL;
        bool loss_only = true;
        for (size_t k = 0; k < L->ev.n; k++) {
            const ck_event *e = &L->ev.v[k];
            if (e->kind == EV_UPDATE && e->nest == 0 && !e->compiled && !update)
                update = e;
            if (e->kind == EV_EVAL) {
                eval = eval ? eval : e;
                loss_only &= eval_is_loss_only(c, e);
            }
        }
        if (!update || !eval || !loss_only || first_event(L, EV_OPAQUE, false))
            continue;
        const mp_ast *site = ck_loop_site(update);
        char opt[128], ev_text[128];
        ck_ref_text(update->node->a->a, opt, sizeof opt);
        ck_ref_text(eval->node->l1.n ? eval->node->l1.v[0] : NULL, ev_text, sizeof ev_text);
        ck_emit(c, MP_CHECK_MLX302, site->line, site->col,
                "evaluate the new state with the loss: mx.eval(loss, model.parameters(), "
                "optimizer.state)",
                "%s.update(...) is never evaluated in its step: mx.eval (line %u) only "
                "evaluates '%s', so the new parameters and optimizer state are computed lazily "
                "as part of the next step",
                opt, (unsigned)eval->node->line, ev_text);
    }
}
