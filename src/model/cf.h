/*
 * cf.h - internals of the config.json reader, shared by config.c (reading
 * keys, emitting tensors, the pieces every layout is made of, dispatch by
 * model_type), config_build.c (one builder per mlx-lm model module) and
 * config_quant.c (the MLX quantization block and the stored dtype).
 * Not a public header: callers use model/arch.h (mp_arch_from_json).
 *
 * Every function takes the reader's state `c`; the first error is kept in
 * c->rc / c->err (cf_fail) and later calls do nothing harmful, so a builder
 * reads and emits straight through and the caller checks c->rc once.
 */
#ifndef MP_MODEL_CF_H
#define MP_MODEL_CF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "model/arch.h"
#include "util/error.h"

enum {
    MAX_LAYERS = 1024,
    MAX_DIM = 1 << 20,          /* hidden, intermediate, head sizes */
    MAX_VOCAB = 1 << 24,
    MAX_EXPERTS = 1 << 14,
    MAX_TENSORS = 1 << 16,
};

typedef struct cf_ctx {
    const cJSON *root;   /* the whole config */
    const cJSON *cfg;    /* where the language model's keys live (text_config or root) */
    mp_arch *a;
    mp_error *err;
    int rc;              /* first error */
    const char *prefix;  /* "model" or "language_model.model" */
    const char *head;    /* "lm_head" or "language_model.lm_head" */
} cf_ctx;

/* ---- reading keys (config.c) ---------------------------------------------------- */

/* `key` in the language model's scope, else the top level; NULL when absent
 * or null. */
const cJSON *cf_item(const cf_ctx *c, const char *key);
/* Record the first error, prefixed with the model's label; returns c->rc. */
int cf_fail(cf_ctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An integer key (cf_item's scope / the top-level object only): `dflt` < 0
 * means required; outside [lo, hi] or not whole is MP_EPARSE naming it. */
int64_t cf_get_int(cf_ctx *c, const char *key, int64_t dflt, int64_t lo, int64_t hi);
int64_t cf_get_root_int(cf_ctx *c, const char *key, int64_t dflt, int64_t lo, int64_t hi);
/* A boolean key, `dflt` when absent; not a boolean is MP_EPARSE. */
bool cf_get_bool(cf_ctx *c, const char *key, bool dflt);
/* A string key, NULL when absent or not a string. */
const char *cf_get_str(const cf_ctx *c, const char *key);

/* ---- emitting tensors (config.c) ---------------------------------------------- */

/* Append one tensor of `n` x (out, in) elements; NULL after an error (over
 * MAX_TENSORS is MP_ELIMIT). */
mp_tensor *cf_add(cf_ctx *c, const char *path, mp_tkind kind, mp_role role, int layer, int64_t n,
                  int64_t out, int64_t in);
/* Block-relative path: "<prefix>.layers.<i>.<name>". */
void cf_lpath(const cf_ctx *c, int layer, const char *name, char *buf, size_t cap);
/* A Linear (out, in) of layer `layer`, with its bias when `bias`. */
mp_tensor *cf_lin(cf_ctx *c, int layer, const char *name, mp_role role, int64_t out, int64_t in,
                  bool bias);
/* A vector of `dim` (layer < 0: `name` is the whole path). */
void cf_vec(cf_ctx *c, int layer, const char *name, mp_tkind kind, int64_t dim);
/* An RMSNorm / LayerNorm weight of `dim`. */
void cf_norm(cf_ctx *c, int layer, const char *name, int64_t dim);
/* embed_tokens, final norm, lm_head (unless tied). */
void cf_top(cf_ctx *c, int64_t vocab, int64_t hidden, bool tied, const char *norm_name);

/* ---- shared pieces (config.c) --------------------------------------------------- */

typedef struct cf_attn_opts {
    bool qkv_bias, o_bias;
    int64_t qk_norm_dim;   /* 0: none; else the q/k norm width (head_dim, or whole projection) */
    int64_t k_norm_dim;    /* when different from q's (minimax); 0 = same as qk_norm_dim */
    bool gated_q;          /* q_proj doubles for an output gate (qwen3_next) */
    bool fused;            /* phi3 qkv_proj */
} cf_attn_opts;

/* The core decoder sizes shared by most modules. */
typedef struct cf_dims {
    int64_t H, I, L, nq, nkv, d, V;
} cf_dims;

/* Grouped-query attention of layer i: q/k/v/o projections (nq and nkv heads
 * of width d over hidden H) and the q/k norms `o` asks for. */
void cf_gqa(cf_ctx *c, int i, int64_t H, int64_t nq, int64_t nkv, int64_t d, cf_attn_opts o);
/* gate/up/down projections under `pre` (H -> I -> H), as a dense or shared MLP. */
void cf_dense_mlp(cf_ctx *c, int i, const char *pre, int64_t H, int64_t I, bool bias);
void cf_shared_mlp(cf_ctx *c, int i, const char *pre, int64_t H, int64_t I);
/* SwitchGLU: gate/up (E, Ie, H), down (E, H, Ie). */
void cf_experts(cf_ctx *c, int i, const char *pre, int64_t E, int64_t H, int64_t Ie, bool bias);
/* A router Linear (E, H), kept at 8 bits when `q8`. */
void cf_router_lin(cf_ctx *c, int i, const char *name, int64_t E, int64_t H, bool bias, bool q8);
/* A router that is a bare array (MoEGate.weight), with its correction bias. */
void cf_router_raw(cf_ctx *c, int i, const char *pre, int64_t E, int64_t H);
/* c->a->layers for `n` layers; MP_ENOMEM recorded on failure. */
int cf_alloc_layers(cf_ctx *c, int64_t n);
/* A full-attention layer caching nkv heads of key width dk and value width dv. */
void cf_set_full(mp_layer *l, int64_t nkv, int64_t dk, int64_t dv);
/* hidden / intermediate / layers / heads / kv heads / vocab, and head_dim
 * (read when `head_dim_key`, else H / nq). */
cf_dims cf_read_dims(cf_ctx *c, bool head_dim_key, int64_t I_dflt);
void cf_record_dims(cf_ctx *c, const cf_dims *d);
/* layer_types[i] == "sliding_attention"; *present: the key exists. */
bool cf_layer_is_sliding(const cf_ctx *c, int i, bool *present);

/* ---- builders (config_build.c): the tensors and layers of one mlx-lm module -- */

void cf_build_llama(cf_ctx *c);
void cf_build_qwen2(cf_ctx *c);
void cf_build_qwen3(cf_ctx *c, bool moe);
void cf_build_phi3(cf_ctx *c);
void cf_build_gemma2(cf_ctx *c);
void cf_build_gemma3(cf_ctx *c, bool wrapper);
void cf_build_gpt2(cf_ctx *c);
void cf_build_mixtral(cf_ctx *c);
void cf_build_minimax(cf_ctx *c);
void cf_build_gpt_oss(cf_ctx *c, bool experts_mxfp4);
void cf_build_glm4_moe(cf_ctx *c);
void cf_build_llama4(cf_ctx *c);
void cf_build_mla(cf_ctx *c, bool indexer, const cJSON *experts_quant);
void cf_build_qwen_hybrid(cf_ctx *c, bool next, bool moe_every_layer);
void cf_build_gemma4(cf_ctx *c);
void cf_build_mamba(cf_ctx *c);

/* ---- quantization and dtype (config_quant.c) ------------------------------------ */

/* The MLX "quantization" block (or its "quantization_config" twin) into
 * a->config_quant and a->qoverrides; MP_EPARSE when the block is invalid. */
int cf_read_mlx_quant(cf_ctx *c);
/* a->dtype from torch_dtype / dtype (bfloat16 assumed, and said, otherwise). */
void cf_read_dtype(cf_ctx *c);

#endif
