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
 *
 * This file reads keys, emits tensors, holds the pieces every layout is
 * made of and picks the builder by model_type; the builders are in
 * config_build.c, the quantization block in config_quant.c (cf.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kb/kb.h"
#include "model/arch.h"
#include "model/cf.h"
#include "util/text.h"

/* ---- reading keys ----------------------------------------------------------- */

const cJSON *cf_item(const cf_ctx *c, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->cfg, key);
    if (!v && c->cfg != c->root)
        v = cJSON_GetObjectItemCaseSensitive(c->root, key);
    return cJSON_IsNull(v) ? NULL : v;
}

/* Record the first error, prefixed with the model's label. */
int cf_fail(cf_ctx *c, int code, const char *fmt, ...)
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
static int64_t int_value(cf_ctx *c, const char *key, const cJSON *v, int64_t dflt, int64_t lo,
                         int64_t hi)
{
    if (!v) {
        if (dflt < 0)
            cf_fail(c, MP_EPARSE, "config.json has no '%s'", key);
        return dflt < 0 ? lo : dflt;
    }
    if (!cJSON_IsNumber(v)) {
        cf_fail(c, MP_EPARSE, "config.json '%s' must be a number", key);
        return lo;
    }
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi) {
        cf_fail(c, MP_EPARSE, "config.json '%s' = %g is not a whole number in [%lld, %lld]", key, d,
             (long long)lo, (long long)hi);
        return lo;
    }
    return (int64_t)d;
}

/* An integer key of the language model's scope; see int_value. */
int64_t cf_get_int(cf_ctx *c, const char *key, int64_t dflt, int64_t lo, int64_t hi)
{
    return int_value(c, key, cf_item(c, key), dflt, lo, hi);
}

/* An integer key of the top-level object only (wrappers keep some there). */
int64_t cf_get_root_int(cf_ctx *c, const char *key, int64_t dflt, int64_t lo, int64_t hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->root, key);
    return int_value(c, key, cJSON_IsNull(v) ? NULL : v, dflt, lo, hi);
}

bool cf_get_bool(cf_ctx *c, const char *key, bool dflt)
{
    const cJSON *v = cf_item(c, key);
    if (!v)
        return dflt;
    if (!cJSON_IsBool(v)) {
        cf_fail(c, MP_EPARSE, "config.json '%s' must be true or false", key);
        return dflt;
    }
    return cJSON_IsTrue(v);
}

const char *cf_get_str(const cf_ctx *c, const char *key)
{
    const cJSON *v = cf_item(c, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- emitting tensors ------------------------------------------------------- */

mp_tensor *cf_add(cf_ctx *c, const char *path, mp_tkind kind, mp_role role, int layer, int64_t n,
                      int64_t out, int64_t in)
{
    mp_arch *a = c->a;
    if (c->rc)
        return NULL;
    if (a->n_tensors == a->cap_tensors) {
        if (a->cap_tensors >= MAX_TENSORS) {
            cf_fail(c, MP_ELIMIT, "the model has more than %d tensors", MAX_TENSORS);
            return NULL;
        }
        size_t cap = a->cap_tensors ? a->cap_tensors * 2 : 256;
        mp_tensor *p = realloc(a->tensors, cap * sizeof *p);
        if (!p) {
            cf_fail(c, MP_ENOMEM, "out of memory");
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
void cf_lpath(const cf_ctx *c, int layer, const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.layers.%d.%s", c->prefix, layer, name);
}

mp_tensor *cf_lin(cf_ctx *c, int layer, const char *name, mp_role role, int64_t out, int64_t in,
                      bool bias)
{
    char p[112], pb[120];
    cf_lpath(c, layer, name, p, sizeof p);
    mp_tensor *t = cf_add(c, p, MP_TK_LINEAR, role, layer, 1, out, in);
    if (bias) {
        snprintf(pb, sizeof pb, "%s.bias", p);
        cf_add(c, pb, MP_TK_BIAS, MP_ROLE_OTHER, layer, 1, out, 1);
    }
    return t;
}

static mp_tensor *sw(cf_ctx *c, int layer, const char *name, mp_role role, int64_t e, int64_t out,
                     int64_t in, bool bias)
{
    char p[112], pb[120];
    cf_lpath(c, layer, name, p, sizeof p);
    mp_tensor *t = cf_add(c, p, MP_TK_SWITCH, role, layer, e, out, in);
    if (bias) {
        snprintf(pb, sizeof pb, "%s.bias", p);
        cf_add(c, pb, MP_TK_BIAS, MP_ROLE_OTHER, layer, e, out, 1);
    }
    return t;
}

void cf_vec(cf_ctx *c, int layer, const char *name, mp_tkind kind, int64_t dim)
{
    char p[112];
    if (layer >= 0)
        cf_lpath(c, layer, name, p, sizeof p);
    else
        snprintf(p, sizeof p, "%s", name);
    cf_add(c, p, kind, MP_ROLE_OTHER, layer, 1, dim, 1);
}

void cf_norm(cf_ctx *c, int layer, const char *name, int64_t dim)
{
    cf_vec(c, layer, name, MP_TK_NORM, dim);
}

/* embed_tokens, final norm, lm_head (unless tied). */
void cf_top(cf_ctx *c, int64_t vocab, int64_t hidden, bool tied, const char *norm_name)
{
    char p[112];
    snprintf(p, sizeof p, "%s.embed_tokens", c->prefix);
    cf_add(c, p, MP_TK_EMBED, MP_ROLE_EMBED, -1, 1, vocab, hidden);
    snprintf(p, sizeof p, "%s.%s", c->prefix, norm_name ? norm_name : "norm");
    cf_add(c, p, MP_TK_NORM, MP_ROLE_OTHER, -1, 1, hidden, 1);
    if (!tied)
        cf_add(c, c->head, MP_TK_LINEAR, MP_ROLE_HEAD, -1, 1, vocab, hidden);
}

/* ---- shared pieces ----------------------------------------------------------- */

void cf_gqa(cf_ctx *c, int i, int64_t H, int64_t nq, int64_t nkv, int64_t d, cf_attn_opts o)
{
    if (o.fused) {
        cf_lin(c, i, "self_attn.qkv_proj", MP_ROLE_ATTN, (nq + 2 * nkv) * d, H, o.qkv_bias);
    } else {
        cf_lin(c, i, "self_attn.q_proj", MP_ROLE_ATTN, (o.gated_q ? 2 : 1) * nq * d, H, o.qkv_bias);
        cf_lin(c, i, "self_attn.k_proj", MP_ROLE_ATTN, nkv * d, H, o.qkv_bias);
        cf_lin(c, i, "self_attn.v_proj", MP_ROLE_ATTN_V, nkv * d, H, o.qkv_bias);
    }
    cf_lin(c, i, "self_attn.o_proj", MP_ROLE_ATTN, H, nq * d, o.o_bias);
    if (o.qk_norm_dim) {
        cf_norm(c, i, "self_attn.q_norm", o.qk_norm_dim);
        cf_norm(c, i, "self_attn.k_norm", o.k_norm_dim ? o.k_norm_dim : o.qk_norm_dim);
    }
}

void cf_dense_mlp(cf_ctx *c, int i, const char *pre, int64_t H, int64_t I, bool bias)
{
    char g[64], u[64], dn[64];
    snprintf(g, sizeof g, "%s.gate_proj", pre);
    snprintf(u, sizeof u, "%s.up_proj", pre);
    snprintf(dn, sizeof dn, "%s.down_proj", pre);
    cf_lin(c, i, g, MP_ROLE_MLP, I, H, bias);
    cf_lin(c, i, u, MP_ROLE_MLP, I, H, bias);
    cf_lin(c, i, dn, MP_ROLE_MLP_DOWN, H, I, bias);
}

void cf_shared_mlp(cf_ctx *c, int i, const char *pre, int64_t H, int64_t I)
{
    char g[64], u[64], dn[64];
    snprintf(g, sizeof g, "%s.gate_proj", pre);
    snprintf(u, sizeof u, "%s.up_proj", pre);
    snprintf(dn, sizeof dn, "%s.down_proj", pre);
    cf_lin(c, i, g, MP_ROLE_SHARED, I, H, false);
    cf_lin(c, i, u, MP_ROLE_SHARED, I, H, false);
    cf_lin(c, i, dn, MP_ROLE_SHARED_DOWN, H, I, false);
}

/* SwitchGLU: gate/up (E, Ie, H), down (E, H, Ie). */
void cf_experts(cf_ctx *c, int i, const char *pre, int64_t E, int64_t H, int64_t Ie, bool bias)
{
    char g[64], u[64], dn[64];
    snprintf(g, sizeof g, "%s.gate_proj", pre);
    snprintf(u, sizeof u, "%s.up_proj", pre);
    snprintf(dn, sizeof dn, "%s.down_proj", pre);
    sw(c, i, g, MP_ROLE_EXPERT, E, Ie, H, bias);
    sw(c, i, u, MP_ROLE_EXPERT, E, Ie, H, bias);
    sw(c, i, dn, MP_ROLE_EXPERT_DOWN, E, H, Ie, bias);
}

void cf_router_lin(cf_ctx *c, int i, const char *name, int64_t E, int64_t H, bool bias, bool q8)
{
    mp_tensor *t = cf_lin(c, i, name, MP_ROLE_ROUTER, E, H, bias);
    if (t)
        t->q8_override = q8;
}

/* A router that is a bare array (MoEGate.weight), with its correction bias. */
void cf_router_raw(cf_ctx *c, int i, const char *pre, int64_t E, int64_t H)
{
    char p[112], name[64];
    snprintf(name, sizeof name, "%s.weight", pre);
    cf_lpath(c, i, name, p, sizeof p);
    cf_add(c, p, MP_TK_RAW, MP_ROLE_ROUTER, i, 1, E, H);
    snprintf(name, sizeof name, "%s.e_score_correction_bias", pre);
    cf_lpath(c, i, name, p, sizeof p);
    mp_tensor *t = cf_add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, E, 1);
    if (t)
        t->keep_f32 = true;
}

int cf_alloc_layers(cf_ctx *c, int64_t n)
{
    c->a->layers = calloc((size_t)n, sizeof *c->a->layers);
    if (!c->a->layers)
        return cf_fail(c, MP_ENOMEM, "out of memory");
    return 0;
}

void cf_set_full(mp_layer *l, int64_t nkv, int64_t dk, int64_t dv)
{
    l->attn = MP_ATTN_FULL;
    l->kv_elems = nkv * (dk + dv);
}

cf_dims cf_read_dims(cf_ctx *c, bool head_dim_key, int64_t I_dflt)
{
    cf_dims d;
    d.H = cf_get_int(c, "hidden_size", -1, 1, MAX_DIM);
    d.I = cf_get_int(c, "intermediate_size", I_dflt, 1, MAX_DIM);
    d.L = cf_get_int(c, "num_hidden_layers", -1, 1, MAX_LAYERS);
    d.nq = cf_get_int(c, "num_attention_heads", -1, 1, 65536);
    d.nkv = cf_get_int(c, "num_key_value_heads", d.nq, 1, 65536);
    d.V = cf_get_int(c, "vocab_size", -1, 1, MAX_VOCAB);
    int64_t dflt_d = d.nq > 0 ? d.H / d.nq : 1;
    d.d = head_dim_key ? cf_get_int(c, "head_dim", dflt_d > 0 ? dflt_d : 1, 1, MAX_DIM) : dflt_d;
    if (d.d < 1)
        d.d = 1;
    return d;
}

void cf_record_dims(cf_ctx *c, const cf_dims *d)
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
bool cf_layer_is_sliding(const cf_ctx *c, int i, bool *present)
{
    const cJSON *lt = cf_item(c, "layer_types");
    *present = cJSON_IsArray(lt);
    if (!*present)
        return false;
    const cJSON *e = cJSON_GetArrayItem(lt, i);
    return cJSON_IsString(e) && strcmp(e->valuestring, "sliding_attention") == 0;
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
    /* mlx-lm's qwen2_vl module (qwen2_5_vl remaps to it): the qwen2 language model, keys
     * under text_config or at the top level; the vision tower is dropped in sanitize */
    {"qwen2_vl", F_QWEN2, true, "language_model.model"},
    {"qwen2_5_vl", F_QWEN2, true, "language_model.model"},
    /* mistral3: llama.Model under language_model (ministral3 text is not laid out) */
    {"mistral3", F_LLAMA, true, "language_model.model"},
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
static cJSON *kimi_expert_quant(const cf_ctx *c)
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

static int build(cf_ctx *c, family f)
{
    switch (f) {
    case F_LLAMA: cf_build_llama(c); break;
    case F_QWEN2: cf_build_qwen2(c); break;
    case F_QWEN3: cf_build_qwen3(c, false); break;
    case F_QWEN3_MOE: cf_build_qwen3(c, true); break;
    case F_PHI3: cf_build_phi3(c); break;
    case F_GEMMA2: cf_build_gemma2(c); break;
    case F_GEMMA3_TEXT: cf_build_gemma3(c, false); break;
    case F_GEMMA3: cf_build_gemma3(c, true); break;
    case F_GPT2: cf_build_gpt2(c); break;
    case F_MIXTRAL: cf_build_mixtral(c); break;
    case F_MINIMAX: cf_build_minimax(c); break;
    case F_GPT_OSS: {
        const cJSON *qc = cJSON_GetObjectItemCaseSensitive(c->root, "quantization_config");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(qc, "quant_method");
        cf_build_gpt_oss(c, cJSON_IsString(m) && strcmp(m->valuestring, "mxfp4") == 0);
        break;
    }
    case F_GLM4_MOE: cf_build_glm4_moe(c); break;
    case F_LLAMA4: cf_build_llama4(c); break;
    case F_DEEPSEEK_V3: cf_build_mla(c, false, NULL); break;
    case F_KIMI_K25: {
        cJSON *eq = kimi_expert_quant(c);
        cf_build_mla(c, false, eq);
        if (eq)
            mp_arch_note(c->a, "the checkpoint keeps the routed experts in int4; mlx-lm loads "
                         "them as affine 4-bit");
        cJSON_Delete(eq);
        mp_arch_note(c->a, "mlx-lm loads the language model only: the vision tower is dropped");
        break;
    }
    case F_DEEPSEEK_V32: cf_build_mla(c, true, NULL); break;
    case F_GLM_LITE: cf_build_mla(c, false, NULL); break;
    case F_QWEN3_NEXT: cf_build_qwen_hybrid(c, true, false); break;
    case F_QWEN3_5: cf_build_qwen_hybrid(c, false, false); break;
    case F_QWEN3_5_MOE: cf_build_qwen_hybrid(c, false, true); break;
    case F_GEMMA4: cf_build_gemma4(c); break;
    case F_MAMBA: cf_build_mamba(c); break;
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

    cf_ctx c = {root, root, a, err, 0, "model", "lm_head"};
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
    cf_read_dtype(&c);
    a->max_position = cf_get_int(&c, "max_position_embeddings", 0, 0, (int64_t)1 << 40);
    rc = build(&c, known ? families[fi].f : F_LLAMA);
    if (rc)
        goto done;
    if (!known)
        mp_arch_note(a, "model_type '%s' is estimated as a llama-style decoder%s", a->model_type,
                     a->mlx_lm_supported ? "" : " (it is not in mlx-lm's model list)");
    rc = cf_read_mlx_quant(&c);
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
