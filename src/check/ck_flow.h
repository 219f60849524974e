/*
 * ck_flow.h - the loop analysis of the checker (flow.c), shared with the
 * rules that read it: rules_flow.c (what a loop does on every iteration,
 * MLX101-MLX207 and MLX302) and rules_file.c (whole-file rules: MLX203,
 * MLX205, MLX206, MLX301, MLX303, MLX304).  Not a public header.
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
 * such loops.
 */
#ifndef MP_CHECK_CK_FLOW_H
#define MP_CHECK_CK_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/ck.h"

typedef enum ck_ev_kind {
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
} ck_ev_kind;

typedef struct ck_event {
    ck_ev_kind kind;
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

typedef struct ck_ev_list {
    ck_event *v;
    size_t n, cap;
    bool truncated; /* MAX_EVENTS reached */
} ck_ev_list;

typedef struct ck_flow_loop {
    const mp_ast *loop;
    int scope;
    ck_ev_list ev;
    bool train;
} ck_flow_loop;

struct ck_flow {
    ck_flow_loop *loops;
    size_t n, cap;
    size_t events;   /* kept over all loops; bounded by MAX_FILE_EVENTS */
    struct file_facts *facts; /* whole-file facts, gathered on first use */
};

/* The loops of the file with their events, built on first use (NULL after
 * MP_ENOMEM, recorded in c->rc); released by ck_flow_release. */
struct ck_flow *ck_flow_of(ck_ctx *c);

typedef void (*ck_event_fn)(ck_ctx *c, const ck_flow_loop *L, const ck_event *e);

/* Call `fn` for every event of every loop (of training loops only when
 * `train_only`). */
void ck_each_event(ck_ctx *c, bool train_only, ck_event_fn fn);

/* Events of one function body, as if called from a loop (for MLX303);
 * out->v is the caller's to free. */
void ck_def_events(ck_ctx *c, const mp_ast *def, ck_ev_list *out);

/* Whether qualified name `q` is one of `list` (NULL-terminated). */
bool ck_qname_is(const char *q, const char *const *list);

/* Whether `f` is the name `name` and not rebound in the file (a builtin). */
bool ck_is_builtin(const ck_ctx *c, int scope, const mp_ast *f, const char *name);

/* Whether a decorator or call compiles: mx.compile, partial(mx.compile, ...). */
bool ck_is_compile_expr(const ck_ctx *c, int scope, const mp_ast *d);

/* The line of an event's call, and its position as seen from the loop (the
 * call in the loop body that led to it). */
uint32_t ck_line_of(const ck_event *e);
const mp_ast *ck_loop_site(const ck_event *e);

/* How many times `name` is bound by an assignment target / by a loop (its
 * target and its body), nested functions excluded; statements not worth
 * following count as MANY_BINDINGS. */
#define MANY_BINDINGS 1000
unsigned ck_target_binds(const mp_ast *t, const char *name, uint32_t len);
unsigned ck_loop_binds(const mp_ast *loop, const char *name, uint32_t len);

/* The keyword argument `name` of a call; NULL when absent. */
const mp_ast *ck_keyword(const mp_ast *call, const char *name);

#endif
