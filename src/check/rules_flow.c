/* rules_flow.c - rules about what a loop does on every iteration and about
 * whole-file patterns: lazy evaluation (MLX101-MLX103), performance
 * (MLX201-MLX207) and correctness (MLX301-MLX304).
 *
 * For each for/while loop the file has, the calls one iteration makes are
 * listed in execution order as events (an optimizer update, an mx.eval, a
 * host sync such as .item(), a model or optimizer construction, ...).  Calls
 * to functions of the file are followed (a step function's update counts for
 * the loop that calls it).  Each event knows whether it runs on every
 * iteration (not under an if, not in a nested loop).  A "training loop" is a
 * loop whose own iterations call optimizer.update with gradients computed in
 * the loop (by a value_and_grad or grad function).
 *
 * What the file does not show is assumed to do anything: a call of another
 * module's function that is handed the model, the optimizer or their state
 * may evaluate them, so the rules about missing evaluations stay silent for
 * such loops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "util/text.h"

#define MAX_INLINE 6
/* Events listed for one loop at most; a loop that needs more (a call tree
 * that fans out widely) is left alone rather than judged on part of it. */
#define MAX_EVENTS 20000

typedef enum ev_kind {
    EV_UPDATE,    /* optimizer.update(model, grads) */
    EV_EVAL,      /* mx.eval / mx.async_eval */
    EV_SYNC,      /* .item(), .tolist(), print(array), float(array), np.array(array) */
    EV_LVG,       /* a call of a value_and_grad function */
    EV_NEW_OPT,   /* an optimizer constructed */
    EV_NEW_MODEL, /* a model class of the file instantiated */
    EV_LOAD,      /* mlx_lm.load(...) */
    EV_COMPILE,   /* mx.compile(...) or a def decorated with it */
    EV_CALL,      /* a call of a function of the file (its events follow) */
    EV_FORWARD,   /* a model object called: model(x), self.model(y, cache=c) */
    EV_OPAQUE,    /* a call that may evaluate the state without the file showing it */
} ev_kind;

typedef struct ck_event {
    ev_kind kind;
    const mp_ast *node;   /* the call, or the decorator */
    const mp_ast *via;    /* the call in the loop body that led here; NULL when direct */
    const mp_ast *callee; /* EV_CALL: the DEF */
    bool callee_compiled; /* EV_CALL: through mx.compile */
    int scope;
    uint32_t nest;        /* loops between the analysed loop and the event */
    bool cond;            /* runs only under a condition */
    bool compiled;        /* inside a compiled function */
    uint32_t seq;         /* execution order */
} ck_event;

typedef struct ev_list {
    ck_event *v;
    size_t n, cap;
    bool truncated; /* MAX_EVENTS reached */
} ev_list;

typedef struct flow_loop {
    const mp_ast *loop;
    int scope;
    ev_list ev;
    bool train;
} flow_loop;

struct ck_flow {
    flow_loop *loops;
    size_t n, cap;
    size_t events;   /* kept over all loops; bounded by MAX_FILE_EVENTS */
    struct file_facts *facts; /* whole-file facts, gathered on first use */
};

/* Events kept for the whole file: later loops are skipped past this. */
#define MAX_FILE_EVENTS 2000000

/* ---- events ------------------------------------------------------------------------------ */

typedef struct collector {
    ck_ctx *c;
    ev_list *out;
    int scope;
    uint32_t nest;
    bool cond;
    bool compiled;
    const mp_ast *via;
    const mp_ast *stack[MAX_INLINE];
    int depth;
    uint32_t *seq;
} collector;

static void add_event(collector *st, ev_kind kind, const mp_ast *node, const mp_ast *callee,
                      bool callee_compiled)
{
    ev_list *l = st->out;
    if (st->c->rc)
        return;
    if (l->n >= MAX_EVENTS) {
        l->truncated = true;
        return;
    }
    if (mp_py_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) {
        st->c->rc = MP_ENOMEM;
        return;
    }
    l->v[l->n++] = (ck_event){kind, node, st->via, callee, callee_compiled, st->scope,
                              st->nest, st->cond, st->compiled, (*st->seq)++};
}

static bool qname_is(const char *q, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(q, *list) == 0)
            return true;
    return false;
}

static bool is_builtin(const ck_ctx *c, int scope, const mp_ast *f, const char *name)
{
    return mp_ast_is_name(f, name) && !ck_lookup(c, scope, f->str, f->len);
}

/* An argument that prints or converts an MLX array: the array itself or an
 * f-string with one in a field. */
static bool array_arg(ck_ctx *c, int scope, const mp_ast *a)
{
    if (!a)
        return false;
    if (a->kind == MP_AST_STR) {
        for (uint32_t i = 0; i < a->l1.n; i++)
            if (ck_classify(c, scope, a->l1.v[i]).kind == CK_ARRAY)
                return true;
        return false;
    }
    return ck_classify(c, scope, a).kind == CK_ARRAY;
}

static bool is_sync_call(ck_ctx *c, int scope, const mp_ast *e)
{
    static const char *const np_conv[] = {"numpy.array", "numpy.asarray", NULL};
    const mp_ast *f = e->a;
    char q[CK_QNAME_MAX];
    if (ck_resolve(c, scope, f, q, sizeof q))
        return qname_is(q, np_conv) && e->l1.n >= 1 && array_arg(c, scope, e->l1.v[0]);
    if (f && f->kind == MP_AST_ATTR && (mp_ast_str_eq(f, "item") || mp_ast_str_eq(f, "tolist")))
        return e->l1.n == 0 && e->l2.n == 0 && ck_classify(c, scope, f->a).kind == CK_ARRAY;
    if (is_builtin(c, scope, f, "print")) {
        for (uint32_t i = 0; i < e->l1.n; i++)
            if (array_arg(c, scope, e->l1.v[i]))
                return true;
        return false;
    }
    if (is_builtin(c, scope, f, "float") || is_builtin(c, scope, f, "int"))
        return e->l1.n == 1 && ck_classify(c, scope, e->l1.v[0]).kind == CK_ARRAY;
    return false;
}

/* Whether a decorator or call compiles: mx.compile, partial(mx.compile, ...). */
static bool is_compile_expr(const ck_ctx *c, int scope, const mp_ast *d)
{
    char q[CK_QNAME_MAX];
    if (!d)
        return false;
    if (ck_resolve(c, scope, d, q, sizeof q))
        return strcmp(q, "mlx.core.compile") == 0;
    if (d->kind != MP_AST_CALL || !ck_resolve(c, scope, d->a, q, sizeof q))
        return false;
    if (strcmp(q, "mlx.core.compile") == 0)
        return true;
    return strcmp(q, "functools.partial") == 0 && d->l1.n >= 1 &&
           ck_resolve(c, scope, d->l1.v[0], q, sizeof q) && strcmp(q, "mlx.core.compile") == 0;
}

static void collect_block(collector *st, const mp_ast_list *l);
static void collect_expr(collector *st, const mp_ast *e);

/* Whether an argument hands over the training state: the model, the
 * optimizer, their .state / .parameters(), or a name that says so. */
static bool mentions_state(ck_ctx *c, int scope, const mp_ast *e)
{
    if (!e)
        return false;
    if (e->kind == MP_AST_NAME || e->kind == MP_AST_ATTR) {
        if (e->kind == MP_AST_NAME) {
            ck_kind k = ck_classify(c, scope, e).kind;
            if (k == CK_MODEL || k == CK_OPTIMIZER)
                return true;
        }
        char name[64];
        ck_str(e, name, sizeof name);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        if (strstr(name, "state") || strstr(name, "model") || strstr(name, "optim") ||
            strstr(name, "param"))
            return true;
        return e->kind == MP_AST_ATTR && mentions_state(c, scope, e->a);
    }
    if (e->kind == MP_AST_CALL && e->a && e->a->kind == MP_AST_ATTR &&
        mentions_state(c, scope, e->a))
        return true;
    if (e->kind == MP_AST_LIST || e->kind == MP_AST_TUPLE || e->kind == MP_AST_DICT ||
        e->kind == MP_AST_KEYWORD || e->kind == MP_AST_STARRED) {
        if (mentions_state(c, scope, e->a))
            return true;
        for (uint32_t i = 0; i < e->l1.n; i++)
            if (mentions_state(c, scope, e->l1.v[i]))
                return true;
        for (uint32_t i = 0; i < e->l2.n; i++)
            if (mentions_state(c, scope, e->l2.v[i]))
                return true;
    }
    return false;
}

static bool passes_state(ck_ctx *c, int scope, const mp_ast *call)
{
    for (uint32_t i = 0; i < call->l1.n; i++)
        if (mentions_state(c, scope, call->l1.v[i]))
            return true;
    for (uint32_t i = 0; i < call->l2.n; i++)
        if (mentions_state(c, scope, call->l2.v[i]))
            return true;
    return false;
}

static void collect_call(collector *st, const mp_ast *e)
{
    ck_ctx *c = st->c;
    int scope = st->scope;
    char q[CK_QNAME_MAX];
    if (ck_resolve(c, scope, e->a, q, sizeof q)) {
        static const char *const evals[] = {"mlx.core.eval", "mlx.core.async_eval", NULL};
        static const char *const loads[] = {"mlx_lm.load", "mlx_lm.utils.load", NULL};
        const mp_api_row *r;
        if (qname_is(q, evals))
            add_event(st, EV_EVAL, e, NULL, false);
        else if (strcmp(q, "mlx.core.compile") == 0)
            add_event(st, EV_COMPILE, e, NULL, false);
        else if (qname_is(q, loads))
            add_event(st, EV_LOAD, e, NULL, false);
        else if (is_sync_call(c, scope, e))
            add_event(st, EV_SYNC, e, NULL, false);
        else if ((r = ck_api(q)) != NULL && strcmp(r->kind, "class") == 0 &&
                 strncmp(q, "mlx.optimizers.", 15) == 0 && !strchr(q + 15, '.'))
            add_event(st, EV_NEW_OPT, e, NULL, false);
        else if (strncmp(q, "mlx", 3) != 0 && passes_state(c, scope, e))
            add_event(st, EV_OPAQUE, e, NULL, false); /* a helper of another module */
        return;
    }
    if (ck_is_optimizer_update(c, scope, e)) {
        add_event(st, EV_UPDATE, e, NULL, false);
        return;
    }
    if (is_sync_call(c, scope, e)) {
        add_event(st, EV_SYNC, e, NULL, false);
        return;
    }
    ck_val fv = ck_classify(c, scope, e->a);
    if (fv.kind == CK_CLASS && ck_class_is_module(c, scope, fv.node)) {
        add_event(st, EV_NEW_MODEL, e, fv.node, false);
        return;
    }
    if (fv.kind == CK_LVG) {
        add_event(st, EV_LVG, e, NULL, false);
        return;
    }
    const mp_ast *def = NULL;
    bool compiled = false;
    if (fv.kind == CK_DEF) {
        def = fv.node;
    } else if (fv.kind == CK_COMPILED && fv.node && fv.node->l1.n >= 1) {
        ck_val tv = ck_classify(c, scope, fv.node->l1.v[0]);
        if (tv.kind == CK_DEF) {
            def = tv.node;
            compiled = true;
        }
    }
    if (fv.kind == CK_MODEL)
        add_event(st, EV_FORWARD, e, NULL, false);
    if (!def || def->kind != MP_AST_DEF) {
        /* a method or function the file does not show, given the state;
         * methods of the model and the optimizer themselves are known */
        bool own = fv.kind == CK_MODEL ||
                   (e->a && e->a->kind == MP_AST_ATTR &&
                    (ck_classify(c, scope, e->a->a).kind == CK_MODEL ||
                     ck_classify(c, scope, e->a->a).kind == CK_OPTIMIZER));
        bool builtin = e->a && e->a->kind == MP_AST_NAME && !ck_lookup(c, scope, e->a->str,
                                                                        e->a->len);
        if (!own && !builtin && passes_state(c, scope, e))
            add_event(st, EV_OPAQUE, e, NULL, false);
        return;
    }
    add_event(st, EV_CALL, e, def, compiled);
    bool inline_ok = st->depth < MAX_INLINE && !st->out->truncated;
    for (int i = 0; i < st->depth; i++)
        if (st->stack[i] == def)
            inline_ok = false; /* recursion */
    if (!inline_ok) {
        add_event(st, EV_OPAQUE, e, NULL, false);
        return;
    }
    collector in = *st;
    in.scope = ck_scope_of(c, def);
    in.via = st->via ? st->via : e;
    in.compiled = st->compiled || compiled || def->l3.n > 0;
    if (def->l3.n > 0) {
        /* a decorated def: only compile decorators keep its body meaningful */
        bool compile = false;
        for (uint32_t i = 0; i < def->l3.n; i++)
            compile |= is_compile_expr(c, scope, def->l3.v[i]);
        if (!compile) {
            add_event(st, EV_OPAQUE, e, NULL, false);
            return;
        }
    }
    in.stack[in.depth++] = def;
    collect_block(&in, &def->l1);
}

static void collect_expr(collector *st, const mp_ast *e)
{
    if (!e || st->c->rc)
        return;
    switch (e->kind) {
    case MP_AST_LAMBDA:
        return; /* not run where it is written */
    case MP_AST_COMP: {
        collector in = *st;
        in.scope = ck_scope_of(st->c, e);
        in.nest++;
        for (uint32_t i = 0; i < e->l1.n; i++) {
            const mp_ast *g = e->l1.v[i];
            if (!g)
                continue;
            collect_expr(i == 0 ? st : &in, g->b);
            for (uint32_t k = 0; k < g->l1.n; k++)
                collect_expr(&in, g->l1.v[k]);
        }
        collect_expr(&in, e->a);
        collect_expr(&in, e->b);
        return;
    }
    case MP_AST_IFEXP: {
        collect_expr(st, e->b);
        collector in = *st;
        in.cond = true;
        collect_expr(&in, e->a);
        collect_expr(&in, e->c);
        return;
    }
    case MP_AST_BOOLOP: {
        collect_expr(st, e->l1.n ? e->l1.v[0] : NULL);
        collector in = *st;
        in.cond = true;
        for (uint32_t i = 1; i < e->l1.n; i++)
            collect_expr(&in, e->l1.v[i]);
        return;
    }
    default:
        break;
    }
    collect_expr(st, e->a);
    collect_expr(st, e->b);
    collect_expr(st, e->c);
    for (uint32_t i = 0; i < e->l1.n; i++)
        collect_expr(st, e->l1.v[i]);
    for (uint32_t i = 0; i < e->l2.n; i++)
        collect_expr(st, e->l2.v[i]);
    if (e->kind == MP_AST_CALL)
        collect_call(st, e);
}

static void collect_stmt(collector *st, const mp_ast *s)
{
    if (!s || st->c->rc)
        return;
    collector cond = *st, inner = *st;
    cond.cond = true;
    inner.nest++;
    switch (s->kind) {
    case MP_AST_EXPR_STMT:
    case MP_AST_RETURN:
        collect_expr(st, s->a);
        return;
    case MP_AST_ASSIGN:
        collect_expr(st, s->a);
        for (uint32_t i = 0; i < s->l1.n; i++)
            collect_expr(st, s->l1.v[i]);
        return;
    case MP_AST_AUGASSIGN:
        collect_expr(st, s->b);
        collect_expr(st, s->a);
        return;
    case MP_AST_ANNASSIGN:
        collect_expr(st, s->c);
        return;
    case MP_AST_RAISE:
    case MP_AST_ASSERT:
        collect_expr(st, s->a);
        collect_expr(st, s->b);
        return;
    case MP_AST_DEL:
        for (uint32_t i = 0; i < s->l1.n; i++)
            collect_expr(st, s->l1.v[i]);
        return;
    case MP_AST_IF:
        collect_expr(st, s->a);
        collect_block(&cond, &s->l1);
        collect_block(&cond, &s->l2);
        return;
    case MP_AST_WHILE:
        collect_expr(&inner, s->a);
        collect_block(&inner, &s->l1);
        collect_block(&cond, &s->l2);
        return;
    case MP_AST_FOR:
        collect_expr(st, s->b);
        collect_block(&inner, &s->l1);
        collect_block(&cond, &s->l2);
        return;
    case MP_AST_TRY:
        collect_block(st, &s->l1);
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                collect_block(&cond, &s->l2.v[i]->l1);
        collect_block(&cond, &s->l3);
        if (s->a)
            collect_block(st, &s->a->l1);
        return;
    case MP_AST_WITH:
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                collect_expr(st, s->l2.v[i]->a);
        collect_block(st, &s->l1);
        return;
    case MP_AST_MATCH:
        collect_expr(st, s->a);
        for (uint32_t i = 0; i < s->l1.n; i++)
            if (s->l1.v[i])
                collect_block(&cond, &s->l1.v[i]->l1);
        return;
    case MP_AST_DEF:
        for (uint32_t i = 0; i < s->l3.n; i++) {
            if (is_compile_expr(st->c, st->scope, s->l3.v[i]))
                add_event(st, EV_COMPILE, s->l3.v[i], NULL, false);
            else
                collect_expr(st, s->l3.v[i]);
        }
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                collect_expr(st, s->l2.v[i]->a);
        return;
    case MP_AST_CLASS:
        for (uint32_t i = 0; i < s->l3.n; i++)
            collect_expr(st, s->l3.v[i]);
        return;
    default:
        return;
    }
}

static void collect_block(collector *st, const mp_ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        collect_stmt(st, l->v[i]);
}

/* ---- the loops of the file ------------------------------------------------------------------ */

static void add_loop(ck_ctx *c, int scope, const mp_ast *s, void *ud)
{
    struct ck_flow *f = ud;
    if ((s->kind != MP_AST_FOR && s->kind != MP_AST_WHILE) || c->rc)
        return;
    if (mp_py_grow((void **)&f->loops, &f->cap, f->n + 1, sizeof *f->loops)) {
        c->rc = MP_ENOMEM;
        return;
    }
    flow_loop *L = &f->loops[f->n++];
    memset(L, 0, sizeof *L);
    L->loop = s;
    L->scope = scope;
    uint32_t seq = 0;
    collector st = {0};
    st.c = c;
    st.out = &L->ev;
    st.scope = scope;
    st.seq = &seq;
    if (s->kind == MP_AST_WHILE)
        collect_expr(&st, s->a);
    collect_block(&st, &s->l1);
    if (L->ev.truncated || f->events + L->ev.n > MAX_FILE_EVENTS) {
        L->ev.n = 0; /* too big to judge */
        return;
    }
    f->events += L->ev.n;
    /* a training loop updates with gradients it computes */
    bool update = false, grads = false;
    for (size_t i = 0; i < L->ev.n; i++) {
        update |= L->ev.v[i].kind == EV_UPDATE && L->ev.v[i].nest == 0;
        grads |= L->ev.v[i].kind == EV_LVG;
    }
    L->train = update && grads;
}

static struct ck_flow *flow(ck_ctx *c)
{
    if (c->flow)
        return c->flow;
    c->flow = calloc(1, sizeof *c->flow);
    if (!c->flow) {
        c->rc = MP_ENOMEM;
        return NULL;
    }
    ck_walk_stmts(c, add_loop, c->flow);
    return c->flow;
}

typedef void (*event_fn)(ck_ctx *c, const flow_loop *L, const ck_event *e);

/* Call `fn` for every event of every loop (of training loops only when
 * `train_only`). */
static void each_event(ck_ctx *c, bool train_only, event_fn fn)
{
    struct ck_flow *f = flow(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const flow_loop *L = &f->loops[i];
        if (train_only && !L->train)
            continue;
        for (size_t k = 0; k < L->ev.n; k++)
            fn(c, L, &L->ev.v[k]);
    }
}

void ck_flow_release(ck_ctx *c)
{
    if (!c->flow)
        return;
    for (size_t i = 0; i < c->flow->n; i++)
        free(c->flow->loops[i].ev.v);
    free(c->flow->loops);
    free(c->flow->facts);
    free(c->flow);
    c->flow = NULL;
}

/* Events of one function body, as if called from a loop (for MLX303). */
static void def_events(ck_ctx *c, const mp_ast *def, ev_list *out)
{
    uint32_t seq = 0;
    collector st = {0};
    st.c = c;
    st.out = out;
    st.scope = ck_scope_of(c, def);
    st.seq = &seq;
    st.stack[st.depth++] = def;
    collect_block(&st, &def->l1);
}

/* ---- helpers for messages ------------------------------------------------------------------- */

/* "optimizer", "self.opt", "loss" ... for NAME / attribute chains. */
const char *ck_ref_text(const mp_ast *e, char *buf, size_t cap)
{
    if (!e || cap < 8) {
        if (cap)
            buf[0] = '\0';
        return buf;
    }
    if (e->kind == MP_AST_NAME) {
        snprintf(buf, cap, "%.*s", (int)e->len, e->str);
    } else if (e->kind == MP_AST_ATTR) {
        char inner[128];
        ck_ref_text(e->a, inner, sizeof inner);
        snprintf(buf, cap, "%s.%.*s", inner, (int)e->len, e->str);
    } else if (e->kind == MP_AST_CALL || e->kind == MP_AST_SUBSCRIPT) {
        char inner[128];
        ck_ref_text(e->a, inner, sizeof inner);
        snprintf(buf, cap, e->kind == MP_AST_CALL ? "%s(...)" : "%s[...]", inner);
    } else {
        snprintf(buf, cap, "...");
    }
    return buf;
}

static uint32_t line_of(const ck_event *e)
{
    return e->node->line;
}

/* Position of an event as seen from the loop: the call in the loop body. */
static const mp_ast *loop_site(const ck_event *e)
{
    return e->via ? e->via : e->node;
}

/* How many times `name` gets bound inside the statements (loop targets,
 * assignments, with/except targets, walrus), nested functions excluded;
 * statements not worth following (imports, match) count as many. */
#define MANY_BINDINGS 1000

static unsigned binds_in_expr(const mp_ast *e, const char *name, uint32_t len);

static unsigned target_binds(const mp_ast *t, const char *name, uint32_t len)
{
    if (!t)
        return 0;
    if (t->kind == MP_AST_NAME)
        return t->len == len && memcmp(t->str, name, len) == 0;
    if (t->kind == MP_AST_STARRED)
        return target_binds(t->a, name, len);
    unsigned n = 0;
    if (t->kind == MP_AST_TUPLE || t->kind == MP_AST_LIST)
        for (uint32_t i = 0; i < t->l1.n; i++)
            n += target_binds(t->l1.v[i], name, len);
    return n;
}

static unsigned binds_in_block(const mp_ast_list *l, const char *name, uint32_t len);

static unsigned binds_in_stmt(const mp_ast *s, const char *name, uint32_t len)
{
    if (!s)
        return 0;
    unsigned n = 0;
    switch (s->kind) {
    case MP_AST_ASSIGN:
        for (uint32_t i = 0; i < s->l1.n; i++)
            n += target_binds(s->l1.v[i], name, len);
        return n + binds_in_expr(s->a, name, len);
    case MP_AST_AUGASSIGN:
    case MP_AST_ANNASSIGN:
        return target_binds(s->a, name, len);
    case MP_AST_FOR:
        return target_binds(s->a, name, len) + binds_in_block(&s->l1, name, len) +
               binds_in_block(&s->l2, name, len);
    case MP_AST_IF:
    case MP_AST_WHILE:
        return binds_in_expr(s->a, name, len) + binds_in_block(&s->l1, name, len) +
               binds_in_block(&s->l2, name, len);
    case MP_AST_WITH:
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                n += target_binds(s->l2.v[i]->b, name, len);
        return n + binds_in_block(&s->l1, name, len);
    case MP_AST_TRY:
        n = binds_in_block(&s->l1, name, len) + binds_in_block(&s->l3, name, len) +
            (s->a ? binds_in_block(&s->a->l1, name, len) : 0);
        for (uint32_t i = 0; i < s->l2.n; i++) {
            const mp_ast *h = s->l2.v[i];
            if (h)
                n += (h->len2 == len && memcmp(h->str2, name, len) == 0) +
                     binds_in_block(&h->l1, name, len);
        }
        return n;
    case MP_AST_DEF:
    case MP_AST_CLASS:
        return s->len == len && memcmp(s->str, name, len) == 0;
    case MP_AST_IMPORT:
    case MP_AST_IMPORT_FROM:
    case MP_AST_MATCH:
    case MP_AST_GLOBAL:
    case MP_AST_NONLOCAL:
        return MANY_BINDINGS;
    case MP_AST_EXPR_STMT:
        return binds_in_expr(s->a, name, len);
    default:
        return 0;
    }
}

static unsigned binds_in_block(const mp_ast_list *l, const char *name, uint32_t len)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < l->n; i++)
        n += binds_in_stmt(l->v[i], name, len);
    return n;
}

static unsigned binds_in_expr(const mp_ast *e, const char *name, uint32_t len)
{
    if (!e || e->kind == MP_AST_LAMBDA)
        return 0;
    unsigned n = e->kind == MP_AST_NAMED ? target_binds(e->a, name, len) : 0;
    n += binds_in_expr(e->a, name, len) + binds_in_expr(e->b, name, len) +
         binds_in_expr(e->c, name, len);
    for (uint32_t i = 0; i < e->l1.n; i++)
        n += binds_in_expr(e->l1.v[i], name, len);
    for (uint32_t i = 0; i < e->l2.n; i++)
        n += binds_in_expr(e->l2.v[i], name, len);
    return n;
}

/* Bindings of `name` made by the loop: its target and its body. */
static unsigned loop_binds(const mp_ast *loop, const char *name, uint32_t len)
{
    unsigned n = loop->kind == MP_AST_FOR ? target_binds(loop->a, name, len) : 0;
    return n + binds_in_block(&loop->l1, name, len);
}

/* The keyword argument `name` of a call; NULL when absent. */
static const mp_ast *keyword(const mp_ast *call, const char *name)
{
    for (uint32_t i = 0; i < call->l2.n; i++)
        if (call->l2.v[i] && mp_ast_str_eq(call->l2.v[i], name))
            return call->l2.v[i]->a;
    return NULL;
}

/* ---- MLX101 train-loop-no-eval ------------------------------------------------------------- */

static const ck_event *first_event(const flow_loop *L, ev_kind kind, bool every_iteration)
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
    struct ck_flow *f = flow(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const flow_loop *L = &f->loops[i];
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
                opt, (unsigned)line_of(u));
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
        return loop_binds(loop, e->str, e->len) > 0;
    if (fresh_in_loop(loop, e->a) || fresh_in_loop(loop, e->b) || fresh_in_loop(loop, e->c))
        return true;
    for (uint32_t i = 0; i < e->l1.n; i++)
        if (fresh_in_loop(loop, e->l1.v[i]))
            return true;
    return false;
}

/* Whether the value a sync reads is computed by the loop (always true inside
 * a function the loop calls: its body runs every iteration). */
static bool sync_reads_step(const flow_loop *L, const ck_event *e)
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
static bool every_step_sync(const flow_loop *L, const ck_event *e)
{
    return e->kind == EV_SYNC && !e->nest && !e->cond && !e->compiled && sync_reads_step(L, e);
}

void ck_rule_sync_in_loop(ck_ctx *c)
{
    struct ck_flow *f = flow(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const flow_loop *L = &f->loops[i];
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
                    what, (unsigned)line_of(ev));
        }
    }
}

/* ---- MLX103 array-grow-in-loop --------------------------------------------------------------- */

static void grow_block(ck_ctx *c, const flow_loop *L, const mp_ast_list *l);

/* Whether expression `e` calls one of the names the for-loop binds as its
 * target (for layer in self.layers: ... layer(x) ...). */
static bool calls_loop_target(const mp_ast *loop, const mp_ast *e)
{
    if (!e || loop->kind != MP_AST_FOR || e->kind == MP_AST_LAMBDA)
        return false;
    if (e->kind == MP_AST_CALL && e->a && e->a->kind == MP_AST_NAME &&
        target_binds(loop->a, e->a->str, e->a->len))
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

static void grow_stmt(ck_ctx *c, const flow_loop *L, const mp_ast *s)
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
        !qname_is(q, joins) || call->l1.n < 1)
        return;
    const mp_ast *parts = call->l1.v[0];
    if (!parts || (parts->kind != MP_AST_LIST && parts->kind != MP_AST_TUPLE))
        return;
    if (loop_binds(L->loop, t->str, t->len) != 1)
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

static void grow_block(ck_ctx *c, const flow_loop *L, const mp_ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        grow_stmt(c, L, l->v[i]);
}

/* for i in range(n): x[i] = ... on an mx.array made before the loop, in a
 * loop that does nothing else */
static void fill_loop(ck_ctx *c, const flow_loop *L)
{
    const mp_ast *s = L->loop;
    if (s->kind != MP_AST_FOR || !s->a || s->a->kind != MP_AST_NAME || !s->b ||
        s->b->kind != MP_AST_CALL || !is_builtin(c, L->scope, s->b->a, "range") || s->l2.n)
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
        if (loop_binds(s, t->a->str, t->a->len) ||
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
    struct ck_flow *f = flow(c);
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

static void uncompiled_step(ck_ctx *c, const flow_loop *L, const ck_event *e)
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
    each_event(c, true, uncompiled_step);
}

/* ---- MLX202 compile-in-loop ---------------------------------------------------------------------- */

static void compile_in_loop(ck_ctx *c, const flow_loop *L, const ck_event *e)
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
    each_event(c, true, compile_in_loop);
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

static void recreate_in_loop(ck_ctx *c, const flow_loop *L, const ck_event *e)
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
        const mp_ast *a = e->node->l1.n ? e->node->l1.v[0] : keyword(e->node, "path_or_hf_repo");
        bool invariant = a && (a->kind == MP_AST_STR ||
                               (a->kind == MP_AST_NAME && !loop_binds(L->loop, a->str, a->len)));
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
    each_event(c, false, recreate_in_loop);
}

/* ---- MLX207 host-read-per-step ------------------------------------------------------------------ */

static bool is_async_eval(ck_ctx *c, int scope, const mp_ast *call)
{
    char q[CK_QNAME_MAX];
    return ck_resolve(c, scope, call->a, q, sizeof q) && strcmp(q, "mlx.core.async_eval") == 0;
}

/* A loop that runs the model on every iteration without training it
 * (generation, evaluation) and reads a value it computed to the host each
 * time, with no mx.async_eval queueing the next step first.  Training
 * loops are MLX102's: there the step's mx.eval waits anyway. */
void ck_rule_host_read_per_step(ck_ctx *c)
{
    struct ck_flow *f = flow(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const flow_loop *L = &f->loops[i];
        if (L->train)
            continue;
        const ck_event *fwd = NULL;
        bool queued = false;
        for (size_t k = 0; k < L->ev.n; k++) {
            const ck_event *e = &L->ev.v[k];
            if (e->kind == EV_FORWARD && !e->nest && !e->cond && !fwd)
                fwd = e;
            if (e->kind == EV_EVAL && is_async_eval(c, e->scope, e->node))
                queued = true;
        }
        if (!fwd || queued)
            continue;
        for (size_t k = 0; k < L->ev.n; k++) {
            const ck_event *e = &L->ev.v[k];
            if (!every_step_sync(L, e))
                continue;
            char what[160];
            describe_sync(e, what, sizeof what);
            ck_emit(c, MP_CHECK_MLX207, e->node->line, e->node->col,
                    "queue the next step with mx.async_eval before reading this one (as "
                    "mlx_lm's generate_step does), or keep the values as arrays and read them "
                    "once after the loop",
                    "%s reads a result to the host on every iteration of a loop that runs the "
                    "model (line %u): each read waits for the GPU, which then idles while "
                    "Python builds the next step",
                    what, (unsigned)line_of(fwd));
            break; /* one finding per loop */
        }
    }
}

/* ---- MLX303 compile-missing-state ---------------------------------------------------------------- */

static bool updates_state(ck_ctx *c, const mp_ast *def)
{
    ev_list ev = {0};
    def_events(c, def, &ev);
    bool yes = false;
    for (size_t i = 0; i < ev.n && !ev.truncated; i++)
        if (ev.v[i].kind == EV_UPDATE)
            yes = true;
    free(ev.v);
    return yes;
}

static void report_missing_state(ck_ctx *c, const mp_ast *site, const mp_ast *def, bool has_in,
                                 bool has_out)
{
    if ((has_in && has_out) || !updates_state(c, def))
        return;
    char name[96];
    ck_str(def, name, sizeof name);
    const char *missing = !has_in && !has_out ? "inputs= and outputs=" : !has_in ? "inputs="
                                                                                 : "outputs=";
    ck_emit(c, MP_CHECK_MLX303, site->line, site->col,
            "state = [model.state, optimizer.state]; compile with "
            "partial(mx.compile, inputs=state, outputs=state)",
            "'%s' is compiled without %s but calls optimizer.update: a compiled function treats "
            "captured arrays as constants, so the new parameters and optimizer state do not "
            "come out of it",
            name, missing);
}

static void compile_stmt(ck_ctx *c, int scope, const mp_ast *s, void *ud)
{
    (void)ud;
    if (s->kind != MP_AST_DEF)
        return;
    for (uint32_t i = 0; i < s->l3.n; i++) {
        const mp_ast *d = s->l3.v[i];
        if (!is_compile_expr(c, scope, d))
            continue;
        bool in = d->kind == MP_AST_CALL && keyword(d, "inputs");
        bool out = d->kind == MP_AST_CALL && keyword(d, "outputs");
        report_missing_state(c, d, s, in, out);
    }
}

static void compile_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    (void)parent;
    (void)ud;
    char q[CK_QNAME_MAX];
    if (e->kind != MP_AST_CALL || e->l1.n < 1 || !ck_resolve(c, scope, e->a, q, sizeof q) ||
        strcmp(q, "mlx.core.compile") != 0)
        return;
    ck_val v = ck_classify(c, scope, e->l1.v[0]);
    if (v.kind != CK_DEF)
        return;
    bool in = e->l1.n >= 2 || keyword(e, "inputs");
    bool out = e->l1.n >= 3 || keyword(e, "outputs");
    report_missing_state(c, e, v.node, in, out);
}

void ck_rule_compile_missing_state(ck_ctx *c)
{
    ck_walk_stmts(c, compile_stmt, NULL);
    ck_walk_exprs(c, compile_expr, NULL);
}

/* ---- whole-file facts: training, calls by qualified name -------------------------------------- */

struct file_facts {
    bool training;              /* builds an optimizer or a value_and_grad function */
    const mp_ast *set_limit;    /* first mx.set_memory_limit / set_cache_limit call */
    bool wired;                 /* mx.set_wired_limit or mlx_lm's wired_limit */
    bool mlx_lm_generation;     /* mlx_lm generate / stream_generate / batch_generate */
    bool step_generation;       /* generate_step / speculative_generate_step */
    bool loads_model;           /* mlx_lm.load, load_model, mx.load, .load_weights */
    bool test_file;             /* imports unittest or pytest */
    const mp_ast *np_sample, *mx_seed;
    /* np.random.seed calls, and MLX randomness: unkeyed mx.random samplers and
     * constructions of layers with random initial parameters */
    struct {
        const mp_ast *node;
        int scope;
    } np_seed[32], mx_rand[64];
    int n_np_seed, n_mx_rand;
};
typedef struct file_facts file_facts;

/* nn classes whose constructor draws random initial parameters */
static const char *const random_init_layers[] = {
    "Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
    "ConvTranspose3d", "Embedding", "MultiHeadAttention", "GRU", "LSTM", "RNN", "Transformer",
    "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
    "TransformerDecoderLayer", "QuantizedLinear", "QuantizedEmbedding", "AllToShardedLinear",
    "ShardedToAllLinear", NULL};

static void facts_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    static const char *const limits[] = {"mlx.core.set_memory_limit", "mlx.core.set_cache_limit",
                                         "mlx.core.metal.set_memory_limit",
                                         "mlx.core.metal.set_cache_limit", NULL};
    static const char *const wired[] = {"mlx.core.set_wired_limit",
                                        "mlx.core.metal.set_wired_limit",
                                        "mlx_lm.generate.wired_limit", NULL};
    static const char *const gen[] = {
        "mlx_lm.generate",          "mlx_lm.stream_generate",
        "mlx_lm.batch_generate",    "mlx_lm.generate.generate",
        "mlx_lm.generate.stream_generate", "mlx_lm.generate.batch_generate",
        "mlx_lm.generate.BatchGenerator", "mlx_lm.server", NULL};
    static const char *const steps[] = {"mlx_lm.generate.generate_step",
                                        "mlx_lm.generate.speculative_generate_step", NULL};
    static const char *const loads[] = {"mlx_lm.load", "mlx_lm.utils.load",
                                        "mlx_lm.utils.load_model", "mlx.core.load", NULL};
    static const char *const np_samplers[] = {
        "rand",   "randn",    "randint",  "random",  "random_sample", "ranf",
        "sample", "choice",   "shuffle",  "permutation", "normal",    "uniform",
        "binomial", "poisson", "exponential", "beta", "gamma",        "standard_normal", NULL};
    static const char *const mx_samplers[] = {
        "uniform",  "normal",     "randint", "bernoulli", "truncated_normal",
        "gumbel",   "categorical", "laplace", "permutation", "multivariate_normal", NULL};
    file_facts *ff = ud;
    char q[CK_QNAME_MAX];
    bool in_chain = parent && parent->kind == MP_AST_ATTR && parent->a == e;
    if (!in_chain && (e->kind == MP_AST_NAME || e->kind == MP_AST_ATTR) &&
        ck_resolve(c, scope, e, q, sizeof q)) {
        if (qname_is(q, wired))
            ff->wired = true;
        if (qname_is(q, gen))
            ff->mlx_lm_generation = true;
    }
    if (e->kind != MP_AST_CALL)
        return;
    if (e->a && e->a->kind == MP_AST_ATTR && mp_ast_str_eq(e->a, "load_weights"))
        ff->loads_model = true;
    if (ck_is_optimizer_update(c, scope, e))
        ff->training = true;
    ck_val v = ck_classify(c, scope, e);
    if (v.kind == CK_OPTIMIZER || v.kind == CK_LVG)
        ff->training = true;
    ck_val fv = ck_classify(c, scope, e->a);
    bool random_layer = fv.kind == CK_CLASS && ck_class_is_module(c, scope, fv.node);
    if (ck_resolve(c, scope, e->a, q, sizeof q) && strncmp(q, "mlx.nn.", 7) == 0 &&
        qname_is(q + 7, random_init_layers))
        random_layer = true;
    if (random_layer && ff->n_mx_rand < 64) {
        ff->mx_rand[ff->n_mx_rand].node = e;
        ff->mx_rand[ff->n_mx_rand++].scope = scope;
    }
    if (!ck_resolve(c, scope, e->a, q, sizeof q))
        return;
    if (qname_is(q, limits) && !ff->set_limit)
        ff->set_limit = e;
    if (qname_is(q, steps))
        ff->step_generation = true;
    if (qname_is(q, loads))
        ff->loads_model = true;
    if (strcmp(q, "numpy.random.seed") == 0 && ff->n_np_seed < 32) {
        ff->np_seed[ff->n_np_seed].node = e;
        ff->np_seed[ff->n_np_seed++].scope = scope;
    }
    if (strncmp(q, "numpy.random.", 13) == 0 && qname_is(q + 13, np_samplers) && !ff->np_sample)
        ff->np_sample = e;
    if (strcmp(q, "mlx.core.random.seed") == 0 && !ff->mx_seed)
        ff->mx_seed = e;
    if (strncmp(q, "mlx.core.random.", 16) == 0 && qname_is(q + 16, mx_samplers) &&
        !keyword(e, "key") && ff->n_mx_rand < 64) {
        ff->mx_rand[ff->n_mx_rand].node = e;
        ff->mx_rand[ff->n_mx_rand++].scope = scope;
    }
}

static void facts_stmt(ck_ctx *c, int scope, const mp_ast *s, void *ud)
{
    (void)c;
    (void)scope;
    file_facts *ff = ud;
    char m[CK_QNAME_MAX];
    if (s->kind == MP_AST_IMPORT_FROM) {
        ck_str(s, m, sizeof m);
        if (strncmp(m, "unittest", 8) == 0 || strncmp(m, "pytest", 6) == 0)
            ff->test_file = true;
    } else if (s->kind == MP_AST_IMPORT) {
        for (uint32_t i = 0; i < s->l1.n; i++) {
            ck_str(s->l1.v[i], m, sizeof m);
            if (strncmp(m, "unittest", 8) == 0 || strncmp(m, "pytest", 6) == 0)
                ff->test_file = true;
        }
    }
}

/* The facts of the file, gathered on first use and kept with the loops. */
static const file_facts *file_facts_of(ck_ctx *c)
{
    struct ck_flow *f = flow(c);
    if (!f)
        return NULL;
    if (!f->facts) {
        f->facts = calloc(1, sizeof *f->facts);
        if (!f->facts) {
            c->rc = MP_ENOMEM;
            return NULL;
        }
        ck_walk_exprs(c, facts_expr, f->facts);
        ck_walk_stmts(c, facts_stmt, f->facts);
    }
    return f->facts;
}

/* ---- MLX203 float32-inference ---------------------------------------------------------------------- */

static void f32_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    (void)parent;
    (void)ud;
    if (e->kind != MP_AST_CALL)
        return;
    char q[CK_QNAME_MAX], what[128];
    if (e->a && e->a->kind == MP_AST_ATTR && mp_ast_str_eq(e->a, "set_dtype")) {
        const mp_ast *d = e->l1.n ? e->l1.v[0] : keyword(e, "dtype");
        if (!ck_resolve(c, scope, d, q, sizeof q) || strcmp(q, "mlx.core.float32") != 0)
            return;
        ck_emit(c, MP_CHECK_MLX203, e->line, e->col,
                "keep the weights in bfloat16 or float16 (set_dtype(mx.bfloat16)); use float32 "
                "only as a precision reference",
                "%s casts the model to float32 in a script that only runs inference: the "
                "weights take twice the memory of bfloat16 and every token reads twice the bytes",
                ck_ref_text(e->a, what, sizeof what));
        return;
    }
    if (!ck_resolve(c, scope, e->a, q, sizeof q) || strcmp(q, "mlx_lm.convert") != 0)
        return;
    const mp_ast *d = keyword(e, "dtype");
    if (!d || d->kind != MP_AST_STR || d->l1.n || d->len < 9 ||
        (memcmp(d->str, "'float32'", 9) != 0 && memcmp(d->str, "\"float32\"", 9) != 0))
        return;
    ck_emit(c, MP_CHECK_MLX203, d->line, d->col,
            "convert with dtype=\"bfloat16\" or \"float16\", or quantize",
            "convert(..., dtype=\"float32\") stores the model in float32 for inference: twice "
            "the memory and bandwidth of bfloat16");
}

void ck_rule_float32_inference(ck_ctx *c)
{
    const file_facts *ff = file_facts_of(c);
    /* tests use float32 on purpose, as the precision reference */
    if (ff && !ff->training && !ff->test_file)
        ck_walk_exprs(c, f32_expr, NULL);
}

/* ---- MLX205 load-weights-dtype ---------------------------------------------------------------------- */

typedef struct dtype_calls {
    struct {
        const mp_ast *call;
        int scope;
        bool load; /* load_weights, else set_dtype */
    } v[256];
    int n;
} dtype_calls;

static void dtype_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    (void)c;
    (void)parent;
    dtype_calls *d = ud;
    if (e->kind != MP_AST_CALL || !e->a || e->a->kind != MP_AST_ATTR || d->n >= 256)
        return;
    bool load = mp_ast_str_eq(e->a, "load_weights");
    if (!load && !mp_ast_str_eq(e->a, "set_dtype"))
        return;
    if (load) {
        const mp_ast *strict = keyword(e, "strict");
        if (e->l1.n >= 2 || (strict && !mp_ast_str_eq(strict, "True")))
            return; /* a partial load: the cast still holds for what is not loaded */
    }
    d->v[d->n].call = e;
    d->v[d->n].scope = scope;
    d->v[d->n].load = load;
    d->n++;
}

void ck_rule_load_weights_dtype(ck_ctx *c)
{
    dtype_calls *d = calloc(1, sizeof *d);
    if (!d) {
        c->rc = MP_ENOMEM;
        return;
    }
    ck_walk_exprs(c, dtype_expr, d);
    for (int i = 0; i < d->n; i++) {
        if (!d->v[i].load)
            continue;
        const mp_ast *w = d->v[i].call;
        for (int k = 0; k < d->n; k++) {
            const mp_ast *s = d->v[k].call;
            if (d->v[k].load || d->v[k].scope != d->v[i].scope || s->off >= w->off ||
                !ck_same_ref(s->a->a, w->a->a))
                continue;
            char who[128];
            ck_ref_text(w->a->a, who, sizeof who);
            ck_emit(c, MP_CHECK_MLX205, w->line, w->col,
                    "call set_dtype after load_weights, or save the weights in the dtype you want",
                    "%s.load_weights(...) comes after %s.set_dtype(...) (line %u): load_weights "
                    "keeps the dtypes stored in the file, so the cast is undone",
                    who, who, (unsigned)s->line);
            break;
        }
    }
    free(d);
}

/* ---- MLX206 wired-limit ---------------------------------------------------------------------------- */

void ck_rule_wired_limit(ck_ctx *c)
{
    const file_facts *ff = file_facts_of(c);
    if (!ff || !ff->set_limit || ff->wired || ff->mlx_lm_generation)
        return;
    if (!ff->step_generation && !(ff->loads_model && !ff->training))
        return;
    char what[128];
    ck_emit(c, MP_CHECK_MLX206, ff->set_limit->line, ff->set_limit->col,
            "for a model near the GPU budget, call "
            "mx.set_wired_limit(mx.device_info()['max_recommended_working_set_size']) before "
            "generating (macOS 15+), or use mlx_lm's generate / stream_generate, which do",
            "%s sets a memory size by hand, but the model's weights are never wired: when they "
            "come close to the GPU memory budget, macOS may page them out between tokens",
            ck_ref_text(ff->set_limit->a, what, sizeof what));
}

/* ---- MLX301 value-and-grad-args -------------------------------------------------------------------- */

static bool is_function_value(ck_ctx *c, int scope, const mp_ast *e)
{
    if (!e)
        return false;
    if (e->kind == MP_AST_LAMBDA)
        return true;
    ck_kind k = ck_classify(c, scope, e).kind;
    return k == CK_DEF || k == CK_COMPILED;
}

/* Compare a call's arguments with the parameters of the DEF it ends up in. */
static void check_arity(ck_ctx *c, const mp_ast *call, const mp_ast *def, const char *fn_text)
{
    for (uint32_t i = 0; i < call->l1.n; i++)
        if (!call->l1.v[i] || call->l1.v[i]->kind == MP_AST_STARRED)
            return;
    for (uint32_t i = 0; i < call->l2.n; i++)
        if (!call->l2.v[i] || !call->l2.v[i]->len)
            return;
    uint32_t n_pos = 0, n_required = 0, given = call->l1.n, missing = 0;
    bool varargs = false;
    char names[200] = "";
    for (uint32_t i = 0; i < def->l2.n; i++) {
        const mp_ast *p = def->l2.v[i];
        if (!p)
            return;
        if (p->flags & MP_AST_PARAM_VARARG)
            varargs = true;
        if (p->flags & (MP_AST_PARAM_KWONLY | MP_AST_PARAM_VARARG | MP_AST_PARAM_KWARG))
            continue;
        size_t nl = strlen(names);
        snprintf(names + nl, sizeof names - nl, "%s%.*s", nl ? ", " : "", (int)p->len, p->str);
        if (!p->a) {
            n_required++;
            bool by_kw = false;
            for (uint32_t k = 0; k < call->l2.n; k++)
                if (call->l2.v[k]->len == p->len &&
                    memcmp(call->l2.v[k]->str, p->str, p->len) == 0)
                    by_kw = true;
            if (n_pos >= given && !by_kw)
                missing++;
        }
        n_pos++;
    }
    char def_name[96];
    ck_str(def, def_name, sizeof def_name);
    if (missing)
        ck_emit(c, MP_CHECK_MLX301, call->line, call->col,
                "pass the same arguments as the function takes: the model's parameters are "
                "handled by value_and_grad itself",
                "%s is called with %u positional argument%s but '%s' takes %u (%s): the call "
                "fails with a TypeError",
                fn_text, (unsigned)given, given == 1 ? "" : "s", def_name, (unsigned)n_required,
                names);
    else if (!varargs && given > n_pos)
        ck_emit(c, MP_CHECK_MLX301, call->line, call->col,
                "pass the same arguments as the function takes",
                "%s is called with %u positional arguments but '%s' takes at most %u (%s): the "
                "call fails with a TypeError",
                fn_text, (unsigned)given, def_name, (unsigned)n_pos, names);
}

static void vg_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    (void)parent;
    (void)ud;
    if (e->kind != MP_AST_CALL)
        return;
    char q[CK_QNAME_MAX], what[128];
    if (ck_resolve(c, scope, e->a, q, sizeof q)) {
        if ((strcmp(q, "mlx.nn.value_and_grad") == 0 ||
             strcmp(q, "mlx.nn.utils.value_and_grad") == 0) &&
            e->l1.n >= 2 && is_function_value(c, scope, e->l1.v[0]) &&
            !is_function_value(c, scope, e->l1.v[1])) {
            char fn[96], model[96];
            ck_ref_text(e->l1.v[0], fn, sizeof fn);
            ck_ref_text(e->l1.v[1], model, sizeof model);
            ck_emit(c, MP_CHECK_MLX301, e->line, e->col, "nn.value_and_grad(model, loss_fn)",
                    "%s takes the model first and the function second; here the function "
                    "'%s' comes first",
                    ck_ref_text(e->a, what, sizeof what), fn);
        }
        return;
    }
    ck_val fv = ck_classify(c, scope, e->a);
    if (fv.kind != CK_LVG || !fv.node)
        return;
    const mp_ast *vg = fv.node;
    bool nn = (fv.flags & CK_F_NN) != 0;
    const mp_ast *fn = nn ? (vg->l1.n >= 2 ? vg->l1.v[1] : keyword(vg, "fn"))
                          : (vg->l1.n >= 1 ? vg->l1.v[0] : keyword(vg, "fun"));
    ck_val dv = ck_classify(c, scope, fn);
    ck_ref_text(e->a, what, sizeof what);
    if (dv.kind == CK_DEF && dv.node && !dv.node->l3.n) /* decorators may change the signature */
        check_arity(c, e, dv.node, what);
}

void ck_rule_value_and_grad_args(ck_ctx *c)
{
    ck_walk_exprs(c, vg_expr, NULL);
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
    struct ck_flow *f = flow(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const flow_loop *L = &f->loops[i];
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
        const mp_ast *site = loop_site(update);
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

/* ---- MLX304 rng-mix ---------------------------------------------------------------------------------- */

void ck_rule_rng_mix(ck_ctx *c)
{
    const file_facts *ff = file_facts_of(c);
    if (!ff)
        return;
    char what[128], other[128];
    /* np.random.seed followed, in the same function, by MLX randomness while
     * MLX is never seeded: the author expected one seed to cover both.  Unit
     * tests are left alone: they seed NumPy for their data and often draw MLX
     * test inputs that need not repeat. */
    for (int i = 0; i < ff->n_np_seed && !ff->mx_seed && !ff->test_file; i++) {
        const mp_ast *seed = ff->np_seed[i].node;
        for (int k = 0; k < ff->n_mx_rand; k++) {
            const mp_ast *use = ff->mx_rand[k].node;
            if (ff->mx_rand[k].scope != ff->np_seed[i].scope || use->off < seed->off)
                continue;
            ck_val fv = ck_classify(c, ff->mx_rand[k].scope, use->a);
            bool layer = fv.kind == CK_CLASS;
            char q[CK_QNAME_MAX];
            if (ck_resolve(c, ff->mx_rand[k].scope, use->a, q, sizeof q) &&
                strncmp(q, "mlx.nn.", 7) == 0)
                layer = true;
            ck_emit(c, MP_CHECK_MLX304, seed->line, seed->col,
                    "call mx.random.seed(...) with the same seed as well (mlx_lm.lora seeds "
                    "both)",
                    "%s seeds NumPy only: %s (line %u) %s MLX's own generator, which stays "
                    "seeded from the clock, so runs are not reproducible",
                    ck_ref_text(seed->a, what, sizeof what), ck_ref_text(use, other, sizeof other),
                    (unsigned)use->line,
                    layer ? "initializes its parameters with" : "draws from");
            return;
        }
    }
    if (ff->mx_seed && !ff->n_np_seed && ff->np_sample && !ff->test_file)
        ck_emit(c, MP_CHECK_MLX304, ff->np_sample->line, ff->np_sample->col,
                "seed NumPy too (np.random.seed(...)), or draw from np.random.default_rng(seed)",
                "%s draws from NumPy's global generator, which mx.random.seed (line %u) does "
                "not seed: this randomness changes from run to run",
                ck_ref_text(ff->np_sample->a, what, sizeof what), (unsigned)ff->mx_seed->line);
}
