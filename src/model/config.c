/*
 * config.c - Hugging Face config.json -> mp_arch.
 *
 * One builder per mlx-lm model module.  Each reads the keys that module's
 * ModelArgs reads, with the same defaults, and emits the tensors its model
 * class holds after sanitize (see arch.h).  Layouts were taken from
 * mlx_lm/models/<module>.py at the pinned mlx-lm commit; the notes next to
 * each builder name the facts that are easy to get wrong.
 *
 * Every key is validated: numbers must be integral where mlx-lm uses them as
 * sizes and within sane bounds (so a hostile config cannot make us allocate
 * absurd tables); a bad or missing required key is MP_EPARSE naming it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kb/kb.h"
#include "model/arch.h"
#include "util/text.h"

enum {
    MAX_LAYERS = 1024,
    MAX_DIM = 1 << 20,          /* hidden, intermediate, head sizes */
    MAX_VOCAB = 1 << 24,
    MAX_EXPERTS = 1 << 14,
    MAX_TENSORS = 1 << 16,
};

typedef struct ctx {
    const cJSON *root;   /* the whole config */
    const cJSON *cfg;    /* where the language model's keys live (text_config or root) */
    mp_arch *a;
    mp_error *err;
    int rc;              /* first error */
    const char *prefix;  /* "model" or "language_model.model" */
    const char *head;    /* "lm_head" or "language_model.lm_head" */
} ctx;

/* ---- reading keys ----------------------------------------------------------- */

static const cJSON *item(const ctx *c, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->cfg, key);
    if (!v && c->cfg != c->root)
        v = cJSON_GetObjectItemCaseSensitive(c->root, key);
    return cJSON_IsNull(v) ? NULL : v;
}

/* Record the first error, prefixed with the model's label. */
static int fail(ctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(ctx *c, int code, const char *fmt, ...)
{
    if (c->rc == 0) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        c->rc = mp_error_set(c->err, code, "%s: %s", c->a->id, msg);
    }
    return c->rc;
}

/* The integer value `v` of `key` (NULL when absent); `dflt` < 0 means
 * required.  Bounds [lo, hi], checked before any conversion. */
static int64_t int_value(ctx *c, const char *key, const cJSON *v, int64_t dflt, int64_t lo,
                         int64_t hi)
{
    if (!v) {
        if (dflt < 0)
            fail(c, MP_EPARSE, "config.json has no '%s'", key);
        return dflt < 0 ? lo : dflt;
    }
    if (!cJSON_IsNumber(v)) {
        fail(c, MP_EPARSE, "config.json '%s' must be a number", key);
        return lo;
    }
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi) {
        fail(c, MP_EPARSE, "config.json '%s' = %g is not a whole number in [%lld, %lld]", key, d,
             (long long)lo, (long long)hi);
        return lo;
    }
    return (int64_t)d;
}

/* An integer key of the language model's scope; see int_value. */
static int64_t get_int(ctx *c, const char *key, int64_t dflt, int64_t lo, int64_t hi)
{
    return int_value(c, key, item(c, key), dflt, lo, hi);
}

/* An integer key of the top-level object only (wrappers keep some there). */
static int64_t get_root_int(ctx *c, const char *key, int64_t dflt, int64_t lo, int64_t hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->root, key);
    return int_value(c, key, cJSON_IsNull(v) ? NULL : v, dflt, lo, hi);
}

static bool get_bool(ctx *c, const char *key, bool dflt)
{
    const cJSON *v = item(c, key);
    if (!v)
        return dflt;
    if (!cJSON_IsBool(v)) {
        fail(c, MP_EPARSE, "config.json '%s' must be true or false", key);
        return dflt;
    }
    return cJSON_IsTrue(v);
}

static const char *get_str(const ctx *c, const char *key)
{
    const cJSON *v = item(c, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- emitting tensors ------------------------------------------------------- */

static mp_tensor *add(ctx *c, const char *path, mp_tkind kind, mp_role role, int layer, int64_t n,
                      int64_t out, int64_t in)
{
    mp_arch *a = c->a;
    if (c->rc)
        return NULL;
    if (a->n_tensors == a->cap_tensors) {
        if (a->cap_tensors >= MAX_TENSORS) {
            fail(c, MP_ELIMIT, "the model has more than %d tensors", MAX_TENSORS);
            return NULL;
        }
        size_t cap = a->cap_tensors ? a->cap_tensors * 2 : 256;
        mp_tensor *p = realloc(a->tensors, cap * sizeof *p);
        if (!p) {
            fail(c, MP_ENOMEM, "out of memory");
            return NULL;
        }
        a->tensors = p;
        a->cap_tensors = cap;
    }
    mp_tensor *t = &a->tensors[a->n_tensors++];
    memset(t, 0, sizeof *t);
    mp_strlcpy(t->path, path, sizeof t->path);
    t->kind = kind;
    t->role = role;
    t->layer = layer;
    t->n = n;
    t->out = out;
    t->in = in;
    return t;
}

/* Block-relative path: "<prefix>.layers.<i>.<name>". */
static void lpath(const ctx *c, int layer, const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.layers.%d.%s", c->prefix, layer, name);
}

static mp_tensor *lin(ctx *c, int layer, const char *name, mp_role role, int64_t out, int64_t in,
                      bool bias)
{
    char p[112], pb[120];
    lpath(c, layer, name, p, sizeof p);
    mp_tensor *t = add(c, p, MP_TK_LINEAR, role, layer, 1, out, in);
    if (bias) {
        snprintf(pb, sizeof pb, "%s.bias", p);
        add(c, pb, MP_TK_BIAS, MP_ROLE_OTHER, layer, 1, out, 1);
    }
    return t;
}

static mp_tensor *sw(ctx *c, int layer, const char *name, mp_role role, int64_t e, int64_t out,
                     int64_t in, bool bias)
{
    char p[112], pb[120];
    lpath(c, layer, name, p, sizeof p);
    mp_tensor *t = add(c, p, MP_TK_SWITCH, role, layer, e, out, in);
    if (bias) {
        snprintf(pb, sizeof pb, "%s.bias", p);
        add(c, pb, MP_TK_BIAS, MP_ROLE_OTHER, layer, e, out, 1);
    }
    return t;
}

static void vec(ctx *c, int layer, const char *name, mp_tkind kind, int64_t dim)
{
    char p[112];
    if (layer >= 0)
        lpath(c, layer, name, p, sizeof p);
    else
        snprintf(p, sizeof p, "%s", name);
    add(c, p, kind, MP_ROLE_OTHER, layer, 1, dim, 1);
}

static void norm(ctx *c, int layer, const char *name, int64_t dim)
{
    vec(c, layer, name, MP_TK_NORM, dim);
}

/* embed_tokens, final norm, lm_head (unless tied). */
static void top(ctx *c, int64_t vocab, int64_t hidden, bool tied, const char *norm_name)
{
    char p[112];
    snprintf(p, sizeof p, "%s.embed_tokens", c->prefix);
    add(c, p, MP_TK_EMBED, MP_ROLE_EMBED, -1, 1, vocab, hidden);
    snprintf(p, sizeof p, "%s.%s", c->prefix, norm_name ? norm_name : "norm");
    add(c, p, MP_TK_NORM, MP_ROLE_OTHER, -1, 1, hidden, 1);
    if (!tied)
        add(c, c->head, MP_TK_LINEAR, MP_ROLE_HEAD, -1, 1, vocab, hidden);
}

/* ---- shared pieces ----------------------------------------------------------- */

typedef struct attn_opts {
    bool qkv_bias, o_bias;
    int64_t qk_norm_dim;   /* 0: none; else the q/k norm width (head_dim, or whole projection) */
    int64_t k_norm_dim;    /* when different from q's (minimax); 0 = same as qk_norm_dim */
    bool gated_q;          /* q_proj doubles for an output gate (qwen3_next) */
    bool fused;            /* phi3 qkv_proj */
} attn_opts;

static void gqa(ctx *c, int i, int64_t H, int64_t nq, int64_t nkv, int64_t d, attn_opts o)
{
    if (o.fused) {
        lin(c, i, "self_attn.qkv_proj", MP_ROLE_ATTN, (nq + 2 * nkv) * d, H, o.qkv_bias);
    } else {
        lin(c, i, "self_attn.q_proj", MP_ROLE_ATTN, (o.gated_q ? 2 : 1) * nq * d, H, o.qkv_bias);
        lin(c, i, "self_attn.k_proj", MP_ROLE_ATTN, nkv * d, H, o.qkv_bias);
        lin(c, i, "self_attn.v_proj", MP_ROLE_ATTN_V, nkv * d, H, o.qkv_bias);
    }
    lin(c, i, "self_attn.o_proj", MP_ROLE_ATTN, H, nq * d, o.o_bias);
    if (o.qk_norm_dim) {
        norm(c, i, "self_attn.q_norm", o.qk_norm_dim);
        norm(c, i, "self_attn.k_norm", o.k_norm_dim ? o.k_norm_dim : o.qk_norm_dim);
    }
}

static void dense_mlp(ctx *c, int i, const char *pre, int64_t H, int64_t I, bool bias)
{
    char g[64], u[64], dn[64];
    snprintf(g, sizeof g, "%s.gate_proj", pre);
    snprintf(u, sizeof u, "%s.up_proj", pre);
    snprintf(dn, sizeof dn, "%s.down_proj", pre);
    lin(c, i, g, MP_ROLE_MLP, I, H, bias);
    lin(c, i, u, MP_ROLE_MLP, I, H, bias);
    lin(c, i, dn, MP_ROLE_MLP_DOWN, H, I, bias);
}

static void shared_mlp(ctx *c, int i, const char *pre, int64_t H, int64_t I)
{
    char g[64], u[64], dn[64];
    snprintf(g, sizeof g, "%s.gate_proj", pre);
    snprintf(u, sizeof u, "%s.up_proj", pre);
    snprintf(dn, sizeof dn, "%s.down_proj", pre);
    lin(c, i, g, MP_ROLE_SHARED, I, H, false);
    lin(c, i, u, MP_ROLE_SHARED, I, H, false);
    lin(c, i, dn, MP_ROLE_SHARED_DOWN, H, I, false);
}

/* SwitchGLU: gate/up (E, Ie, H), down (E, H, Ie). */
static void experts(ctx *c, int i, const char *pre, int64_t E, int64_t H, int64_t Ie, bool bias)
{
    char g[64], u[64], dn[64];
    snprintf(g, sizeof g, "%s.gate_proj", pre);
    snprintf(u, sizeof u, "%s.up_proj", pre);
    snprintf(dn, sizeof dn, "%s.down_proj", pre);
    sw(c, i, g, MP_ROLE_EXPERT, E, Ie, H, bias);
    sw(c, i, u, MP_ROLE_EXPERT, E, Ie, H, bias);
    sw(c, i, dn, MP_ROLE_EXPERT_DOWN, E, H, Ie, bias);
}

static void router_lin(ctx *c, int i, const char *name, int64_t E, int64_t H, bool bias, bool q8)
{
    mp_tensor *t = lin(c, i, name, MP_ROLE_ROUTER, E, H, bias);
    if (t)
        t->q8_override = q8;
}

/* A router that is a bare array (MoEGate.weight), with its correction bias. */
static void router_raw(ctx *c, int i, const char *pre, int64_t E, int64_t H)
{
    char p[112], name[64];
    snprintf(name, sizeof name, "%s.weight", pre);
    lpath(c, i, name, p, sizeof p);
    add(c, p, MP_TK_RAW, MP_ROLE_ROUTER, i, 1, E, H);
    snprintf(name, sizeof name, "%s.e_score_correction_bias", pre);
    lpath(c, i, name, p, sizeof p);
    mp_tensor *t = add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, E, 1);
    if (t)
        t->keep_f32 = true;
}

static int alloc_layers(ctx *c, int64_t n)
{
    c->a->layers = calloc((size_t)n, sizeof *c->a->layers);
    if (!c->a->layers)
        return fail(c, MP_ENOMEM, "out of memory");
    return 0;
}

static void set_full(mp_layer *l, int64_t nkv, int64_t dk, int64_t dv)
{
    l->attn = MP_ATTN_FULL;
    l->kv_elems = nkv * (dk + dv);
}

/* Read the core decoder sizes shared by most modules. */
typedef struct dims {
    int64_t H, I, L, nq, nkv, d, V;
} dims;

static dims read_dims(ctx *c, bool head_dim_key, int64_t I_dflt)
{
    dims d;
    d.H = get_int(c, "hidden_size", -1, 1, MAX_DIM);
    d.I = get_int(c, "intermediate_size", I_dflt, 1, MAX_DIM);
    d.L = get_int(c, "num_hidden_layers", -1, 1, MAX_LAYERS);
    d.nq = get_int(c, "num_attention_heads", -1, 1, 65536);
    d.nkv = get_int(c, "num_key_value_heads", d.nq, 1, 65536);
    d.V = get_int(c, "vocab_size", -1, 1, MAX_VOCAB);
    int64_t dflt_d = d.nq > 0 ? d.H / d.nq : 1;
    d.d = head_dim_key ? get_int(c, "head_dim", dflt_d > 0 ? dflt_d : 1, 1, MAX_DIM) : dflt_d;
    if (d.d < 1)
        d.d = 1;
    return d;
}

static void record_dims(ctx *c, const dims *d)
{
    mp_arch *a = c->a;
    a->hidden = d->H;
    a->intermediate = d->I;
    a->n_layers = d->L;
    a->n_heads = d->nq;
    a->n_kv_heads = d->nkv;
    a->head_dim = d->d;
    a->vocab = d->V;
}

/* layer_types[i] == "sliding_attention" (when the key exists). */
static bool layer_is_sliding(const ctx *c, int i, bool *present)
{
    const cJSON *lt = item(c, "layer_types");
    *present = cJSON_IsArray(lt);
    if (!*present)
        return false;
    const cJSON *e = cJSON_GetArrayItem(lt, i);
    return cJSON_IsString(e) && strcmp(e->valuestring, "sliding_attention") == 0;
}

/* ---- builders ------------------------------------------------------------------ */

/* llama / mistral: head_dim defaults to H/nq, tie_word_embeddings to TRUE,
 * sliding windows only when layer_types says so (a bare sliding_window, as
 * in Mistral 7B v0.1, is ignored by mlx-lm's llama module). */
static void build_llama(ctx *c)
{
    dims d = read_dims(c, true, -1);
    record_dims(c, &d);
    bool ab = get_bool(c, "attention_bias", false), mb = get_bool(c, "mlp_bias", false);
    bool tied = get_bool(c, "tie_word_embeddings", true);
    int64_t win = get_int(c, "sliding_window", 0, 0, 1 << 30);
    if (c->rc || alloc_layers(c, d.L))
        return;
    bool present = false, any_sliding = false;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {ab, ab, 0, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        dense_mlp(c, i, "mlp", d.H, d.I, mb);
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        if (layer_is_sliding(c, i, &present) && win > 0) {
            c->a->layers[i].attn = MP_ATTN_SLIDING;
            c->a->layers[i].window = (int)win;
            any_sliding = true;
        }
    }
    c->a->tied_embeddings = tied;
    top(c, d.V, d.H, tied, NULL);
    if (win > 0 && !present && !any_sliding)
        mp_arch_note(c->a, "config sets sliding_window %lld, but mlx-lm's llama module keeps a "
                     "full KV cache on every layer without layer_types", (long long)win);
}

/* qwen2: q/k/v carry biases; head_dim is always H/nq; tie defaults TRUE. */
static void build_qwen2(ctx *c)
{
    dims d = read_dims(c, false, -1);
    record_dims(c, &d);
    bool tied = get_bool(c, "tie_word_embeddings", true);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {true, false, 0, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        dense_mlp(c, i, "mlp", d.H, d.I, false);
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->tied_embeddings = tied;
    top(c, d.V, d.H, tied, NULL);
}

/* qwen3 dense and qwen3_moe: per-head q_norm/k_norm; MoE layers where
 * (i+1) % decoder_sparse_step == 0 and i is not in mlp_only_layers; the
 * router mlp.gate is kept at 8 bits by the model's quant_predicate. */
static bool in_int_list(const cJSON *list, int i)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        if (cJSON_IsNumber(e) && e->valuedouble == i)
            return true;
    }
    return false;
}

static void build_qwen3(ctx *c, bool moe)
{
    dims d = read_dims(c, true, -1);
    record_dims(c, &d);
    bool tied = get_bool(c, "tie_word_embeddings", false);
    int64_t E = 0, k = 0, Ie = 0, step = 1;
    if (moe) {
        E = get_int(c, "num_experts", -1, 1, MAX_EXPERTS);
        k = get_int(c, "num_experts_per_tok", -1, 1, MAX_EXPERTS);
        Ie = get_int(c, "moe_intermediate_size", -1, 1, MAX_DIM);
        step = get_int(c, "decoder_sparse_step", 1, 1, MAX_LAYERS);
    }
    if (c->rc || alloc_layers(c, d.L))
        return;
    const cJSON *mlp_only = item(c, "mlp_only_layers");
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {false, false, d.d, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        bool is_moe = moe && !in_int_list(mlp_only, i) && (i + 1) % step == 0;
        if (is_moe) {
            router_lin(c, i, "mlp.gate", E, d.H, false, true);
            experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
            c->a->n_moe_layers++;
        } else {
            dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = is_moe;
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = tied;
    top(c, d.V, d.H, tied, NULL);
}

/* phi3: fused qkv_proj and gate_up_proj; head_dim is H/nq; untied by default. */
static void build_phi3(ctx *c)
{
    dims d = read_dims(c, false, -1);
    record_dims(c, &d);
    bool tied = get_bool(c, "tie_word_embeddings", false);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {false, false, 0, 0, false, true};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        lin(c, i, "mlp.gate_up_proj", MP_ROLE_MLP, 2 * d.I, d.H, false);
        lin(c, i, "mlp.down_proj", MP_ROLE_MLP_DOWN, d.H, d.I, false);
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->tied_embeddings = tied;
    top(c, d.V, d.H, tied, NULL);
    if (get_int(c, "sliding_window", 0, 0, 1 << 30) > 0)
        mp_arch_note(c->a, "mlx-lm's phi3 module keeps a full KV cache on every layer "
                     "(the config's sliding_window is not used)");
}

/* gemma2: four norms per block, always tied; mlx-lm keeps a full KV cache on
 * every layer (no sliding window). */
static void build_gemma2(ctx *c)
{
    dims d = read_dims(c, true, -1);
    record_dims(c, &d);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {false, false, 0, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        dense_mlp(c, i, "mlp", d.H, d.I, false);
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        norm(c, i, "pre_feedforward_layernorm", d.H);
        norm(c, i, "post_feedforward_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->tied_embeddings = true;
    top(c, d.V, d.H, true, NULL);
    mp_arch_note(c->a, "mlx-lm's gemma2 module keeps a full KV cache on every layer");
}

/* gemma3_text (and the gemma3 wrapper's language model): layer i is global
 * when i % sliding_window_pattern == pattern-1, else a rotating cache of
 * sliding_window tokens; tied embeddings (HF checkpoints carry no lm_head). */
static void build_gemma3(ctx *c, bool wrapper)
{
    dims d;
    d.H = get_int(c, "hidden_size", 1152, 1, MAX_DIM);
    d.I = get_int(c, "intermediate_size", 6912, 1, MAX_DIM);
    d.L = get_int(c, "num_hidden_layers", 26, 1, MAX_LAYERS);
    d.nq = get_int(c, "num_attention_heads", wrapper ? 8 : 4, 1, 65536);
    d.nkv = get_int(c, "num_key_value_heads", wrapper ? 4 : 1, 1, 65536);
    d.d = get_int(c, "head_dim", 256, 1, MAX_DIM);
    d.V = get_int(c, "vocab_size", 262144, 1, MAX_VOCAB);
    if (wrapper)
        d.V = get_root_int(c, "vocab_size", 262208, 1, MAX_VOCAB);
    int64_t win = get_int(c, "sliding_window", 512, 1, 1 << 30);
    int64_t pat = get_int(c, "sliding_window_pattern", 6, 1, MAX_LAYERS);
    record_dims(c, &d);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {false, false, d.d, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        dense_mlp(c, i, "mlp", d.H, d.I, false);
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        norm(c, i, "pre_feedforward_layernorm", d.H);
        norm(c, i, "post_feedforward_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        if (i % pat != pat - 1) {
            c->a->layers[i].attn = MP_ATTN_SLIDING;
            c->a->layers[i].window = (int)win;
        }
    }
    c->a->tied_embeddings = true;
    top(c, d.V, d.H, true, NULL);
    if (wrapper)
        mp_arch_note(c->a, "mlx-lm loads the language model only: the vision tower is dropped");
}

/* gpt2: LayerNorms with biases, Linear layers with biases, learned positions
 * (wpe), always tied. */
static void build_gpt2(ctx *c)
{
    mp_arch *a = c->a;
    int64_t H = get_int(c, "n_embd", -1, 1, MAX_DIM);
    int64_t nq = get_int(c, "n_head", -1, 1, 65536);
    int64_t L = get_int(c, "n_layer", -1, 1, MAX_LAYERS);
    int64_t P = get_int(c, "n_positions", -1, 1, 1 << 24);
    int64_t V = get_int(c, "vocab_size", -1, 1, MAX_VOCAB);
    dims d = {H, 4 * H, L, nq, nq, nq > 0 ? H / nq : 1, V};
    record_dims(c, &d);
    a->max_position = P;
    if (c->rc || alloc_layers(c, L))
        return;
    /* gpt2 blocks live under model.h.<i> */
    for (int i = 0; i < L; i++) {
        char p[112];
        snprintf(p, sizeof p, "model.h.%d.ln_1", i);
        add(c, p, MP_TK_NORM, MP_ROLE_OTHER, i, 1, 2 * H, 1); /* weight + bias */
        snprintf(p, sizeof p, "model.h.%d.attn.c_attn", i);
        add(c, p, MP_TK_LINEAR, MP_ROLE_ATTN, i, 1, 3 * H, H);
        snprintf(p, sizeof p, "model.h.%d.attn.c_attn.bias", i);
        add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, 3 * H, 1);
        snprintf(p, sizeof p, "model.h.%d.attn.c_proj", i);
        add(c, p, MP_TK_LINEAR, MP_ROLE_ATTN, i, 1, H, H);
        snprintf(p, sizeof p, "model.h.%d.attn.c_proj.bias", i);
        add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, H, 1);
        snprintf(p, sizeof p, "model.h.%d.ln_2", i);
        add(c, p, MP_TK_NORM, MP_ROLE_OTHER, i, 1, 2 * H, 1);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_fc", i);
        add(c, p, MP_TK_LINEAR, MP_ROLE_MLP, i, 1, 4 * H, H);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_fc.bias", i);
        add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, 4 * H, 1);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_proj", i);
        add(c, p, MP_TK_LINEAR, MP_ROLE_MLP_DOWN, i, 1, H, 4 * H);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_proj.bias", i);
        add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, H, 1);
        set_full(&a->layers[i], nq, d.d, d.d);
    }
    add(c, "model.wte", MP_TK_EMBED, MP_ROLE_EMBED, -1, 1, V, H);
    add(c, "model.wpe", MP_TK_EMBED, MP_ROLE_OTHER, -1, 1, P, H);
    add(c, "model.ln_f", MP_TK_NORM, MP_ROLE_OTHER, -1, 1, 2 * H, 1);
    a->tied_embeddings = true;
}

/* mixtral: every layer MoE, experts sized by intermediate_size; router
 * block_sparse_moe.gate quantized like the rest; head_dim is H/nq. */
static void build_mixtral(ctx *c)
{
    dims d = read_dims(c, false, 14336);
    record_dims(c, &d);
    int64_t E = get_int(c, "num_local_experts", 8, 1, MAX_EXPERTS);
    int64_t k = get_int(c, "num_experts_per_tok", 2, 1, MAX_EXPERTS);
    bool tied = get_bool(c, "tie_word_embeddings", false);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {false, false, 0, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        router_lin(c, i, "block_sparse_moe.gate", E, d.H, false, false);
        experts(c, i, "block_sparse_moe.switch_mlp", E, d.H, d.I, false);
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = true;
    }
    c->a->n_moe_layers = (int)d.L;
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = d.I;
    c->a->tied_embeddings = tied;
    top(c, d.V, d.H, tied, NULL);
}

/* minimax (MiniMax-M2): every layer MoE; q_norm/k_norm span the whole
 * projection; router block_sparse_moe.gate at 8 bits; a correction bias. */
static void build_minimax(ctx *c)
{
    dims d = read_dims(c, true, -1);
    record_dims(c, &d);
    int64_t E = get_int(c, "num_local_experts", -1, 1, MAX_EXPERTS);
    int64_t k = get_int(c, "num_experts_per_tok", -1, 1, MAX_EXPERTS);
    bool qkn = get_bool(c, "use_qk_norm", true);
    bool tied = get_bool(c, "tie_word_embeddings", false);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {false, false, qkn ? d.nq * d.d : 0, qkn ? d.nkv * d.d : 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        router_lin(c, i, "block_sparse_moe.gate", E, d.H, false, true);
        char p[112];
        lpath(c, i, "block_sparse_moe.e_score_correction_bias", p, sizeof p);
        mp_tensor *t = add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, E, 1);
        if (t)
            t->keep_f32 = true;
        experts(c, i, "block_sparse_moe.switch_mlp", E, d.H, d.I, false);
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = true;
    }
    c->a->n_moe_layers = (int)d.L;
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = d.I;
    c->a->tied_embeddings = tied;
    top(c, d.V, d.H, tied, NULL);
}

/* gpt_oss: attention sinks, biases everywhere, router at 8 bits, experts
 * with biases; the HF checkpoint stores the experts in MXFP4, and mlx-lm
 * keeps them so (they are never re-quantized); alternating sliding layers. */
static void build_gpt_oss(ctx *c, bool experts_mxfp4)
{
    dims d;
    d.H = get_int(c, "hidden_size", 2880, 1, MAX_DIM);
    d.I = get_int(c, "intermediate_size", 2880, 1, MAX_DIM);
    d.L = get_int(c, "num_hidden_layers", 36, 1, MAX_LAYERS);
    d.nq = get_int(c, "num_attention_heads", 64, 1, 65536);
    d.nkv = get_int(c, "num_key_value_heads", 8, 1, 65536);
    d.d = get_int(c, "head_dim", 64, 1, MAX_DIM);
    d.V = get_int(c, "vocab_size", 201088, 1, MAX_VOCAB);
    record_dims(c, &d);
    int64_t E = get_int(c, "num_local_experts", 128, 1, MAX_EXPERTS);
    int64_t k = get_int(c, "num_experts_per_tok", 4, 1, MAX_EXPERTS);
    int64_t win = get_int(c, "sliding_window", 128, 1, 1 << 30);
    if (c->rc || alloc_layers(c, d.L))
        return;
    mp_quant mx = {MP_Q_MXFP4, 4, 32, MP_RECIPE_NONE, MP_DT_BF16};
    for (int i = 0; i < d.L; i++) {
        vec(c, i, "self_attn.sinks", MP_TK_RAW, d.nq);
        attn_opts o = {true, true, 0, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        router_lin(c, i, "mlp.router", E, d.H, true, true);
        size_t first = c->a->n_tensors;
        experts(c, i, "mlp.experts", E, d.H, d.I, true);
        for (size_t t = first; experts_mxfp4 && t < c->a->n_tensors; t++)
            if (c->a->tensors[t].kind == MP_TK_SWITCH) {
                c->a->tensors[t].fixed = true;
                c->a->tensors[t].fixed_q = mx;
            }
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = true;
        bool present = false;
        bool sliding = layer_is_sliding(c, i, &present);
        if (!present)
            sliding = i % 2 == 0;
        if (sliding) {
            c->a->layers[i].attn = MP_ATTN_SLIDING;
            c->a->layers[i].window = (int)win;
        }
    }
    c->a->n_moe_layers = (int)d.L;
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = d.I;
    c->a->tied_embeddings = false;
    top(c, d.V, d.H, false, NULL);
    if (experts_mxfp4)
        mp_arch_note(c->a, "the checkpoint stores the experts in MXFP4; mlx-lm keeps them in that "
                     "format whatever --quant says");
}

/* glm4_moe (GLM-4.5): MoE from first_k_dense_replace on; the router is a bare
 * array (never quantized); shared experts; lm_head always present. */
static void build_glm4_moe(ctx *c)
{
    dims d = read_dims(c, true, -1);
    record_dims(c, &d);
    int64_t E = get_int(c, "n_routed_experts", -1, 1, MAX_EXPERTS);
    int64_t k = get_int(c, "num_experts_per_tok", -1, 1, MAX_EXPERTS);
    int64_t Ie = get_int(c, "moe_intermediate_size", -1, 1, MAX_DIM);
    int64_t ns = get_int(c, "n_shared_experts", 0, 0, MAX_EXPERTS);
    int64_t fk = get_int(c, "first_k_dense_replace", 0, 0, MAX_LAYERS);
    bool ab = get_bool(c, "attention_bias", false), qkn = get_bool(c, "use_qk_norm", false);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {ab, false, qkn ? d.d : 0, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        if (i >= fk) {
            router_raw(c, i, "mlp.gate", E, d.H);
            experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
            if (ns)
                shared_mlp(c, i, "mlp.shared_experts", d.H, Ie * ns);
            c->a->layers[i].moe = true;
            c->a->n_moe_layers++;
        } else {
            dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = false;
    top(c, d.V, d.H, false, NULL);
}

/* llama4: the language model under language_model.; MoE every
 * interleave_moe_layer_step-th layer with a shared expert; chunked
 * attention on three of four layers. */
static void build_llama4(ctx *c)
{
    dims d = read_dims(c, true, -1);
    record_dims(c, &d);
    int64_t E = get_int(c, "num_local_experts", -1, 1, MAX_EXPERTS);
    int64_t k = get_int(c, "num_experts_per_tok", 1, 1, MAX_EXPERTS);
    int64_t step = get_int(c, "interleave_moe_layer_step", 1, 1, MAX_LAYERS);
    int64_t Imlp = get_int(c, "intermediate_size_mlp", d.I, 1, MAX_DIM);
    int64_t chunk = get_int(c, "attention_chunk_size", 8192, 1, 1 << 30);
    bool ab = get_bool(c, "attention_bias", false);
    if (c->rc || alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        attn_opts o = {ab, ab, 0, 0, false, false};
        gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        if (i % step == step - 1) {
            router_lin(c, i, "feed_forward.router", E, d.H, false, false);
            experts(c, i, "feed_forward.experts", E, d.H, d.I, false);
            shared_mlp(c, i, "feed_forward.shared_expert", d.H, d.I);
            c->a->layers[i].moe = true;
            c->a->n_moe_layers++;
        } else {
            dense_mlp(c, i, "feed_forward", d.H, Imlp, false);
        }
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        if ((i + 1) % 4 != 0) {
            c->a->layers[i].attn = MP_ATTN_CHUNKED;
            c->a->layers[i].window = (int)chunk;
        }
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = d.I;
    c->a->tied_embeddings = false;
    top(c, d.V, d.H, false, NULL);
    mp_arch_note(c->a, "mlx-lm loads the language model only: the vision model is dropped");
}

/* DeepSeek-style multi-head latent attention (deepseek_v3, kimi_k2,
 * kimi_k25, glm4_moe_lite, deepseek_v32, glm_moe_dsa).  mlx-lm splits
 * kv_b_proj into embed_q (nq, R, Dn) and unembed_out (nq, Dv, R) and caches
 * the latent (R) plus the rotary key (Dr) per token: 576 values for V3.
 * The v32 family adds the lightning indexer and caches its keys too.
 * MTP layers (num_nextn_predict_layers) are dropped by sanitize. */
static void build_mla(ctx *c, bool indexer, const cJSON *experts_quant)
{
    dims d;
    d.H = get_int(c, "hidden_size", 4096, 1, MAX_DIM);
    d.I = get_int(c, "intermediate_size", 11008, 1, MAX_DIM);
    d.L = get_int(c, "num_hidden_layers", 30, 1, MAX_LAYERS);
    d.nq = get_int(c, "num_attention_heads", 32, 1, 65536);
    d.nkv = d.nq;
    d.V = get_int(c, "vocab_size", 102400, 1, MAX_VOCAB);
    int64_t Ie = get_int(c, "moe_intermediate_size", 1407, 1, MAX_DIM);
    int64_t E = get_int(c, "n_routed_experts", 0, 0, MAX_EXPERTS);
    int64_t k = get_int(c, "num_experts_per_tok", 1, 1, MAX_EXPERTS);
    int64_t ns = get_int(c, "n_shared_experts", 0, 0, MAX_EXPERTS);
    int64_t fk = get_int(c, "first_k_dense_replace", 0, 0, MAX_LAYERS);
    int64_t freq = get_int(c, "moe_layer_freq", 1, 1, MAX_LAYERS);
    int64_t R = get_int(c, "kv_lora_rank", 512, 1, MAX_DIM);
    int64_t Rq = get_int(c, "q_lora_rank", 1536, 0, MAX_DIM);
    int64_t Dr = get_int(c, "qk_rope_head_dim", 64, 1, MAX_DIM);
    int64_t Dn = get_int(c, "qk_nope_head_dim", 128, 1, MAX_DIM);
    int64_t Dv = get_int(c, "v_head_dim", 128, 1, MAX_DIM);
    bool ab = get_bool(c, "attention_bias", false);
    int64_t Di = 0, Ni = 0;
    if (indexer) {
        Di = get_int(c, "index_head_dim", 128, 1, MAX_DIM);
        Ni = get_int(c, "index_n_heads", 64, 1, 65536);
    }
    /* an explicit null means a plain q_proj; an absent key is ModelArgs'
     * default, 1536 (deepseek_v3.py) */
    const cJSON *rq = cJSON_GetObjectItemCaseSensitive(c->cfg, "q_lora_rank");
    if (cJSON_IsNull(rq) && !indexer)
        Rq = 0;
    d.d = Dn + Dr;
    record_dims(c, &d);
    if (c->rc || alloc_layers(c, d.L))
        return;
    int64_t Dqk = Dn + Dr;
    for (int i = 0; i < d.L; i++) {
        if (Rq > 0) {
            lin(c, i, "self_attn.q_a_proj", MP_ROLE_ATTN, Rq, d.H, ab);
            norm(c, i, "self_attn.q_a_layernorm", Rq);
            lin(c, i, "self_attn.q_b_proj", MP_ROLE_ATTN, d.nq * Dqk, Rq, false);
        } else {
            lin(c, i, "self_attn.q_proj", MP_ROLE_ATTN, d.nq * Dqk, d.H, false);
        }
        lin(c, i, "self_attn.kv_a_proj_with_mqa", MP_ROLE_ATTN, R + Dr, d.H, ab);
        norm(c, i, "self_attn.kv_a_layernorm", R);
        char p[112];
        lpath(c, i, "self_attn.embed_q", p, sizeof p);
        add(c, p, MP_TK_MULTI, MP_ROLE_ATTN, i, d.nq, R, Dn);
        lpath(c, i, "self_attn.unembed_out", p, sizeof p);
        add(c, p, MP_TK_MULTI, MP_ROLE_ATTN, i, d.nq, Dv, R);
        lin(c, i, "self_attn.o_proj", MP_ROLE_ATTN, d.H, d.nq * Dv, ab);
        if (indexer) {
            lin(c, i, "self_attn.indexer.wq_b", MP_ROLE_ATTN, Ni * Di, Rq, false);
            lin(c, i, "self_attn.indexer.wk", MP_ROLE_ATTN, Di, d.H, false);
            norm(c, i, "self_attn.indexer.k_norm", 2 * Di); /* LayerNorm weight + bias */
            lin(c, i, "self_attn.indexer.weights_proj", MP_ROLE_ATTN, Ni, d.H, false);
        }
        bool is_moe = E > 0 && i >= fk && i % freq == 0;
        if (is_moe) {
            router_raw(c, i, "mlp.gate", E, d.H);
            size_t first = c->a->n_tensors;
            experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
            if (experts_quant)
                for (size_t t = first; t < c->a->n_tensors; t++) {
                    const cJSON *g = cJSON_GetObjectItemCaseSensitive(experts_quant, "group");
                    const cJSON *nv = cJSON_GetObjectItemCaseSensitive(experts_quant, "nvfp4");
                    mp_quant q = {MP_Q_AFFINE, 4, cJSON_IsNumber(g) ? (int)g->valuedouble : 32,
                                  MP_RECIPE_NONE, MP_DT_BF16};
                    if (cJSON_IsTrue(nv)) {
                        q.mode = MP_Q_NVFP4;
                        q.group = 16;
                    }
                    c->a->tensors[t].fixed = true;
                    c->a->tensors[t].fixed_q = q;
                }
            if (ns)
                shared_mlp(c, i, "mlp.shared_experts", d.H, Ie * ns);
            c->a->layers[i].moe = true;
            c->a->n_moe_layers++;
        } else {
            dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
        c->a->layers[i].attn = MP_ATTN_LATENT;
        c->a->layers[i].kv_elems = R + Dr + Di;
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = E ? k : 0;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = false;
    top(c, d.V, d.H, false, NULL);
    if (get_int(c, "num_nextn_predict_layers", 0, 0, MAX_LAYERS) > 0)
        mp_arch_note(c->a, "mlx-lm drops the multi-token-prediction layer of the checkpoint");
}

/* Gated DeltaNet hybrids (qwen3_next, qwen3_5, qwen3_5_moe): linear layers
 * keep a fixed state (conv state in the activation dtype, recurrent state
 * in float32) instead of a KV cache; every full_attention_interval-th layer
 * is full attention with a gated q_proj. */
static void build_qwen_hybrid(ctx *c, bool next, bool moe_every_layer)
{
    dims d = read_dims(c, true, next ? -1 : 14336);
    record_dims(c, &d);
    int64_t hk = get_int(c, "linear_num_key_heads", 16, 1, 65536);
    int64_t hv = get_int(c, "linear_num_value_heads", next ? -1 : 64, 1, 65536);
    int64_t dk = get_int(c, "linear_key_head_dim", next ? -1 : 192, 1, MAX_DIM);
    int64_t dv = get_int(c, "linear_value_head_dim", next ? -1 : 128, 1, MAX_DIM);
    int64_t kc = get_int(c, "linear_conv_kernel_dim", 4, 1, 64);
    int64_t interval = get_int(c, "full_attention_interval", 4, 1, MAX_LAYERS);
    int64_t E = get_int(c, "num_experts", 0, 0, MAX_EXPERTS);
    int64_t k = get_int(c, "num_experts_per_tok", 0, 0, MAX_EXPERTS);
    int64_t Ie = get_int(c, "moe_intermediate_size", 0, 0, MAX_DIM);
    int64_t Is = get_int(c, "shared_expert_intermediate_size", 0, 0, MAX_DIM);
    int64_t step = get_int(c, "decoder_sparse_step", 1, 1, MAX_LAYERS);
    bool ab = get_bool(c, "attention_bias", false);
    bool tied = get_bool(c, "tie_word_embeddings", false);
    if (!next) {
        /* qwen3_5 reads tie_word_embeddings from text_config only */
        const cJSON *tc = c->cfg != c->root ? cJSON_GetObjectItemCaseSensitive(c->cfg,
                                                                              "tie_word_embeddings")
                                            : NULL;
        tied = cJSON_IsTrue(tc);
    }
    if (c->rc || alloc_layers(c, d.L))
        return;
    int64_t Kd = hk * dk, Vd = hv * dv, conv = 2 * Kd + Vd;
    const cJSON *mlp_only = next ? item(c, "mlp_only_layers") : NULL;
    for (int i = 0; i < d.L; i++) {
        mp_layer *l = &c->a->layers[i];
        if ((i + 1) % interval != 0) {
            if (next) {
                lin(c, i, "linear_attn.in_proj_qkvz", MP_ROLE_LINATTN, 2 * Kd + 2 * Vd, d.H, false);
                lin(c, i, "linear_attn.in_proj_ba", MP_ROLE_LINATTN, 2 * hv, d.H, false);
            } else {
                lin(c, i, "linear_attn.in_proj_qkv", MP_ROLE_LINATTN, 2 * Kd + Vd, d.H, false);
                lin(c, i, "linear_attn.in_proj_z", MP_ROLE_LINATTN, Vd, d.H, false);
                lin(c, i, "linear_attn.in_proj_b", MP_ROLE_LINATTN, hv, d.H, false);
                lin(c, i, "linear_attn.in_proj_a", MP_ROLE_LINATTN, hv, d.H, false);
            }
            char p[112];
            lpath(c, i, "linear_attn.conv1d", p, sizeof p);
            add(c, p, MP_TK_CONV, MP_ROLE_OTHER, i, 1, conv, kc);
            vec(c, i, "linear_attn.dt_bias", MP_TK_RAW, hv);
            lpath(c, i, "linear_attn.A_log", p, sizeof p);
            mp_tensor *t = add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, hv, 1);
            if (t && !next)
                t->keep_f32 = true;
            norm(c, i, "linear_attn.norm", dv);
            lin(c, i, "linear_attn.out_proj", MP_ROLE_LINATTN, d.H, Vd, false);
            l->attn = MP_ATTN_LINEAR;
            l->state_act_elems = (kc - 1) * conv;
            l->state_f32_elems = hv * dv * dk;
        } else {
            attn_opts o = {ab, ab, d.d, 0, true, false};
            gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
            set_full(l, d.nkv, d.d, d.d);
        }
        bool is_moe = E > 0 && (moe_every_layer || (!in_int_list(mlp_only, i) &&
                                                    (i + 1) % step == 0));
        if (is_moe) {
            router_lin(c, i, "mlp.gate", E, d.H, false, true);
            experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
            if (Is) {
                shared_mlp(c, i, "mlp.shared_expert", d.H, Is);
                router_lin(c, i, "mlp.shared_expert_gate", 1, d.H, false, true);
            }
            l->moe = true;
            c->a->n_moe_layers++;
        } else {
            dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        norm(c, i, "input_layernorm", d.H);
        norm(c, i, "post_attention_layernorm", d.H);
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = tied;
    top(c, d.V, d.H, tied, NULL);
    if (!next)
        mp_arch_note(c->a, "mlx-lm loads the language model only: the vision tower and the "
                     "multi-token-prediction layer are dropped");
}

/* gemma4: per-layer head sizes (full layers may use global_head_dim and
 * shared K=V), KV sharing for the last num_kv_shared_layers, optional
 * per-layer input embeddings and a parallel MoE block. */
static void build_gemma4(ctx *c)
{
    mp_arch *a = c->a;
    int64_t H = get_int(c, "hidden_size", 1536, 1, MAX_DIM);
    int64_t L = get_int(c, "num_hidden_layers", 35, 1, MAX_LAYERS);
    int64_t I = get_int(c, "intermediate_size", 6144, 1, MAX_DIM);
    int64_t nq = get_int(c, "num_attention_heads", 8, 1, 65536);
    int64_t D = get_int(c, "head_dim", 256, 1, MAX_DIM);
    int64_t Dg = get_int(c, "global_head_dim", 512, 0, MAX_DIM);
    int64_t nkv = get_int(c, "num_key_value_heads", 1, 1, 65536);
    int64_t nkv_g = get_int(c, "num_global_key_value_heads", 0, 0, 65536);
    int64_t shared = get_int(c, "num_kv_shared_layers", 20, 0, MAX_LAYERS);
    int64_t Hp = get_int(c, "hidden_size_per_layer_input", 256, 0, MAX_DIM);
    int64_t Vp = get_int(c, "vocab_size_per_layer_input", 262144, 1, MAX_VOCAB);
    int64_t win = get_int(c, "sliding_window", 512, 1, 1 << 30);
    int64_t pat = get_int(c, "sliding_window_pattern", 5, 1, MAX_LAYERS);
    bool keqv = get_bool(c, "attention_k_eq_v", false);
    bool dbl = get_bool(c, "use_double_wide_mlp", true);
    bool moe = get_bool(c, "enable_moe_block", false);
    int64_t E = moe ? get_int(c, "num_experts", -1, 1, MAX_EXPERTS) : 0;
    int64_t k = moe ? get_int(c, "top_k_experts", -1, 1, MAX_EXPERTS) : 0;
    int64_t Ie = moe ? get_int(c, "moe_intermediate_size", -1, 1, MAX_DIM) : 0;
    bool tied = get_bool(c, "tie_word_embeddings", true);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->root, "vocab_size");
    int64_t V = cJSON_IsNumber(v) && c->cfg != c->root
                    ? get_root_int(c, "vocab_size", 262144, 1, MAX_VOCAB)
                    : get_int(c, "vocab_size", 262144, 1, MAX_VOCAB);
    dims d = {H, I, L, nq, nkv, D, V};
    record_dims(c, &d);
    if (shared > L)
        shared = 0;
    int64_t F = L - shared;
    if (c->rc || alloc_layers(c, L))
        return;
    const cJSON *lt = item(c, "layer_types");
    for (int i = 0; i < L; i++) {
        bool full;
        const cJSON *e = cJSON_IsArray(lt) ? cJSON_GetArrayItem(lt, i) : NULL;
        if (cJSON_IsString(e))
            full = strcmp(e->valuestring, "full_attention") == 0;
        else
            full = i % pat == pat - 1;
        int64_t Di = full && Dg ? Dg : D;
        bool kv_eq = keqv && full;
        int64_t nkv_i = kv_eq && nkv_g ? nkv_g : nkv;
        bool has_kv = i < F;
        int64_t Ii = dbl && F > 0 && i >= F ? 2 * I : I;
        lin(c, i, "self_attn.q_proj", MP_ROLE_ATTN, nq * Di, H, false);
        if (has_kv) {
            lin(c, i, "self_attn.k_proj", MP_ROLE_ATTN, nkv_i * Di, H, false);
            if (!kv_eq)
                lin(c, i, "self_attn.v_proj", MP_ROLE_ATTN_V, nkv_i * Di, H, false);
        }
        lin(c, i, "self_attn.o_proj", MP_ROLE_ATTN, H, nq * Di, false);
        norm(c, i, "self_attn.q_norm", Di);
        if (has_kv)
            norm(c, i, "self_attn.k_norm", Di);
        dense_mlp(c, i, "mlp", H, Ii, false);
        norm(c, i, "input_layernorm", H);
        norm(c, i, "post_attention_layernorm", H);
        norm(c, i, "pre_feedforward_layernorm", H);
        norm(c, i, "post_feedforward_layernorm", H);
        if (moe) {
            router_lin(c, i, "router.proj", E, H, false, true);
            vec(c, i, "router.scale", MP_TK_RAW, H);
            vec(c, i, "router.per_expert_scale", MP_TK_RAW, E);
            experts(c, i, "experts.switch_glu", E, H, Ie, false);
            norm(c, i, "post_feedforward_layernorm_1", H);
            norm(c, i, "post_feedforward_layernorm_2", H);
            norm(c, i, "pre_feedforward_layernorm_2", H);
            a->layers[i].moe = true;
            a->n_moe_layers++;
        }
        if (Hp > 0) {
            lin(c, i, "per_layer_input_gate", MP_ROLE_OTHER, Hp, H, false);
            lin(c, i, "per_layer_projection", MP_ROLE_OTHER, H, Hp, false);
            norm(c, i, "post_per_layer_input_norm", H);
        }
        vec(c, i, "layer_scalar", MP_TK_RAW, 1);
        mp_layer *l = &a->layers[i];
        if (!has_kv) {
            l->attn = MP_ATTN_SHARED;
        } else {
            set_full(l, nkv_i, Di, Di);
            if (!full) {
                l->attn = MP_ATTN_SLIDING;
                l->window = (int)win;
            }
        }
    }
    a->n_experts = E;
    a->experts_per_tok = k;
    a->moe_intermediate = Ie;
    a->tied_embeddings = tied;
    top(c, V, H, tied, NULL);
    if (Hp > 0) {
        char p[112];
        snprintf(p, sizeof p, "%s.embed_tokens_per_layer", c->prefix);
        add(c, p, MP_TK_EMBED, MP_ROLE_OTHER, -1, 1, Vp, L * Hp);
        snprintf(p, sizeof p, "%s.per_layer_model_projection", c->prefix);
        add(c, p, MP_TK_LINEAR, MP_ROLE_OTHER, -1, 1, L * Hp, H);
        snprintf(p, sizeof p, "%s.per_layer_projection_norm", c->prefix);
        add(c, p, MP_TK_NORM, MP_ROLE_OTHER, -1, 1, Hp, 1);
    }
    mp_arch_note(a, "mlx-lm loads the language model only: vision and audio towers are dropped");
}

/* mamba (and falcon_mamba): a pure SSM, fixed state per layer. */
static void build_mamba(ctx *c)
{
    mp_arch *a = c->a;
    int64_t H = get_int(c, "hidden_size", -1, 1, MAX_DIM);
    int64_t I = get_int(c, "intermediate_size", -1, 1, MAX_DIM);
    int64_t N = get_int(c, "state_size", -1, 1, MAX_DIM);
    int64_t L = get_int(c, "num_hidden_layers", -1, 1, MAX_LAYERS);
    int64_t kc = get_int(c, "conv_kernel", 4, 1, 64);
    int64_t V = get_int(c, "vocab_size", -1, 1, MAX_VOCAB);
    bool use_bias = get_bool(c, "use_bias", false), conv_bias = get_bool(c, "use_conv_bias", true);
    bool tied = get_bool(c, "tie_word_embeddings", true);
    const cJSON *tr = item(c, "time_step_rank");
    int64_t R = (H + 15) / 16;
    if (cJSON_IsNumber(tr))
        R = get_int(c, "time_step_rank", 1, 1, MAX_DIM);
    dims d = {H, I, L, 1, 1, 1, V};
    record_dims(c, &d);
    if (c->rc || alloc_layers(c, L))
        return;
    for (int i = 0; i < L; i++) {
        norm(c, i, "norm", H);
        lin(c, i, "mixer.in_proj", MP_ROLE_LINATTN, 2 * I, H, use_bias);
        char p[112];
        lpath(c, i, "mixer.conv1d", p, sizeof p);
        add(c, p, MP_TK_CONV, MP_ROLE_OTHER, i, 1, I, kc);
        if (conv_bias)
            vec(c, i, "mixer.conv1d.bias", MP_TK_BIAS, I);
        lin(c, i, "mixer.x_proj", MP_ROLE_LINATTN, R + 2 * N, I, false);
        lin(c, i, "mixer.dt_proj", MP_ROLE_LINATTN, I, R, true);
        lpath(c, i, "mixer.A_log", p, sizeof p);
        add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, I, N);
        vec(c, i, "mixer.D", MP_TK_RAW, I);
        lin(c, i, "mixer.out_proj", MP_ROLE_LINATTN, H, I, use_bias);
        a->layers[i].attn = MP_ATTN_LINEAR;
        a->layers[i].state_act_elems = (kc - 1) * I + I * N;
    }
    add(c, "backbone.embeddings", MP_TK_EMBED, MP_ROLE_EMBED, -1, 1, V, H);
    add(c, "backbone.norm_f", MP_TK_NORM, MP_ROLE_OTHER, -1, 1, H, 1);
    if (!tied)
        add(c, "lm_head", MP_TK_LINEAR, MP_ROLE_HEAD, -1, 1, V, H);
    a->tied_embeddings = tied;
}

/* ---- quantization and dtype from the config ------------------------------------- */

/* A width (bits or group_size) of a quantization entry: a whole number, or
 * the mode's default when the entry may omit it (null or absent). */
static bool qwidth(const cJSON *v, bool optional, int dflt, int *out)
{
    if (!v || cJSON_IsNull(v)) {
        *out = dflt;
        return optional;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 1 ||
        v->valuedouble > 1024)
        return false;
    *out = (int)v->valuedouble;
    return true;
}

/* One {bits, group_size, mode} object.  The block's own values are required
 * (mlx-lm indexes them); a per-path entry is passed to MLX's to_quantized,
 * which takes a missing mode as affine and a null group_size or bits as the
 * mode's default: mixed recipes converted without --q-group-size record
 * "group_size": null (convert.py mixed_quant_predicate_builder). */
static bool parse_qblock(const cJSON *o, mp_dtype dt, bool entry, mp_quant *q)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "mode");
    q->mode = MP_Q_AFFINE;
    if (cJSON_IsString(m)) {
        if (strcmp(m->valuestring, "mxfp4") == 0)
            q->mode = MP_Q_MXFP4;
        else if (strcmp(m->valuestring, "nvfp4") == 0)
            q->mode = MP_Q_NVFP4;
        else if (strcmp(m->valuestring, "mxfp8") == 0)
            q->mode = MP_Q_MXFP8;
        else if (strcmp(m->valuestring, "affine") != 0)
            return false;
    } else if (m && !cJSON_IsNull(m)) {
        return false;
    }
    int group, bits;
    mp_quant_defaults(q->mode, &group, &bits);
    if (!qwidth(cJSON_GetObjectItemCaseSensitive(o, "bits"), entry, bits, &q->bits) ||
        !qwidth(cJSON_GetObjectItemCaseSensitive(o, "group_size"), entry, group, &q->group))
        return false;
    q->recipe = MP_RECIPE_NONE;
    q->dtype = dt;
    return mp_quant_check(q, NULL) == 0;
}

/* Per-path entries sorted by path; among repeated keys the last one counts,
 * as when Python reads the JSON. */
typedef struct qentry {
    mp_qoverride o;
    int seq;
} qentry;

static int cmp_qentry(const void *x, const void *y)
{
    const qentry *a = x, *b = y;
    int c = strcmp(a->o.path, b->o.path);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Keep the block's per-path entries: every member whose value is an object
 * or false (a module path, with or without dots: "lm_head" counts); the
 * block's own keys hold numbers and strings. */
static int read_qoverrides(ctx *c, const cJSON *qb)
{
    mp_arch *a = c->a;
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, qb)
    {
        if (e->string && (cJSON_IsObject(e) || cJSON_IsFalse(e)))
            n++;
    }
    if (n == 0)
        return 0;
    if (n > MP_ARCH_MAX_QOVR)
        return fail(c, MP_ELIMIT, "config.json 'quantization' has more than %d per-layer entries",
                    MP_ARCH_MAX_QOVR);
    qentry *q = calloc((size_t)n, sizeof *q);
    if (!q)
        return fail(c, MP_ENOMEM, "out of memory");
    int k = 0;
    cJSON_ArrayForEach(e, qb)
    {
        if (!e->string || !(cJSON_IsObject(e) || cJSON_IsFalse(e)))
            continue;
        qentry *x = &q[k];
        if (strlen(e->string) >= sizeof x->o.path)
            continue; /* longer than any module path mlxplan holds: matches nothing */
        mp_strlcpy(x->o.path, e->string, sizeof x->o.path);
        x->o.quantized = !cJSON_IsFalse(e);
        if (x->o.quantized && !parse_qblock(e, a->dtype, true, &x->o.q))
            continue;
        x->seq = k++;
    }
    qsort(q, (size_t)k, sizeof *q, cmp_qentry);
    a->qoverrides = calloc((size_t)(k ? k : 1), sizeof *a->qoverrides);
    if (!a->qoverrides) {
        free(q);
        return fail(c, MP_ENOMEM, "out of memory");
    }
    for (int i = 0; i < k; i++) {
        if (i + 1 < k && strcmp(q[i].o.path, q[i + 1].o.path) == 0)
            continue;
        a->qoverrides[a->n_qoverrides++] = q[i].o;
    }
    free(q);
    return 0;
}

/* The MLX "quantization" block (or its "quantization_config" twin). */
static int read_mlx_quant(ctx *c)
{
    mp_arch *a = c->a;
    const cJSON *qb = cJSON_GetObjectItemCaseSensitive(c->root, "quantization");
    if (!cJSON_IsObject(qb)) {
        const cJSON *qc = cJSON_GetObjectItemCaseSensitive(c->root, "quantization_config");
        if (cJSON_IsObject(qc) && cJSON_GetObjectItemCaseSensitive(qc, "bits") &&
            !cJSON_GetObjectItemCaseSensitive(qc, "quant_method"))
            qb = qc;
        else
            return 0;
    }
    if (!parse_qblock(qb, a->dtype, false, &a->config_quant)) {
        c->rc = mp_error_set(c->err, MP_EPARSE,
                             "%s: config.json 'quantization' needs valid bits, group_size and mode",
                             a->id);
        return c->rc;
    }
    a->has_config_quant = true;
    return read_qoverrides(c, qb);
}

static void read_dtype(ctx *c)
{
    const char *dt = get_str(c, "torch_dtype");
    if (!dt)
        dt = get_str(c, "dtype");
    mp_arch *a = c->a;
    a->dtype = MP_DT_BF16;
    if (!dt) {
        /* configs older than torch_dtype (gpt2) come with float32 weights, and
         * mlx_lm.convert keeps the stored dtype when the config names none;
         * a checkpoint published quantized (gpt-oss mxfp4, fp8) keeps its
         * other weights in bfloat16 */
        if (!item(c, "quantization_config") && !item(c, "quantization"))
            a->dtype = MP_DT_F32;
        a->dtype_assumed = true;
        return;
    }
    if (strcmp(dt, "float16") == 0)
        a->dtype = MP_DT_F16;
    else if (strcmp(dt, "float32") == 0)
        a->dtype = MP_DT_F32;
    else if (strcmp(dt, "bfloat16") != 0)
        a->dtype_assumed = true;
}

/* ---- dispatch ---------------------------------------------------------------------- */

typedef enum family {
    F_LLAMA, F_QWEN2, F_QWEN3, F_QWEN3_MOE, F_PHI3, F_GEMMA2, F_GEMMA3_TEXT, F_GEMMA3, F_GPT2,
    F_MIXTRAL, F_MINIMAX, F_GPT_OSS, F_GLM4_MOE, F_LLAMA4, F_DEEPSEEK_V3, F_KIMI_K25,
    F_DEEPSEEK_V32, F_GLM_LITE, F_QWEN3_NEXT, F_QWEN3_5, F_QWEN3_5_MOE, F_GEMMA4, F_MAMBA,
} family;

static const struct {
    const char *model_type;
    family f;
    bool text_config;   /* language model keys under text_config */
    const char *prefix; /* module path of the language model */
} families[] = {
    {"llama", F_LLAMA, false, "model"},
    {"mistral", F_LLAMA, false, "model"},
    {"qwen2", F_QWEN2, false, "model"},
    {"qwen3", F_QWEN3, false, "model"},
    {"qwen3_moe", F_QWEN3_MOE, false, "model"},
    {"phi3", F_PHI3, false, "model"},
    {"gemma2", F_GEMMA2, false, "model"},
    {"gemma3_text", F_GEMMA3_TEXT, false, "model"},
    {"gemma3", F_GEMMA3, true, "language_model.model"},
    {"gpt2", F_GPT2, false, "model"},
    {"mixtral", F_MIXTRAL, false, "model"},
    {"minimax", F_MINIMAX, false, "model"},
    {"minimax_m2", F_MINIMAX, false, "model"},
    {"gpt_oss", F_GPT_OSS, false, "model"},
    {"glm4_moe", F_GLM4_MOE, false, "model"},
    {"llama4", F_LLAMA4, true, "language_model.model"},
    {"deepseek_v3", F_DEEPSEEK_V3, false, "model"},
    {"kimi_k2", F_DEEPSEEK_V3, false, "model"},
    {"kimi_k25", F_KIMI_K25, true, "language_model.model"},
    {"deepseek_v32", F_DEEPSEEK_V32, false, "model"},
    {"glm_moe_dsa", F_DEEPSEEK_V32, false, "model"},
    {"glm4_moe_lite", F_GLM_LITE, false, "model"},
    {"qwen3_next", F_QWEN3_NEXT, false, "model"},
    {"qwen3_5", F_QWEN3_5, true, "language_model.model"},
    {"qwen3_5_moe", F_QWEN3_5_MOE, true, "language_model.model"},
    {"gemma4", F_GEMMA4, true, "language_model.model"},
    {"mamba", F_MAMBA, false, "backbone"},
    {"falcon_mamba", F_MAMBA, false, "backbone"},
};

/* The mlx-lm module that loads `model_type` (MODEL_REMAPPING applied). */
static void module_of(const char *model_type, char *buf, size_t cap)
{
    for (size_t i = 0; i < mp_model_alias_rows_len; i++)
        if (strcmp(mp_model_alias_rows[i].config_type, model_type) == 0) {
            mp_strlcpy(buf, mp_model_alias_rows[i].module, cap);
            return;
        }
    mp_strlcpy(buf, model_type, cap);
}

/* Kimi-K2.5 keeps its routed experts in int4 (compressed-tensors) inside
 * text_config.quantization_config: describe that format for build_mla. */
static cJSON *kimi_expert_quant(const ctx *c)
{
    const cJSON *qc = cJSON_GetObjectItemCaseSensitive(c->cfg, "quantization_config");
    if (!qc)
        qc = cJSON_GetObjectItemCaseSensitive(c->root, "quantization_config");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(qc, "quant_method");
    if (!cJSON_IsString(m) || strcmp(m->valuestring, "compressed-tensors") != 0)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(qc, "format");
    cJSON_AddBoolToObject(o, "nvfp4", cJSON_IsString(fmt) &&
                                          strcmp(fmt->valuestring, "nvfp4-pack-quantized") == 0);
    /* group size of the weights entry of the first config group */
    double group = 32;
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(qc, "config_groups");
    const cJSON *g0 = groups ? groups->child : NULL;
    const cJSON *w = g0 ? cJSON_GetObjectItemCaseSensitive(g0, "weights") : NULL;
    const cJSON *gs = w ? cJSON_GetObjectItemCaseSensitive(w, "group_size") : NULL;
    if (cJSON_IsNumber(gs) && (gs->valuedouble == 32 || gs->valuedouble == 64 ||
                               gs->valuedouble == 128))
        group = gs->valuedouble;
    cJSON_AddNumberToObject(o, "group", group);
    return o;
}

static int build(ctx *c, family f)
{
    switch (f) {
    case F_LLAMA: build_llama(c); break;
    case F_QWEN2: build_qwen2(c); break;
    case F_QWEN3: build_qwen3(c, false); break;
    case F_QWEN3_MOE: build_qwen3(c, true); break;
    case F_PHI3: build_phi3(c); break;
    case F_GEMMA2: build_gemma2(c); break;
    case F_GEMMA3_TEXT: build_gemma3(c, false); break;
    case F_GEMMA3: build_gemma3(c, true); break;
    case F_GPT2: build_gpt2(c); break;
    case F_MIXTRAL: build_mixtral(c); break;
    case F_MINIMAX: build_minimax(c); break;
    case F_GPT_OSS: {
        const cJSON *qc = cJSON_GetObjectItemCaseSensitive(c->root, "quantization_config");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(qc, "quant_method");
        build_gpt_oss(c, cJSON_IsString(m) && strcmp(m->valuestring, "mxfp4") == 0);
        break;
    }
    case F_GLM4_MOE: build_glm4_moe(c); break;
    case F_LLAMA4: build_llama4(c); break;
    case F_DEEPSEEK_V3: build_mla(c, false, NULL); break;
    case F_KIMI_K25: {
        cJSON *eq = kimi_expert_quant(c);
        build_mla(c, false, eq);
        if (eq)
            mp_arch_note(c->a, "the checkpoint keeps the routed experts in int4; mlx-lm loads "
                         "them as affine 4-bit");
        cJSON_Delete(eq);
        mp_arch_note(c->a, "mlx-lm loads the language model only: the vision tower is dropped");
        break;
    }
    case F_DEEPSEEK_V32: build_mla(c, true, NULL); break;
    case F_GLM_LITE: build_mla(c, false, NULL); break;
    case F_QWEN3_NEXT: build_qwen_hybrid(c, true, false); break;
    case F_QWEN3_5: build_qwen_hybrid(c, false, false); break;
    case F_QWEN3_5_MOE: build_qwen_hybrid(c, false, true); break;
    case F_GEMMA4: build_gemma4(c); break;
    case F_MAMBA: build_mamba(c); break;
    }
    return c->rc;
}

int mp_arch_from_json(const char *json, size_t len, const char *id, mp_arch *a, mp_error *err)
{
    memset(a, 0, sizeof *a);
    mp_strlcpy(a->id, id ? id : "model", sizeof a->id);
    size_t depth = mp_json_depth(json, len);
    if (depth > CJSON_NESTING_LIMIT)
        return mp_error_set(err, MP_ELIMIT,
                            "%s: config.json nests %zu levels deep, over the limit of %d levels",
                            a->id, depth, CJSON_NESTING_LIMIT);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root) {
        const char *where = cJSON_GetErrorPtr();
        long off = where && where >= json && where <= json + len ? (long)(where - json) : -1;
        if (off >= 0)
            return mp_error_set(err, MP_EPARSE, "%s: config.json is not valid JSON (near byte %ld)",
                                a->id, off);
        return mp_error_set(err, MP_EPARSE, "%s: config.json is not valid JSON", a->id);
    }
    int rc = 0;
    if (!cJSON_IsObject(root)) {
        rc = mp_error_set(err, MP_EPARSE, "%s: config.json must hold a JSON object", a->id);
        goto done;
    }
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(root, "model_type");
    if (mt && !cJSON_IsNull(mt) && !cJSON_IsString(mt)) {
        rc = mp_error_set(err, MP_EPARSE, "%s: config.json 'model_type' must be a string", a->id);
        goto done;
    }
    if (!cJSON_IsString(mt) || !mt->valuestring[0]) {
        rc = mp_error_set(err, MP_EPARSE, "%s: config.json has no 'model_type'", a->id);
        goto done;
    }
    mp_strlcpy(a->model_type, mt->valuestring, sizeof a->model_type);
    module_of(a->model_type, a->module, sizeof a->module);
    a->mlx_lm_supported = mp_kb_model_type_supported(a->model_type);
    for (size_t i = 0; i < mp_make_cache_rows_len; i++)
        if (strcmp(mp_make_cache_rows[i].name, a->module) == 0)
            a->own_cache = true;

    ctx c = {root, root, a, err, 0, "model", "lm_head"};
    size_t fi;
    for (fi = 0; fi < sizeof families / sizeof families[0]; fi++)
        if (strcmp(families[fi].model_type, a->model_type) == 0)
            break;
    bool known = fi < sizeof families / sizeof families[0];
    if (!known) {
        /* a llama-style decoder is the common case of the remaining
         * mlx-lm modules; say so rather than refusing */
        if (!cJSON_GetObjectItemCaseSensitive(root, "hidden_size") ||
            !cJSON_GetObjectItemCaseSensitive(root, "num_hidden_layers")) {
            rc = mp_error_set(err, MP_EUNSUPPORTED,
                              "%s: model_type '%.40s' has no layout in mlxplan and no standard "
                              "hidden_size / num_hidden_layers keys",
                              a->id, a->model_type);
            goto done;
        }
    } else if (families[fi].text_config) {
        const cJSON *tc = cJSON_GetObjectItemCaseSensitive(root, "text_config");
        if (cJSON_IsObject(tc))
            c.cfg = tc;
        c.prefix = families[fi].prefix;
        c.head = "language_model.lm_head";
    } else {
        c.prefix = families[fi].prefix;
    }
    read_dtype(&c);
    a->max_position = get_int(&c, "max_position_embeddings", 0, 0, (int64_t)1 << 40);
    rc = build(&c, known ? families[fi].f : F_LLAMA);
    if (rc)
        goto done;
    if (!known)
        mp_arch_note(a, "model_type '%s' is estimated as a llama-style decoder%s", a->model_type,
                     a->mlx_lm_supported ? "" : " (it is not in mlx-lm's model list)");
    rc = read_mlx_quant(&c);
    if (rc)
        goto done;
    if (a->dtype_assumed)
        mp_arch_note(a, "config.json gives no torch_dtype: %s assumed%s", mp_dtype_name(a->dtype),
                     a->dtype == MP_DT_F32 ? " (the stored weights, which mlx_lm.convert keeps)"
                                           : "");
    {
        const cJSON *qc = cJSON_GetObjectItemCaseSensitive(root, "quantization_config");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(qc, "quant_method");
        if (cJSON_IsString(m) && strcmp(m->valuestring, "fp8") == 0)
            a->checkpoint_fp8 = true;
        if (a->checkpoint_fp8)
            mp_arch_note(a, "the checkpoint is FP8; mlx-lm dequantizes it to bfloat16 when "
                         "loading, so unquantized figures are bfloat16");
    }
    if (!a->mlx_lm_supported && known)
        mp_arch_note(a, "model_type '%s' is not in the pinned mlx-lm's model list", a->model_type);
done:
    cJSON_Delete(root);
    if (rc)
        mp_arch_release(a);
    return rc;
}
