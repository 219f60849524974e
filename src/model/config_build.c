/*
 * config_build.c - one builder per mlx-lm model module (cf.h): each reads
 * the keys that module's ModelArgs reads, with the same defaults, and emits
 * the tensors its model class holds after sanitize (see arch.h).  Layouts
 * were taken from mlx_lm/models/<module>.py at the pinned mlx-lm commit; the
 * notes next to each builder name the facts that are easy to get wrong.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kb/kb.h"
#include "model/arch.h"
#include "model/cf.h"
#include "util/text.h"

/* ---- builders ------------------------------------------------------------------ */

/* llama / mistral: head_dim defaults to H/nq, tie_word_embeddings to TRUE
 * (FALSE under mistral3, whose ModelArgs sets it when text_config lacks it),
 * sliding windows only when layer_types says so (a bare sliding_window, as
 * in Mistral 7B v0.1, is ignored by mlx-lm's llama module). */
void cf_build_llama(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, true, -1);
    cf_record_dims(c, &d);
    bool ab = cf_get_bool(c, "attention_bias", false), mb = cf_get_bool(c, "mlp_bias", false);
    bool tied = cf_get_bool(c, "tie_word_embeddings", strcmp(c->a->model_type, "mistral3") != 0);
    int64_t win = cf_get_int(c, "sliding_window", 0, 0, 1 << 30);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    bool present = false, any_sliding = false;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {ab, ab, 0, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_dense_mlp(c, i, "mlp", d.H, d.I, mb);
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        if (cf_layer_is_sliding(c, i, &present) && win > 0) {
            c->a->layers[i].attn = MP_ATTN_SLIDING;
            c->a->layers[i].window = (int)win;
            any_sliding = true;
        }
    }
    c->a->tied_embeddings = tied;
    cf_top(c, d.V, d.H, tied, NULL);
    if (win > 0 && !present && !any_sliding)
        mp_arch_note(c->a, "config sets sliding_window %lld, but mlx-lm's llama module keeps a "
                     "full KV cache on every layer without layer_types", (long long)win);
}

/* qwen2: q/k/v carry biases; head_dim is always H/nq; tie defaults TRUE. */
void cf_build_qwen2(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, false, -1);
    cf_record_dims(c, &d);
    bool tied = cf_get_bool(c, "tie_word_embeddings", true);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {true, false, 0, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_dense_mlp(c, i, "mlp", d.H, d.I, false);
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->tied_embeddings = tied;
    cf_top(c, d.V, d.H, tied, NULL);
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

void cf_build_qwen3(cf_ctx *c, bool moe)
{
    cf_dims d = cf_read_dims(c, true, -1);
    cf_record_dims(c, &d);
    bool tied = cf_get_bool(c, "tie_word_embeddings", false);
    int64_t E = 0, k = 0, Ie = 0, step = 1;
    if (moe) {
        E = cf_get_int(c, "num_experts", -1, 1, MAX_EXPERTS);
        k = cf_get_int(c, "num_experts_per_tok", -1, 1, MAX_EXPERTS);
        Ie = cf_get_int(c, "moe_intermediate_size", -1, 1, MAX_DIM);
        step = cf_get_int(c, "decoder_sparse_step", 1, 1, MAX_LAYERS);
    }
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    const cJSON *mlp_only = cf_item(c, "mlp_only_layers");
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {false, false, d.d, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        bool is_moe = moe && !in_int_list(mlp_only, i) && (i + 1) % step == 0;
        if (is_moe) {
            cf_router_lin(c, i, "mlp.gate", E, d.H, false, true);
            cf_experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
            c->a->n_moe_layers++;
        } else {
            cf_dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = is_moe;
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = tied;
    cf_top(c, d.V, d.H, tied, NULL);
}

/* phi3: fused qkv_proj and gate_up_proj; head_dim is H/nq; untied by default. */
void cf_build_phi3(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, false, -1);
    cf_record_dims(c, &d);
    bool tied = cf_get_bool(c, "tie_word_embeddings", false);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {false, false, 0, 0, false, true};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_lin(c, i, "mlp.gate_up_proj", MP_ROLE_MLP, 2 * d.I, d.H, false);
        cf_lin(c, i, "mlp.down_proj", MP_ROLE_MLP_DOWN, d.H, d.I, false);
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->tied_embeddings = tied;
    cf_top(c, d.V, d.H, tied, NULL);
    if (cf_get_int(c, "sliding_window", 0, 0, 1 << 30) > 0)
        mp_arch_note(c->a, "mlx-lm's phi3 module keeps a full KV cache on every layer "
                     "(the config's sliding_window is not used)");
}

/* gemma2: four norms per block, always tied; mlx-lm keeps a full KV cache on
 * every layer (no sliding window). */
void cf_build_gemma2(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, true, -1);
    cf_record_dims(c, &d);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {false, false, 0, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_dense_mlp(c, i, "mlp", d.H, d.I, false);
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_norm(c, i, "pre_feedforward_layernorm", d.H);
        cf_norm(c, i, "post_feedforward_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->tied_embeddings = true;
    cf_top(c, d.V, d.H, true, NULL);
    mp_arch_note(c->a, "mlx-lm's gemma2 module keeps a full KV cache on every layer");
}

/* gemma3_text (and the gemma3 wrapper's language model): layer i is global
 * when i % sliding_window_pattern == pattern-1, else a rotating cache of
 * sliding_window tokens; tied embeddings (HF checkpoints carry no lm_head). */
void cf_build_gemma3(cf_ctx *c, bool wrapper)
{
    cf_dims d;
    d.H = cf_get_int(c, "hidden_size", 1152, 1, MAX_DIM);
    d.I = cf_get_int(c, "intermediate_size", 6912, 1, MAX_DIM);
    d.L = cf_get_int(c, "num_hidden_layers", 26, 1, MAX_LAYERS);
    d.nq = cf_get_int(c, "num_attention_heads", wrapper ? 8 : 4, 1, 65536);
    d.nkv = cf_get_int(c, "num_key_value_heads", wrapper ? 4 : 1, 1, 65536);
    d.d = cf_get_int(c, "head_dim", 256, 1, MAX_DIM);
    d.V = cf_get_int(c, "vocab_size", 262144, 1, MAX_VOCAB);
    if (wrapper)
        d.V = cf_get_root_int(c, "vocab_size", 262208, 1, MAX_VOCAB);
    int64_t win = cf_get_int(c, "sliding_window", 512, 1, 1 << 30);
    int64_t pat = cf_get_int(c, "sliding_window_pattern", 6, 1, MAX_LAYERS);
    cf_record_dims(c, &d);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {false, false, d.d, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_dense_mlp(c, i, "mlp", d.H, d.I, false);
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_norm(c, i, "pre_feedforward_layernorm", d.H);
        cf_norm(c, i, "post_feedforward_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        if (i % pat != pat - 1) {
            c->a->layers[i].attn = MP_ATTN_SLIDING;
            c->a->layers[i].window = (int)win;
        }
    }
    c->a->tied_embeddings = true;
    cf_top(c, d.V, d.H, true, NULL);
    if (wrapper)
        mp_arch_note(c->a, "mlx-lm loads the language model only: the vision tower is dropped");
}

/* gpt2: LayerNorms with biases, Linear layers with biases, learned positions
 * (wpe), always tied. */
void cf_build_gpt2(cf_ctx *c)
{
    mp_arch *a = c->a;
    int64_t H = cf_get_int(c, "n_embd", -1, 1, MAX_DIM);
    int64_t nq = cf_get_int(c, "n_head", -1, 1, 65536);
    int64_t L = cf_get_int(c, "n_layer", -1, 1, MAX_LAYERS);
    int64_t P = cf_get_int(c, "n_positions", -1, 1, 1 << 24);
    int64_t V = cf_get_int(c, "vocab_size", -1, 1, MAX_VOCAB);
    cf_dims d = {H, 4 * H, L, nq, nq, nq > 0 ? H / nq : 1, V};
    cf_record_dims(c, &d);
    a->max_position = P;
    if (c->rc || cf_alloc_layers(c, L))
        return;
    /* gpt2 blocks live under model.h.<i> */
    for (int i = 0; i < L; i++) {
        char p[112];
        snprintf(p, sizeof p, "model.h.%d.ln_1", i);
        cf_add(c, p, MP_TK_NORM, MP_ROLE_OTHER, i, 1, 2 * H, 1); /* weight + bias */
        snprintf(p, sizeof p, "model.h.%d.attn.c_attn", i);
        cf_add(c, p, MP_TK_LINEAR, MP_ROLE_ATTN, i, 1, 3 * H, H);
        snprintf(p, sizeof p, "model.h.%d.attn.c_attn.bias", i);
        cf_add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, 3 * H, 1);
        snprintf(p, sizeof p, "model.h.%d.attn.c_proj", i);
        cf_add(c, p, MP_TK_LINEAR, MP_ROLE_ATTN, i, 1, H, H);
        snprintf(p, sizeof p, "model.h.%d.attn.c_proj.bias", i);
        cf_add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, H, 1);
        snprintf(p, sizeof p, "model.h.%d.ln_2", i);
        cf_add(c, p, MP_TK_NORM, MP_ROLE_OTHER, i, 1, 2 * H, 1);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_fc", i);
        cf_add(c, p, MP_TK_LINEAR, MP_ROLE_MLP, i, 1, 4 * H, H);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_fc.bias", i);
        cf_add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, 4 * H, 1);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_proj", i);
        cf_add(c, p, MP_TK_LINEAR, MP_ROLE_MLP_DOWN, i, 1, H, 4 * H);
        snprintf(p, sizeof p, "model.h.%d.mlp.c_proj.bias", i);
        cf_add(c, p, MP_TK_BIAS, MP_ROLE_OTHER, i, 1, H, 1);
        cf_set_full(&a->layers[i], nq, d.d, d.d);
    }
    cf_add(c, "model.wte", MP_TK_EMBED, MP_ROLE_EMBED, -1, 1, V, H);
    cf_add(c, "model.wpe", MP_TK_EMBED, MP_ROLE_OTHER, -1, 1, P, H);
    cf_add(c, "model.ln_f", MP_TK_NORM, MP_ROLE_OTHER, -1, 1, 2 * H, 1);
    a->tied_embeddings = true;
}

/* mixtral: every layer MoE, experts sized by intermediate_size; router
 * block_sparse_moe.gate quantized like the rest; head_dim is H/nq. */
void cf_build_mixtral(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, false, 14336);
    cf_record_dims(c, &d);
    int64_t E = cf_get_int(c, "num_local_experts", 8, 1, MAX_EXPERTS);
    int64_t k = cf_get_int(c, "num_experts_per_tok", 2, 1, MAX_EXPERTS);
    bool tied = cf_get_bool(c, "tie_word_embeddings", false);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {false, false, 0, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_router_lin(c, i, "block_sparse_moe.gate", E, d.H, false, false);
        cf_experts(c, i, "block_sparse_moe.switch_mlp", E, d.H, d.I, false);
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = true;
    }
    c->a->n_moe_layers = (int)d.L;
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = d.I;
    c->a->tied_embeddings = tied;
    cf_top(c, d.V, d.H, tied, NULL);
}

/* minimax (MiniMax-M2): every layer MoE; q_norm/k_norm span the whole
 * projection; router block_sparse_moe.gate at 8 bits; a correction bias. */
void cf_build_minimax(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, true, -1);
    cf_record_dims(c, &d);
    int64_t E = cf_get_int(c, "num_local_experts", -1, 1, MAX_EXPERTS);
    int64_t k = cf_get_int(c, "num_experts_per_tok", -1, 1, MAX_EXPERTS);
    bool qkn = cf_get_bool(c, "use_qk_norm", true);
    bool tied = cf_get_bool(c, "tie_word_embeddings", false);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {false, false, qkn ? d.nq * d.d : 0, qkn ? d.nkv * d.d : 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_router_lin(c, i, "block_sparse_moe.gate", E, d.H, false, true);
        char p[112];
        cf_lpath(c, i, "block_sparse_moe.e_score_correction_bias", p, sizeof p);
        mp_tensor *t = cf_add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, E, 1);
        if (t)
            t->keep_f32 = true;
        cf_experts(c, i, "block_sparse_moe.switch_mlp", E, d.H, d.I, false);
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = true;
    }
    c->a->n_moe_layers = (int)d.L;
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = d.I;
    c->a->tied_embeddings = tied;
    cf_top(c, d.V, d.H, tied, NULL);
}

/* gpt_oss: attention sinks, biases everywhere, router at 8 bits, experts
 * with biases; the HF checkpoint stores the experts in MXFP4, and mlx-lm
 * keeps them so (they are never re-quantized); alternating sliding layers. */
void cf_build_gpt_oss(cf_ctx *c, bool experts_mxfp4)
{
    cf_dims d;
    d.H = cf_get_int(c, "hidden_size", 2880, 1, MAX_DIM);
    d.I = cf_get_int(c, "intermediate_size", 2880, 1, MAX_DIM);
    d.L = cf_get_int(c, "num_hidden_layers", 36, 1, MAX_LAYERS);
    d.nq = cf_get_int(c, "num_attention_heads", 64, 1, 65536);
    d.nkv = cf_get_int(c, "num_key_value_heads", 8, 1, 65536);
    d.d = cf_get_int(c, "head_dim", 64, 1, MAX_DIM);
    d.V = cf_get_int(c, "vocab_size", 201088, 1, MAX_VOCAB);
    cf_record_dims(c, &d);
    int64_t E = cf_get_int(c, "num_local_experts", 128, 1, MAX_EXPERTS);
    int64_t k = cf_get_int(c, "num_experts_per_tok", 4, 1, MAX_EXPERTS);
    int64_t win = cf_get_int(c, "sliding_window", 128, 1, 1 << 30);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    mp_quant mx = {MP_Q_MXFP4, 4, 32, MP_RECIPE_NONE, MP_DT_BF16};
    for (int i = 0; i < d.L; i++) {
        cf_vec(c, i, "self_attn.sinks", MP_TK_RAW, d.nq);
        cf_attn_opts o = {true, true, 0, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        cf_router_lin(c, i, "mlp.router", E, d.H, true, true);
        size_t first = c->a->n_tensors;
        cf_experts(c, i, "mlp.experts", E, d.H, d.I, true);
        for (size_t t = first; experts_mxfp4 && t < c->a->n_tensors; t++)
            if (c->a->tensors[t].kind == MP_TK_SWITCH) {
                c->a->tensors[t].fixed = true;
                c->a->tensors[t].fixed_q = mx;
            }
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        c->a->layers[i].moe = true;
        bool present = false;
        bool sliding = cf_layer_is_sliding(c, i, &present);
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
    cf_top(c, d.V, d.H, false, NULL);
    if (experts_mxfp4)
        mp_arch_note(c->a, "the checkpoint stores the experts in MXFP4; mlx-lm keeps them in that "
                     "format whatever --quant says");
}

/* glm4_moe (GLM-4.5): MoE from first_k_dense_replace on; the router is a bare
 * array (never quantized); shared experts; lm_head always present. */
void cf_build_glm4_moe(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, true, -1);
    cf_record_dims(c, &d);
    int64_t E = cf_get_int(c, "n_routed_experts", -1, 1, MAX_EXPERTS);
    int64_t k = cf_get_int(c, "num_experts_per_tok", -1, 1, MAX_EXPERTS);
    int64_t Ie = cf_get_int(c, "moe_intermediate_size", -1, 1, MAX_DIM);
    int64_t ns = cf_get_int(c, "n_shared_experts", 0, 0, MAX_EXPERTS);
    int64_t fk = cf_get_int(c, "first_k_dense_replace", 0, 0, MAX_LAYERS);
    bool ab = cf_get_bool(c, "attention_bias", false), qkn = cf_get_bool(c, "use_qk_norm", false);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {ab, false, qkn ? d.d : 0, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        if (i >= fk) {
            cf_router_raw(c, i, "mlp.gate", E, d.H);
            cf_experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
            if (ns)
                cf_shared_mlp(c, i, "mlp.shared_experts", d.H, Ie * ns);
            c->a->layers[i].moe = true;
            c->a->n_moe_layers++;
        } else {
            cf_dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = false;
    cf_top(c, d.V, d.H, false, NULL);
}

/* llama4: the language model under language_model.; MoE every
 * interleave_moe_layer_step-th layer with a shared expert; chunked
 * attention on three of four layers. */
void cf_build_llama4(cf_ctx *c)
{
    cf_dims d = cf_read_dims(c, true, -1);
    cf_record_dims(c, &d);
    int64_t E = cf_get_int(c, "num_local_experts", -1, 1, MAX_EXPERTS);
    int64_t k = cf_get_int(c, "num_experts_per_tok", 1, 1, MAX_EXPERTS);
    int64_t step = cf_get_int(c, "interleave_moe_layer_step", 1, 1, MAX_LAYERS);
    int64_t Imlp = cf_get_int(c, "intermediate_size_mlp", d.I, 1, MAX_DIM);
    int64_t chunk = cf_get_int(c, "attention_chunk_size", 8192, 1, 1 << 30);
    bool ab = cf_get_bool(c, "attention_bias", false);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    for (int i = 0; i < d.L; i++) {
        cf_attn_opts o = {ab, ab, 0, 0, false, false};
        cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
        if (i % step == step - 1) {
            cf_router_lin(c, i, "feed_forward.router", E, d.H, false, false);
            cf_experts(c, i, "feed_forward.experts", E, d.H, d.I, false);
            cf_shared_mlp(c, i, "feed_forward.shared_expert", d.H, d.I);
            c->a->layers[i].moe = true;
            c->a->n_moe_layers++;
        } else {
            cf_dense_mlp(c, i, "feed_forward", d.H, Imlp, false);
        }
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        cf_set_full(&c->a->layers[i], d.nkv, d.d, d.d);
        if ((i + 1) % 4 != 0) {
            c->a->layers[i].attn = MP_ATTN_CHUNKED;
            c->a->layers[i].window = (int)chunk;
        }
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = d.I;
    c->a->tied_embeddings = false;
    cf_top(c, d.V, d.H, false, NULL);
    mp_arch_note(c->a, "mlx-lm loads the language model only: the vision model is dropped");
}

/* DeepSeek-style multi-head latent attention (deepseek_v3, kimi_k2,
 * kimi_k25, glm4_moe_lite, deepseek_v32, glm_moe_dsa).  mlx-lm splits
 * kv_b_proj into embed_q (nq, R, Dn) and unembed_out (nq, Dv, R) and caches
 * the latent (R) plus the rotary key (Dr) per token: 576 values for V3.
 * The v32 family adds the lightning indexer and caches its keys too.
 * MTP layers (num_nextn_predict_layers) are dropped by sanitize. */
void cf_build_mla(cf_ctx *c, bool indexer, const cJSON *experts_quant)
{
    cf_dims d;
    d.H = cf_get_int(c, "hidden_size", 4096, 1, MAX_DIM);
    d.I = cf_get_int(c, "intermediate_size", 11008, 1, MAX_DIM);
    d.L = cf_get_int(c, "num_hidden_layers", 30, 1, MAX_LAYERS);
    d.nq = cf_get_int(c, "num_attention_heads", 32, 1, 65536);
    d.nkv = d.nq;
    d.V = cf_get_int(c, "vocab_size", 102400, 1, MAX_VOCAB);
    int64_t Ie = cf_get_int(c, "moe_intermediate_size", 1407, 1, MAX_DIM);
    int64_t E = cf_get_int(c, "n_routed_experts", 0, 0, MAX_EXPERTS);
    int64_t k = cf_get_int(c, "num_experts_per_tok", 1, 1, MAX_EXPERTS);
    int64_t ns = cf_get_int(c, "n_shared_experts", 0, 0, MAX_EXPERTS);
    int64_t fk = cf_get_int(c, "first_k_dense_replace", 0, 0, MAX_LAYERS);
    int64_t freq = cf_get_int(c, "moe_layer_freq", 1, 1, MAX_LAYERS);
    int64_t R = cf_get_int(c, "kv_lora_rank", 512, 1, MAX_DIM);
    int64_t Rq = cf_get_int(c, "q_lora_rank", 1536, 0, MAX_DIM);
    int64_t Dr = cf_get_int(c, "qk_rope_head_dim", 64, 1, MAX_DIM);
    int64_t Dn = cf_get_int(c, "qk_nope_head_dim", 128, 1, MAX_DIM);
    int64_t Dv = cf_get_int(c, "v_head_dim", 128, 1, MAX_DIM);
    bool ab = cf_get_bool(c, "attention_bias", false);
    int64_t Di = 0, Ni = 0;
    if (indexer) {
        Di = cf_get_int(c, "index_head_dim", 128, 1, MAX_DIM);
        Ni = cf_get_int(c, "index_n_heads", 64, 1, 65536);
    }
    /* an explicit null means a plain q_proj; an absent key is ModelArgs'
     * default, 1536 (deepseek_v3.py) */
    const cJSON *rq = cJSON_GetObjectItemCaseSensitive(c->cfg, "q_lora_rank");
    if (cJSON_IsNull(rq) && !indexer)
        Rq = 0;
    d.d = Dn + Dr;
    cf_record_dims(c, &d);
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    int64_t Dqk = Dn + Dr;
    for (int i = 0; i < d.L; i++) {
        if (Rq > 0) {
            cf_lin(c, i, "self_attn.q_a_proj", MP_ROLE_ATTN, Rq, d.H, ab);
            cf_norm(c, i, "self_attn.q_a_layernorm", Rq);
            cf_lin(c, i, "self_attn.q_b_proj", MP_ROLE_ATTN, d.nq * Dqk, Rq, false);
        } else {
            cf_lin(c, i, "self_attn.q_proj", MP_ROLE_ATTN, d.nq * Dqk, d.H, false);
        }
        cf_lin(c, i, "self_attn.kv_a_proj_with_mqa", MP_ROLE_ATTN, R + Dr, d.H, ab);
        cf_norm(c, i, "self_attn.kv_a_layernorm", R);
        char p[112];
        cf_lpath(c, i, "self_attn.embed_q", p, sizeof p);
        cf_add(c, p, MP_TK_MULTI, MP_ROLE_ATTN, i, d.nq, R, Dn);
        cf_lpath(c, i, "self_attn.unembed_out", p, sizeof p);
        cf_add(c, p, MP_TK_MULTI, MP_ROLE_ATTN, i, d.nq, Dv, R);
        cf_lin(c, i, "self_attn.o_proj", MP_ROLE_ATTN, d.H, d.nq * Dv, ab);
        if (indexer) {
            cf_lin(c, i, "self_attn.indexer.wq_b", MP_ROLE_ATTN, Ni * Di, Rq, false);
            cf_lin(c, i, "self_attn.indexer.wk", MP_ROLE_ATTN, Di, d.H, false);
            cf_norm(c, i, "self_attn.indexer.k_norm", 2 * Di); /* LayerNorm weight + bias */
            cf_lin(c, i, "self_attn.indexer.weights_proj", MP_ROLE_ATTN, Ni, d.H, false);
        }
        bool is_moe = E > 0 && i >= fk && i % freq == 0;
        if (is_moe) {
            cf_router_raw(c, i, "mlp.gate", E, d.H);
            size_t first = c->a->n_tensors;
            cf_experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
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
                cf_shared_mlp(c, i, "mlp.shared_experts", d.H, Ie * ns);
            c->a->layers[i].moe = true;
            c->a->n_moe_layers++;
        } else {
            cf_dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
        c->a->layers[i].attn = MP_ATTN_LATENT;
        c->a->layers[i].kv_elems = R + Dr + Di;
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = E ? k : 0;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = false;
    cf_top(c, d.V, d.H, false, NULL);
    if (cf_get_int(c, "num_nextn_predict_layers", 0, 0, MAX_LAYERS) > 0)
        mp_arch_note(c->a, "mlx-lm drops the multi-token-prediction layer of the checkpoint");
}

/* Gated DeltaNet hybrids (qwen3_next, qwen3_5, qwen3_5_moe): linear layers
 * keep a fixed state (conv state in the activation dtype, recurrent state
 * in float32) instead of a KV cache; every full_attention_interval-th layer
 * is full attention with a gated q_proj. */
void cf_build_qwen_hybrid(cf_ctx *c, bool next, bool moe_every_layer)
{
    cf_dims d = cf_read_dims(c, true, next ? -1 : 14336);
    cf_record_dims(c, &d);
    int64_t hk = cf_get_int(c, "linear_num_key_heads", 16, 1, 65536);
    int64_t hv = cf_get_int(c, "linear_num_value_heads", next ? -1 : 64, 1, 65536);
    int64_t dk = cf_get_int(c, "linear_key_head_dim", next ? -1 : 192, 1, MAX_DIM);
    int64_t dv = cf_get_int(c, "linear_value_head_dim", next ? -1 : 128, 1, MAX_DIM);
    int64_t kc = cf_get_int(c, "linear_conv_kernel_dim", 4, 1, 64);
    int64_t interval = cf_get_int(c, "full_attention_interval", 4, 1, MAX_LAYERS);
    int64_t E = cf_get_int(c, "num_experts", 0, 0, MAX_EXPERTS);
    int64_t k = cf_get_int(c, "num_experts_per_tok", 0, 0, MAX_EXPERTS);
    int64_t Ie = cf_get_int(c, "moe_intermediate_size", 0, 0, MAX_DIM);
    int64_t Is = cf_get_int(c, "shared_expert_intermediate_size", 0, 0, MAX_DIM);
    int64_t step = cf_get_int(c, "decoder_sparse_step", 1, 1, MAX_LAYERS);
    bool ab = cf_get_bool(c, "attention_bias", false);
    bool tied = cf_get_bool(c, "tie_word_embeddings", false);
    if (!next) {
        /* qwen3_5 reads tie_word_embeddings from text_config only */
        const cJSON *tc = c->cfg != c->root ? cJSON_GetObjectItemCaseSensitive(c->cfg,
                                                                              "tie_word_embeddings")
                                            : NULL;
        tied = cJSON_IsTrue(tc);
    }
    if (c->rc || cf_alloc_layers(c, d.L))
        return;
    int64_t Kd = hk * dk, Vd = hv * dv, conv = 2 * Kd + Vd;
    const cJSON *mlp_only = next ? cf_item(c, "mlp_only_layers") : NULL;
    for (int i = 0; i < d.L; i++) {
        mp_layer *l = &c->a->layers[i];
        if ((i + 1) % interval != 0) {
            if (next) {
                cf_lin(c, i, "linear_attn.in_proj_qkvz", MP_ROLE_LINATTN, 2 * Kd + 2 * Vd, d.H, false);
                cf_lin(c, i, "linear_attn.in_proj_ba", MP_ROLE_LINATTN, 2 * hv, d.H, false);
            } else {
                cf_lin(c, i, "linear_attn.in_proj_qkv", MP_ROLE_LINATTN, 2 * Kd + Vd, d.H, false);
                cf_lin(c, i, "linear_attn.in_proj_z", MP_ROLE_LINATTN, Vd, d.H, false);
                cf_lin(c, i, "linear_attn.in_proj_b", MP_ROLE_LINATTN, hv, d.H, false);
                cf_lin(c, i, "linear_attn.in_proj_a", MP_ROLE_LINATTN, hv, d.H, false);
            }
            char p[112];
            cf_lpath(c, i, "linear_attn.conv1d", p, sizeof p);
            cf_add(c, p, MP_TK_CONV, MP_ROLE_OTHER, i, 1, conv, kc);
            cf_vec(c, i, "linear_attn.dt_bias", MP_TK_RAW, hv);
            cf_lpath(c, i, "linear_attn.A_log", p, sizeof p);
            mp_tensor *t = cf_add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, hv, 1);
            if (t && !next)
                t->keep_f32 = true;
            cf_norm(c, i, "linear_attn.norm", dv);
            cf_lin(c, i, "linear_attn.out_proj", MP_ROLE_LINATTN, d.H, Vd, false);
            l->attn = MP_ATTN_LINEAR;
            l->state_act_elems = (kc - 1) * conv;
            l->state_f32_elems = hv * dv * dk;
        } else {
            cf_attn_opts o = {ab, ab, d.d, 0, true, false};
            cf_gqa(c, i, d.H, d.nq, d.nkv, d.d, o);
            cf_set_full(l, d.nkv, d.d, d.d);
        }
        bool is_moe = E > 0 && (moe_every_layer || (!in_int_list(mlp_only, i) &&
                                                    (i + 1) % step == 0));
        if (is_moe) {
            cf_router_lin(c, i, "mlp.gate", E, d.H, false, true);
            cf_experts(c, i, "mlp.switch_mlp", E, d.H, Ie, false);
            if (Is) {
                cf_shared_mlp(c, i, "mlp.shared_expert", d.H, Is);
                cf_router_lin(c, i, "mlp.shared_expert_gate", 1, d.H, false, true);
            }
            l->moe = true;
            c->a->n_moe_layers++;
        } else {
            cf_dense_mlp(c, i, "mlp", d.H, d.I, false);
        }
        cf_norm(c, i, "input_layernorm", d.H);
        cf_norm(c, i, "post_attention_layernorm", d.H);
    }
    c->a->n_experts = E;
    c->a->experts_per_tok = k;
    c->a->moe_intermediate = Ie;
    c->a->tied_embeddings = tied;
    cf_top(c, d.V, d.H, tied, NULL);
    if (!next)
        mp_arch_note(c->a, "mlx-lm loads the language model only: the vision tower and the "
                     "multi-token-prediction layer are dropped");
}

/* gemma4: per-layer head sizes (full layers may use global_head_dim and
 * shared K=V), KV sharing for the last num_kv_shared_layers, optional
 * per-layer input embeddings and a parallel MoE block. */
void cf_build_gemma4(cf_ctx *c)
{
    mp_arch *a = c->a;
    int64_t H = cf_get_int(c, "hidden_size", 1536, 1, MAX_DIM);
    int64_t L = cf_get_int(c, "num_hidden_layers", 35, 1, MAX_LAYERS);
    int64_t I = cf_get_int(c, "intermediate_size", 6144, 1, MAX_DIM);
    int64_t nq = cf_get_int(c, "num_attention_heads", 8, 1, 65536);
    int64_t D = cf_get_int(c, "head_dim", 256, 1, MAX_DIM);
    int64_t Dg = cf_get_int(c, "global_head_dim", 512, 0, MAX_DIM);
    int64_t nkv = cf_get_int(c, "num_key_value_heads", 1, 1, 65536);
    int64_t nkv_g = cf_get_int(c, "num_global_key_value_heads", 0, 0, 65536);
    int64_t shared = cf_get_int(c, "num_kv_shared_layers", 20, 0, MAX_LAYERS);
    int64_t Hp = cf_get_int(c, "hidden_size_per_layer_input", 256, 0, MAX_DIM);
    int64_t Vp = cf_get_int(c, "vocab_size_per_layer_input", 262144, 1, MAX_VOCAB);
    int64_t win = cf_get_int(c, "sliding_window", 512, 1, 1 << 30);
    int64_t pat = cf_get_int(c, "sliding_window_pattern", 5, 1, MAX_LAYERS);
    bool keqv = cf_get_bool(c, "attention_k_eq_v", false);
    bool dbl = cf_get_bool(c, "use_double_wide_mlp", true);
    bool moe = cf_get_bool(c, "enable_moe_block", false);
    int64_t E = moe ? cf_get_int(c, "num_experts", -1, 1, MAX_EXPERTS) : 0;
    int64_t k = moe ? cf_get_int(c, "top_k_experts", -1, 1, MAX_EXPERTS) : 0;
    int64_t Ie = moe ? cf_get_int(c, "moe_intermediate_size", -1, 1, MAX_DIM) : 0;
    bool tied = cf_get_bool(c, "tie_word_embeddings", true);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->root, "vocab_size");
    int64_t V = cJSON_IsNumber(v) && c->cfg != c->root
                    ? cf_get_root_int(c, "vocab_size", 262144, 1, MAX_VOCAB)
                    : cf_get_int(c, "vocab_size", 262144, 1, MAX_VOCAB);
    cf_dims d = {H, I, L, nq, nkv, D, V};
    cf_record_dims(c, &d);
    if (shared > L)
        shared = 0;
    int64_t F = L - shared;
    if (c->rc || cf_alloc_layers(c, L))
        return;
    const cJSON *lt = cf_item(c, "layer_types");
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
        cf_lin(c, i, "self_attn.q_proj", MP_ROLE_ATTN, nq * Di, H, false);
        if (has_kv) {
            cf_lin(c, i, "self_attn.k_proj", MP_ROLE_ATTN, nkv_i * Di, H, false);
            if (!kv_eq)
                cf_lin(c, i, "self_attn.v_proj", MP_ROLE_ATTN_V, nkv_i * Di, H, false);
        }
        cf_lin(c, i, "self_attn.o_proj", MP_ROLE_ATTN, H, nq * Di, false);
        cf_norm(c, i, "self_attn.q_norm", Di);
        if (has_kv)
            cf_norm(c, i, "self_attn.k_norm", Di);
        cf_dense_mlp(c, i, "mlp", H, Ii, false);
        cf_norm(c, i, "input_layernorm", H);
        cf_norm(c, i, "post_attention_layernorm", H);
        cf_norm(c, i, "pre_feedforward_layernorm", H);
        cf_norm(c, i, "post_feedforward_layernorm", H);
        if (moe) {
            cf_router_lin(c, i, "router.proj", E, H, false, true);
            cf_vec(c, i, "router.scale", MP_TK_RAW, H);
            cf_vec(c, i, "router.per_expert_scale", MP_TK_RAW, E);
            cf_experts(c, i, "experts.switch_glu", E, H, Ie, false);
            cf_norm(c, i, "post_feedforward_layernorm_1", H);
            cf_norm(c, i, "post_feedforward_layernorm_2", H);
            cf_norm(c, i, "pre_feedforward_layernorm_2", H);
            a->layers[i].moe = true;
            a->n_moe_layers++;
        }
        if (Hp > 0) {
            cf_lin(c, i, "per_layer_input_gate", MP_ROLE_OTHER, Hp, H, false);
            cf_lin(c, i, "per_layer_projection", MP_ROLE_OTHER, H, Hp, false);
            cf_norm(c, i, "post_per_layer_input_norm", H);
        }
        cf_vec(c, i, "layer_scalar", MP_TK_RAW, 1);
        mp_layer *l = &a->layers[i];
        if (!has_kv) {
            l->attn = MP_ATTN_SHARED;
        } else {
            cf_set_full(l, nkv_i, Di, Di);
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
    cf_top(c, V, H, tied, NULL);
    if (Hp > 0) {
        char p[112];
        snprintf(p, sizeof p, "%s.embed_tokens_per_layer", c->prefix);
        cf_add(c, p, MP_TK_EMBED, MP_ROLE_OTHER, -1, 1, Vp, L * Hp);
        snprintf(p, sizeof p, "%s.per_layer_model_projection", c->prefix);
        cf_add(c, p, MP_TK_LINEAR, MP_ROLE_OTHER, -1, 1, L * Hp, H);
        snprintf(p, sizeof p, "%s.per_layer_projection_norm", c->prefix);
        cf_add(c, p, MP_TK_NORM, MP_ROLE_OTHER, -1, 1, Hp, 1);
    }
    mp_arch_note(a, "mlx-lm loads the language model only: vision and audio towers are dropped");
}

/* mamba (and falcon_mamba): a pure SSM, fixed state per layer. */
void cf_build_mamba(cf_ctx *c)
{
    mp_arch *a = c->a;
    int64_t H = cf_get_int(c, "hidden_size", -1, 1, MAX_DIM);
    int64_t I = cf_get_int(c, "intermediate_size", -1, 1, MAX_DIM);
    int64_t N = cf_get_int(c, "state_size", -1, 1, MAX_DIM);
    int64_t L = cf_get_int(c, "num_hidden_layers", -1, 1, MAX_LAYERS);
    int64_t kc = cf_get_int(c, "conv_kernel", 4, 1, 64);
    int64_t V = cf_get_int(c, "vocab_size", -1, 1, MAX_VOCAB);
    bool use_bias = cf_get_bool(c, "use_bias", false), conv_bias = cf_get_bool(c, "use_conv_bias", true);
    bool tied = cf_get_bool(c, "tie_word_embeddings", true);
    const cJSON *tr = cf_item(c, "time_step_rank");
    int64_t R = (H + 15) / 16;
    if (cJSON_IsNumber(tr))
        R = cf_get_int(c, "time_step_rank", 1, 1, MAX_DIM);
    cf_dims d = {H, I, L, 1, 1, 1, V};
    cf_record_dims(c, &d);
    if (c->rc || cf_alloc_layers(c, L))
        return;
    for (int i = 0; i < L; i++) {
        cf_norm(c, i, "norm", H);
        cf_lin(c, i, "mixer.in_proj", MP_ROLE_LINATTN, 2 * I, H, use_bias);
        char p[112];
        cf_lpath(c, i, "mixer.conv1d", p, sizeof p);
        cf_add(c, p, MP_TK_CONV, MP_ROLE_OTHER, i, 1, I, kc);
        if (conv_bias)
            cf_vec(c, i, "mixer.conv1d.bias", MP_TK_BIAS, I);
        cf_lin(c, i, "mixer.x_proj", MP_ROLE_LINATTN, R + 2 * N, I, false);
        cf_lin(c, i, "mixer.dt_proj", MP_ROLE_LINATTN, I, R, true);
        cf_lpath(c, i, "mixer.A_log", p, sizeof p);
        cf_add(c, p, MP_TK_RAW, MP_ROLE_OTHER, i, 1, I, N);
        cf_vec(c, i, "mixer.D", MP_TK_RAW, I);
        cf_lin(c, i, "mixer.out_proj", MP_ROLE_LINATTN, H, I, use_bias);
        a->layers[i].attn = MP_ATTN_LINEAR;
        a->layers[i].state_act_elems = (kc - 1) * I + I * N;
    }
    cf_add(c, "backbone.embeddings", MP_TK_EMBED, MP_ROLE_EMBED, -1, 1, V, H);
    cf_add(c, "backbone.norm_f", MP_TK_NORM, MP_ROLE_OTHER, -1, 1, H, 1);
    if (!tied)
        cf_add(c, "lm_head", MP_TK_LINEAR, MP_ROLE_HEAD, -1, 1, V, H);
    a->tied_embeddings = tied;
}

