/* rules_file.c - checker rules about whole-file patterns (ck_flow.h):
 * MLX303 compile-missing-state, the file's facts (training, limits,
 * generation, seeds), MLX203 float32-inference, MLX205 load-weights-dtype,
 * MLX206 wired-limit, MLX301 value-and-grad-args and MLX304 rng-mix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "check/ck_flow.h"
#include "util/text.h"

/* ---- MLX303 compile-missing-state ---------------------------------------------------------------- */

static bool updates_state(ck_ctx *c, const mp_ast *def)
{
    ck_ev_list ev = {0};
    ck_def_events(c, def, &ev);
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
        if (!ck_is_compile_expr(c, scope, d))
            continue;
        bool in = d->kind == MP_AST_CALL && ck_keyword(d, "inputs");
        bool out = d->kind == MP_AST_CALL && ck_keyword(d, "outputs");
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
    bool in = e->l1.n >= 2 || ck_keyword(e, "inputs");
    bool out = e->l1.n >= 3 || ck_keyword(e, "outputs");
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
        if (ck_qname_is(q, wired))
            ff->wired = true;
        if (ck_qname_is(q, gen))
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
        ck_qname_is(q + 7, random_init_layers))
        random_layer = true;
    if (random_layer && ff->n_mx_rand < 64) {
        ff->mx_rand[ff->n_mx_rand].node = e;
        ff->mx_rand[ff->n_mx_rand++].scope = scope;
    }
    if (!ck_resolve(c, scope, e->a, q, sizeof q))
        return;
    if (ck_qname_is(q, limits) && !ff->set_limit)
        ff->set_limit = e;
    if (ck_qname_is(q, steps))
        ff->step_generation = true;
    if (ck_qname_is(q, loads))
        ff->loads_model = true;
    if (strcmp(q, "numpy.random.seed") == 0 && ff->n_np_seed < 32) {
        ff->np_seed[ff->n_np_seed].node = e;
        ff->np_seed[ff->n_np_seed++].scope = scope;
    }
    if (strncmp(q, "numpy.random.", 13) == 0 && ck_qname_is(q + 13, np_samplers) && !ff->np_sample)
        ff->np_sample = e;
    if (strcmp(q, "mlx.core.random.seed") == 0 && !ff->mx_seed)
        ff->mx_seed = e;
    if (strncmp(q, "mlx.core.random.", 16) == 0 && ck_qname_is(q + 16, mx_samplers) &&
        !ck_keyword(e, "key") && ff->n_mx_rand < 64) {
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
    struct ck_flow *f = ck_flow_of(c);
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
        const mp_ast *d = e->l1.n ? e->l1.v[0] : ck_keyword(e, "dtype");
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
    const mp_ast *d = ck_keyword(e, "dtype");
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
        const mp_ast *strict = ck_keyword(e, "strict");
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
    const mp_ast *fn = nn ? (vg->l1.n >= 2 ? vg->l1.v[1] : ck_keyword(vg, "fn"))
                          : (vg->l1.n >= 1 ? vg->l1.v[0] : ck_keyword(vg, "fun"));
    ck_val dv = ck_classify(c, scope, fn);
    ck_ref_text(e->a, what, sizeof what);
    if (dv.kind == CK_DEF && dv.node && !dv.node->l3.n) /* decorators may change the signature */
        check_arity(c, e, dv.node, what);
}

void ck_rule_value_and_grad_args(ck_ctx *c)
{
    ck_walk_exprs(c, vg_expr, NULL);
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
