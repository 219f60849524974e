/* flow.c - the checker's loop analysis (ck_flow.h): for each loop of the
 * file, the calls one iteration makes, as events in execution order, and
 * the helpers the loop and whole-file rules share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "check/ck_flow.h"
#include "util/text.h"

#define MAX_INLINE 6
/* Events listed for one loop at most; a loop that needs more (a call tree
 * that fans out widely) is left alone rather than judged on part of it. */
#define MAX_EVENTS 20000

/* Events kept for the whole file: later loops are skipped past this. */
#define MAX_FILE_EVENTS 2000000

/* ---- events ------------------------------------------------------------------------------ */

typedef struct collector {
    ck_ctx *c;
    ck_ev_list *out;
    int scope;
    uint32_t nest;
    bool cond;
    bool compiled;
    const mp_ast *via;
    const mp_ast *stack[MAX_INLINE];
    int depth;
    uint32_t *seq;
} collector;

static void add_event(collector *st, ck_ev_kind kind, const mp_ast *node, const mp_ast *callee,
                      bool callee_compiled)
{
    ck_ev_list *l = st->out;
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

bool ck_qname_is(const char *q, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(q, *list) == 0)
            return true;
    return false;
}

bool ck_is_builtin(const ck_ctx *c, int scope, const mp_ast *f, const char *name)
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
        return ck_qname_is(q, np_conv) && e->l1.n >= 1 && array_arg(c, scope, e->l1.v[0]);
    if (f && f->kind == MP_AST_ATTR && (mp_ast_str_eq(f, "item") || mp_ast_str_eq(f, "tolist")))
        return e->l1.n == 0 && e->l2.n == 0 && ck_classify(c, scope, f->a).kind == CK_ARRAY;
    if (ck_is_builtin(c, scope, f, "print")) {
        for (uint32_t i = 0; i < e->l1.n; i++)
            if (array_arg(c, scope, e->l1.v[i]))
                return true;
        return false;
    }
    if (ck_is_builtin(c, scope, f, "float") || ck_is_builtin(c, scope, f, "int"))
        return e->l1.n == 1 && ck_classify(c, scope, e->l1.v[0]).kind == CK_ARRAY;
    return false;
}

/* Whether a decorator or call compiles: mx.compile, partial(mx.compile, ...). */
bool ck_is_compile_expr(const ck_ctx *c, int scope, const mp_ast *d)
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
        if (ck_qname_is(q, evals))
            add_event(st, EV_EVAL, e, NULL, false);
        else if (strcmp(q, "mlx.core.compile") == 0)
            add_event(st, EV_COMPILE, e, NULL, false);
        else if (ck_qname_is(q, loads))
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
            compile |= ck_is_compile_expr(c, scope, def->l3.v[i]);
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
            if (ck_is_compile_expr(st->c, st->scope, s->l3.v[i]))
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
    ck_flow_loop *L = &f->loops[f->n++];
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

struct ck_flow *ck_flow_of(ck_ctx *c)
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

/* Call `fn` for every event of every loop (of training loops only when
 * `train_only`). */
void ck_each_event(ck_ctx *c, bool train_only, ck_event_fn fn)
{
    struct ck_flow *f = ck_flow_of(c);
    for (size_t i = 0; f && i < f->n; i++) {
        const ck_flow_loop *L = &f->loops[i];
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
void ck_def_events(ck_ctx *c, const mp_ast *def, ck_ev_list *out)
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

uint32_t ck_line_of(const ck_event *e)
{
    return e->node->line;
}

/* Position of an event as seen from the loop: the call in the loop body. */
const mp_ast *ck_loop_site(const ck_event *e)
{
    return e->via ? e->via : e->node;
}

/* How many times `name` gets bound inside the statements (loop targets,
 * assignments, with/except targets, walrus), nested functions excluded;
 * statements not worth following (imports, match) count as many. */

static unsigned binds_in_expr(const mp_ast *e, const char *name, uint32_t len);

unsigned ck_target_binds(const mp_ast *t, const char *name, uint32_t len)
{
    if (!t)
        return 0;
    if (t->kind == MP_AST_NAME)
        return t->len == len && memcmp(t->str, name, len) == 0;
    if (t->kind == MP_AST_STARRED)
        return ck_target_binds(t->a, name, len);
    unsigned n = 0;
    if (t->kind == MP_AST_TUPLE || t->kind == MP_AST_LIST)
        for (uint32_t i = 0; i < t->l1.n; i++)
            n += ck_target_binds(t->l1.v[i], name, len);
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
            n += ck_target_binds(s->l1.v[i], name, len);
        return n + binds_in_expr(s->a, name, len);
    case MP_AST_AUGASSIGN:
    case MP_AST_ANNASSIGN:
        return ck_target_binds(s->a, name, len);
    case MP_AST_FOR:
        return ck_target_binds(s->a, name, len) + binds_in_block(&s->l1, name, len) +
               binds_in_block(&s->l2, name, len);
    case MP_AST_IF:
    case MP_AST_WHILE:
        return binds_in_expr(s->a, name, len) + binds_in_block(&s->l1, name, len) +
               binds_in_block(&s->l2, name, len);
    case MP_AST_WITH:
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                n += ck_target_binds(s->l2.v[i]->b, name, len);
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
    unsigned n = e->kind == MP_AST_NAMED ? ck_target_binds(e->a, name, len) : 0;
    n += binds_in_expr(e->a, name, len) + binds_in_expr(e->b, name, len) +
         binds_in_expr(e->c, name, len);
    for (uint32_t i = 0; i < e->l1.n; i++)
        n += binds_in_expr(e->l1.v[i], name, len);
    for (uint32_t i = 0; i < e->l2.n; i++)
        n += binds_in_expr(e->l2.v[i], name, len);
    return n;
}

/* Bindings of `name` made by the loop: its target and its body. */
unsigned ck_loop_binds(const mp_ast *loop, const char *name, uint32_t len)
{
    unsigned n = loop->kind == MP_AST_FOR ? ck_target_binds(loop->a, name, len) : 0;
    return n + binds_in_block(&loop->l1, name, len);
}

/* The keyword argument `name` of a call; NULL when absent. */
const mp_ast *ck_keyword(const mp_ast *call, const char *name)
{
    for (uint32_t i = 0; i < call->l2.n; i++)
        if (call->l2.v[i] && mp_ast_str_eq(call->l2.v[i], name))
            return call->l2.v[i]->a;
    return NULL;
}
