/*
 * ck.h - internals of the checker, shared by check.c (API, findings),
 * scope.c (what each name is bound to), scope_facts.c (facts about the
 * file's classes and functions), walk.c (walks over the tree), flow.c (the
 * loop analysis, ck_flow.h) and the rules: rules_names.c, rules_flow.c,
 * rules_file.c and rules_train.c.
 * Not a public header: callers use check.h.
 *
 * The analysis is flow-insensitive and conservative.  scope.c records every
 * place a name is bound (assignments with their destructuring path,
 * parameters, loop targets, imports, defs, classes) in Python's scopes, then
 * gives each name one value kind when all its bindings agree ("an mx.array",
 * "the model", "an optimizer", "a function made by nn.value_and_grad", "the
 * module mlx.core"); a name bound in different ways is CK_UNKNOWN and rules
 * ignore it.  Rules ask ck_classify what an expression is and ck_resolve
 * which qualified MLX name it spells through the file's imports.
 */
#ifndef MP_CHECK_CK_H
#define MP_CHECK_CK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/check.h"
#include "check/pyast.h"
#include "kb/kb.h"

#define CK_QNAME_MAX 160

typedef enum ck_kind {
    CK_UNSET = 0,    /* no binding seen (yet) */
    CK_UNKNOWN,      /* anything, or bindings that disagree */
    CK_NONE,         /* the constant None: ignored when bindings are merged */
    CK_ARRAY,        /* an mx.array */
    CK_TREE,         /* a tree of arrays (gradients) */
    CK_MODEL,        /* an nn.Module instance */
    CK_OPTIMIZER,    /* an mlx.optimizers optimizer */
    CK_LVG,          /* a function made by value_and_grad or grad; node = that call */
    CK_COMPILED,     /* a function made by mx.compile(f); node = that call */
    CK_DEF,          /* a function defined in the file; node = the DEF */
    CK_CLASS,        /* a class defined in the file; node = the CLASS */
    CK_ALIAS,        /* an imported module or object; target = qualified name */
    CK_TUPLE_LVG,    /* (value, gradients): the result of calling a CK_LVG */
    CK_TUPLE_LOAD,   /* (model, tokenizer, ...): the result of mlx_lm.load */
    CK_TUPLE_ARRAYS, /* a tuple of arrays: the result of a step function */
} ck_kind;

/* flags of a value, kept only when every binding of a name has them */
enum {
    CK_F_FROM_LVG = 1,  /* an output of a value_and_grad function */
    CK_F_FROM_STEP = 2, /* the result of an uncompiled step function */
    CK_F_GRAD_ONLY = 4, /* CK_LVG made by mx.grad: returns gradients only */
    CK_F_NN = 8,        /* CK_LVG made by nn.value_and_grad(model, fn) */
};

typedef struct ck_val {
    ck_kind kind;
    uint32_t flags;
    const mp_ast *node;
    const char *target; /* CK_ALIAS: the qualified name ("mlx.core"); "" unknown */
} ck_val;

typedef struct ck_binding {
    const char *name;
    uint32_t len;
    ck_val v;          /* merged over every binding site */
    ck_val next;       /* being merged in the current fixpoint round */
    bool next_set;
    bool any_site;
    char target[CK_QNAME_MAX];
} ck_binding;

typedef enum ck_scope_kind {
    CK_SCOPE_MODULE,
    CK_SCOPE_DEF,
    CK_SCOPE_CLASS,
    CK_SCOPE_LAMBDA,
    CK_SCOPE_COMP,
} ck_scope_kind;

typedef struct ck_scope {
    ck_scope_kind kind;
    const mp_ast *node;   /* DEF, CLASS, LAMBDA or COMP; NULL for the module */
    int parent;           /* -1 for the module */
    ck_binding *slot;     /* open-addressing hash table */
    uint32_t n, cap;
    const mp_ast **globals; /* names declared global here */
    size_t n_globals, cap_globals;
    int8_t is_step;       /* DEF: calls optimizer.update itself (-1 not computed) */
    uint32_t is_step_round; /* the fixpoint round `is_step` was computed in */
    int8_t passed;        /* DEF: its name is used other than by calling it (-1 not computed) */
    int8_t returns;       /* DEF: what it returns (-1 not computed, else a ck_kind) */
    uint32_t returns_round; /* the fixpoint round `returns` was computed in */
} ck_scope;

typedef struct ck_site {
    int scope;
    const char *name;
    uint32_t len;
    uint8_t how;          /* CK_SITE_* */
    uint8_t depth;        /* destructuring path length */
    uint8_t path[6];      /* element index at each level */
    uint8_t width[6];     /* tuple width at each level (0 when starred) */
    const mp_ast *value;  /* assigned expression / DEF / CLASS / ALIAS node */
    const mp_ast *stmt;   /* IMPORT_FROM statement of an ALIAS */
} ck_site;

enum {
    CK_SITE_ASSIGN,  /* name = value (path into value) */
    CK_SITE_AUG,     /* name op= value */
    CK_SITE_OTHER,   /* parameter, loop / with / except target: unknown */
    CK_SITE_DEF,
    CK_SITE_CLASS,
    CK_SITE_IMPORT,
};

typedef struct ck_raw_finding {
    mp_check_rule_id rule;
    uint32_t line, col;
    uint32_t seq;         /* emission order: keeps sorting stable */
    char *message;
    char *hint;
} ck_raw_finding;

typedef struct ck_ctx {
    const char *src;
    size_t len;
    const char *file;
    mp_py_module mod;
    mp_check_options opts;
    ck_scope *scopes;
    size_t n_scopes, cap_scopes;
    ck_site *sites;
    size_t n_sites, cap_sites;
    ck_raw_finding *found;
    size_t n_found, cap_found;
    int rc;               /* MP_ENOMEM once an allocation failed */
    int classify_depth;   /* recursion guard */
    bool analyzed;        /* bindings are final: memos may be kept */
    uint32_t round;       /* fixpoint round, from 1: memos of an older round are stale */
    struct ck_flow *flow; /* loop analysis, built on first use (flow.c) */
    struct {
        char key[96];     /* namespace and name of an unknown-name suggestion */
        char text[400];
    } hints[16];          /* suggestions already computed, reused round-robin */
    unsigned n_hints;
} ck_ctx;

/* ---- scope.c ---------------------------------------------------------------- */

/* Build scopes and bindings of ctx->mod.  0 or MP_ENOMEM. */
int ck_analyze(ck_ctx *c);
void ck_analysis_release(ck_ctx *c);

/* The scope a DEF, CLASS, LAMBDA or COMP node opens. */
int ck_scope_of(const ck_ctx *c, const mp_ast *n);

/* The binding `name` refers to when used in `scope` (Python's lookup: local,
 * enclosing functions, module; class bodies only for their own code); NULL
 * for builtins and names never bound. */
const ck_binding *ck_lookup(const ck_ctx *c, int scope, const char *name, uint32_t len);

/* How deep ck_classify and the facts below may recurse (through calls of
 * the file's functions and base classes) before answering CK_UNKNOWN. */
#define CK_MAX_CLASSIFY_DEPTH 24

/* What expression `e` evaluates to, as far as the file shows. */
ck_val ck_classify(ck_ctx *c, int scope, const mp_ast *e);

/* The qualified name `e` spells through the file's imports ("mx.random.normal"
 * with `import mlx.core as mx` -> "mlx.core.random.normal"); false when `e`
 * is not a NAME or attribute chain rooted at an imported name. */
bool ck_resolve(const ck_ctx *c, int scope, const mp_ast *e, char *out, size_t cap);

/* `qname` as the file would spell it: through the import whose target is its
 * longest prefix ("mlx.core.get_peak_memory" -> "mx.get_peak_memory"), else
 * the qualified name. */
void ck_spell(const ck_ctx *c, const char *qname, char *out, size_t cap);

/* The API-table row of an exact qualified MLX / MLX-LM name (no alias
 * expansion: a local module called "nn" must not match mlx.nn); NULL for
 * names outside mlx and mlx_lm or not in the table. */
const mp_api_row *ck_api(const char *qname);

/* ---- scope_facts.c ---------------------------------------------------------- */

/* Whether the CLASS node derives from an mlx.nn class (directly or through
 * classes of the file). */
bool ck_class_is_module(ck_ctx *c, int scope, const mp_ast *cls);

/* Whether the DEF calls optimizer.update(model, grads) in its own body. */
bool ck_def_is_step(ck_ctx *c, const mp_ast *def);

/* What every `return` of the DEF gives: CK_ARRAY, CK_TUPLE_ARRAYS or
 * CK_UNKNOWN (memoized per fixpoint round; recursion counts as unknown). */
ck_kind ck_def_returns(ck_ctx *c, const mp_ast *def);

/* Whether call `e` is `X.update(a, b)` on an optimizer (X bound to an
 * mlx.optimizers object, or named like one: "optimizer", "opt", ...). */
bool ck_is_optimizer_update(ck_ctx *c, int scope, const mp_ast *e);

/* ---- expression and statement walks (walk.c) ------------------------------------- */

typedef void (*ck_expr_fn)(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent,
                           void *ud);
typedef void (*ck_stmt_fn)(ck_ctx *c, int scope, const mp_ast *s, void *ud);

/* Visit every expression of the module, parents before children, in source
 * order, with the scope it is evaluated in (f-string fields, decorators,
 * defaults and annotations included). */
void ck_walk_exprs(ck_ctx *c, ck_expr_fn fn, void *ud);

/* Visit every statement of the module (nested blocks included), in source
 * order, with its scope. */
void ck_walk_stmts(ck_ctx *c, ck_stmt_fn fn, void *ud);

/* Visit the expressions of one expression tree, parents first; lambda and
 * comprehension bodies are visited with the scope they open. */
void ck_walk_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, ck_expr_fn fn,
                  void *ud);

/* ---- check.c ----------------------------------------------------------------------- */

/* Record a finding of `rule` at (line, col) unless the rule is disabled.
 * `hint` may be NULL. */
void ck_emit(ck_ctx *c, mp_check_rule_id rule, uint32_t line, uint32_t col, const char *hint,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Whether a rule is enabled. */
bool ck_enabled(const ck_ctx *c, mp_check_rule_id rule);

/* Copy the node's str into a NUL-terminated buffer (truncating). */
const char *ck_str(const mp_ast *n, char *buf, size_t cap);

/* Whether two NAME / attribute-chain nodes spell the same reference
 * ("self.model" and "self.model"). */
bool ck_same_ref(const mp_ast *a, const mp_ast *b);

/* A NAME / attribute chain as the source spells it ("self.layers"); calls
 * and subscripts as "f(...)", "x[...]", anything else "..." (flow.c). */
const char *ck_ref_text(const mp_ast *e, char *buf, size_t cap);

/* The rules, one function each (rules_names.c, rules_flow.c, rules_file.c,
 * rules_train.c). */
#define CK_RULE_DECL(id, fn, name, sev, practice, summary) void ck_rule_##fn(ck_ctx *c);
MP_CHECK_RULES(CK_RULE_DECL)
#undef CK_RULE_DECL

/* flow.c */
void ck_flow_release(ck_ctx *c);

#endif
