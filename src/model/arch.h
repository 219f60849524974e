/*
 * arch.h - one description for every model: the tensors mlx-lm holds after
 * loading (names, shapes, kinds), the per-layer attention and cache layout,
 * and the quantization recorded in config.json.
 *
 * Built from a Hugging Face config.json (registry entry, file or folder) by
 * mp_arch_from_json().  The tensor list follows mlx-lm's model classes at the
 * pinned version (mlx_lm/models/<type>.py after sanitize): experts stacked,
 * MLA's kv_b_proj split into embed_q / unembed_out, vision towers and
 * multi-token-prediction layers dropped, lm_head absent when embeddings are
 * tied.  Every memory and speed figure is a sum over this list, so the
 * estimators never special-case a model family.
 *
 * Ownership: an mp_arch owns its arrays; release with mp_arch_release().
 */
#ifndef MP_MODEL_ARCH_H
#define MP_MODEL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/quant.h"
#include "util/error.h"

typedef enum mp_tkind {
    MP_TK_LINEAR,  /* nn.Linear weight (out, in): quantizable */
    MP_TK_EMBED,   /* nn.Embedding weight (rows, dim): quantizable */
    MP_TK_SWITCH,  /* SwitchLinear expert stack (n, out, in): quantizable */
    MP_TK_MULTI,   /* MultiLinear per-head stack (n, out, in): quantizable */
    MP_TK_NORM,    /* norm weight (and LayerNorm bias): float */
    MP_TK_BIAS,    /* a Linear's bias: float */
    MP_TK_CONV,    /* depthwise conv weight: float */
    MP_TK_RAW,     /* bare array (sinks, A_log, dt_bias, router vectors): float */
} mp_tkind;

/* What a tensor does, for mixed recipes, LoRA targets and MoE activity. */
typedef enum mp_role {
    MP_ROLE_ATTN,        /* q/k/o projections, MLA projections */
    MP_ROLE_ATTN_V,      /* v_proj (high bits in mixed recipes) */
    MP_ROLE_MLP,         /* dense MLP gate/up */
    MP_ROLE_MLP_DOWN,    /* dense MLP down_proj (high bits in mixed recipes) */
    MP_ROLE_EXPERT,      /* routed expert gate/up */
    MP_ROLE_EXPERT_DOWN, /* routed expert down */
    MP_ROLE_SHARED,      /* shared expert (always active) */
    MP_ROLE_SHARED_DOWN,
    MP_ROLE_ROUTER,      /* router / gate */
    MP_ROLE_LINATTN,     /* linear-attention (Gated DeltaNet, SSM) projections */
    MP_ROLE_EMBED,       /* token embedding */
    MP_ROLE_HEAD,        /* lm_head */
    MP_ROLE_OTHER,       /* norms, biases, raw arrays, per-layer inputs */
} mp_role;

typedef struct mp_tensor {
    char path[112];     /* mlx-lm module path without ".weight": "model.layers.3.mlp.down_proj" */
    mp_tkind kind;
    mp_role role;
    int layer;          /* block index, -1 for top-level tensors */
    int64_t n;          /* stacked copies (experts, heads); 1 otherwise */
    int64_t out, in;    /* matrix shape; vectors have in == 1 */
    bool q8_override;   /* the model's quant_predicate puts it at 8 bits, group 64 */
    bool fixed;         /* stored quantized in the checkpoint whatever the user asks */
    mp_quant fixed_q;   /* that format, when `fixed` */
    bool keep_f32;      /* kept in float32 (not cast with the model) */
} mp_tensor;

typedef enum mp_attn_kind {
    MP_ATTN_FULL,     /* KVCache: grows with the context */
    MP_ATTN_SLIDING,  /* RotatingKVCache(max_size = window) */
    MP_ATTN_CHUNKED,  /* ChunkedKVCache(chunk) (llama4) */
    MP_ATTN_LATENT,   /* MLA: caches a compressed latent, not per-head K/V */
    MP_ATTN_LINEAR,   /* Gated DeltaNet / SSM: fixed-size state */
    MP_ATTN_SHARED,   /* reuses another layer's cache (gemma4 KV sharing) */
} mp_attn_kind;

typedef struct mp_layer {
    mp_attn_kind attn;
    int window;              /* sliding window or chunk size, tokens */
    int64_t kv_elems;        /* cached elements per token (K + V, or latent) */
    int64_t state_act_elems; /* fixed state in the activation dtype (conv state) */
    int64_t state_f32_elems; /* fixed state in float32 (recurrent state) */
    bool moe;                /* this block's MLP is a mixture of experts */
} mp_layer;

#define MP_ARCH_MAX_NOTES 8
/* Per-path entries kept from a "quantization" block: mlx-lm records one per
 * quantized module for mixed recipes (hundreds in a large model). */
#define MP_ARCH_MAX_QOVR (1 << 16)

/* A per-path override from a config "quantization" block. */
typedef struct mp_qoverride {
    char path[112];
    bool quantized;          /* false: path left in float */
    mp_quant q;
} mp_qoverride;

typedef struct mp_arch {
    char id[160];            /* what the user named ("Qwen/Qwen3-8B", a path) */
    char model_type[48];     /* config model_type */
    char module[48];         /* the mlx-lm module that loads it (after remapping) */
    bool mlx_lm_supported;   /* module is in mlx-lm's models list */
    bool own_cache;          /* the module defines make_cache(): max_kv_size is ignored */

    int64_t hidden, intermediate, n_layers, n_heads, n_kv_heads, head_dim, vocab;
    int64_t max_position;
    bool tied_embeddings;
    mp_dtype dtype;          /* float dtype of the weights */
    bool dtype_assumed;      /* config had no dtype (float32 assumed: the stored
                              * weights) or an unknown one (bfloat16 assumed) */
    bool checkpoint_fp8;     /* the published weights are FP8 (quantization_config) */

    /* mixture of experts (0 when dense) */
    int64_t n_experts, experts_per_tok, moe_intermediate;
    int n_moe_layers;

    /* the tensors and layers */
    mp_tensor *tensors;
    size_t n_tensors, cap_tensors;
    mp_layer *layers;        /* n_layers entries */

    /* quantization recorded in config.json ("quantization" block of an
     * MLX-converted model), when any */
    bool has_config_quant;
    mp_quant config_quant;
    int n_qoverrides;
    mp_qoverride *qoverrides; /* sorted by path, one per path; owned */

    int n_notes;             /* facts the estimate should mention */
    char notes[MP_ARCH_MAX_NOTES][200];
} mp_arch;

/* Parse a config.json text into `a`.  `id` labels the model in messages.
 * Errors: MP_EPARSE for malformed JSON or a missing/invalid required key
 * (the message names the key and value), MP_EUNSUPPORTED for a model_type
 * whose layout is unknown.  On error `a` holds nothing to release. */
int mp_arch_from_json(const char *json, size_t len, const char *id, mp_arch *a, mp_error *err);

void mp_arch_release(mp_arch *a);

/* Parameter counts (elements, as mlx-lm's get_total_parameters counts
 * them: a quantized matrix counts its original elements). */
double mp_arch_params(const mp_arch *a);
/* Parameters read per generated token at batch 1 (routed experts scaled by
 * experts_per_tok / n_experts). */
double mp_arch_active_params(const mp_arch *a);

/* The storage format of tensor `t` when the model is converted with `q`
 * (applies a recipe, the model's 8-bit overrides, fixed formats and the
 * config's per-path overrides).  MP_Q_FLOAT for tensors that stay float. */
mp_quant mp_arch_tensor_format(const mp_arch *a, const mp_tensor *t, const mp_quant *q);

/* Exact bytes of tensor `t` stored in format `q` (see mp_arch_tensor_format). */
double mp_arch_tensor_bytes(const mp_arch *a, const mp_tensor *t, const mp_quant *q);

/* Total weight bytes under `q`; `active_bytes` (may be NULL) receives the
 * bytes read per token at batch 1. */
double mp_arch_weight_bytes(const mp_arch *a, const mp_quant *q, double *active_bytes);

/* The format an unconverted load of this model has: the config's
 * quantization block when present, else its float dtype. */
mp_quant mp_arch_native_quant(const mp_arch *a);

/* 0 if mlx-lm can convert model `a` to format `q`; else MP_EINVAL with a
 * one-line reason in err.  A mixed recipe needs a down_proj tensor
 * (mlx_lm.convert's predicate builder raises "Model does not have expected
 * keys for mixed quant." otherwise, e.g. on gpt2). */
int mp_arch_check_quant(const mp_arch *a, const mp_quant *q, mp_error *err);

/* The config's per-path quantization entry for module `path`
 * ("model.layers.0.mlp.down_proj"), or NULL when it has none. */
const mp_qoverride *mp_arch_qoverride(const mp_arch *a, const char *path);

/* Append a note (silently dropped beyond MP_ARCH_MAX_NOTES). */
void mp_arch_note(mp_arch *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
