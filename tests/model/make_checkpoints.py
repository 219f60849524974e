#!/usr/bin/env python3
"""make_checkpoints.py - small model folders for the parity test (test_parity.c).

    make_checkpoints.py OUT_DIR

writes OUT_DIR/<case>/config.json plus safetensors file(s) (two shards and a
model.safetensors.index.json for some cases) for every case in CASES.  Each
safetensors header is exact (names, dtypes, shapes, offsets) and the tensor
data is all zeros, so the files stay small.

Two layouts, as the real checkpoints have them:
  - "hf": the Hugging Face layout mlx-lm loads (bf16): experts one by one,
    DeepSeek's kv_b_proj whole, gpt-oss experts as MXFP4 *_blocks/*_scales,
    Gemma 3's vision tower and projector present;
  - "mlx": what `mlx_lm.convert -q` saves: tensors as the model holds them
    after sanitize (stacked experts, embed_q/unembed_out), quantized modules
    as a packed uint32 `.weight` plus `.scales` (in the float dtype for
    affine, uint8 for mxfp4/nvfp4/mxfp8) and, for affine only, `.biases`.

The quantized configs carry the "quantization" block exactly as mlx-lm's
utils.quantize_model writes it: the global {group_size, bits, mode}, then one
entry per module for which the predicate returned a dict (a model's
quant_predicate, a mixed recipe; its group_size stays null when
--q-group-size was not given), or every quantized module when the config was
already quantized (gpt-oss).  A module whose input size is not a multiple of
the group size is skipped and recorded nowhere.  The rules below were read
from mlx-lm (utils.py quantize_model, convert.py mixed_quant_predicate_builder,
models/<type>.py) and mlx (nn.quantize, mx.quantize); no code was copied.

Python 3 standard library only.
"""
import json
import os
import sys

# the safetensors writer the Hub tests use (exact header, zero data)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hub"))
from tiny_model import safetensors  # noqa: E402

FLOAT_DTYPE = {"bfloat16": "BF16", "float16": "F16", "float32": "F32"}
MODE_DEFAULTS = {"affine": (64, 4), "mxfp4": (32, 4), "nvfp4": (16, 4), "mxfp8": (32, 8)}
QUANTIZABLE = ("linear", "embed", "switch", "multi")


# ---- a model as mlx-lm holds it: modules with kinds and shapes ---------------------

class Net:
    """Modules in load order.  `shape` is the float weight's shape; for
    quantizable kinds the last axis is the input dimension."""

    def __init__(self):
        self.mods = []

    def add(self, path, kind, shape, dtype=None, fixed=None, suffix=".weight"):
        self.mods.append({"path": path, "kind": kind, "shape": list(shape), "dtype": dtype,
                          "fixed": fixed, "suffix": suffix})

    def linear(self, path, out, inp, bias=False):
        self.add(path, "linear", [out, inp])
        if bias:
            self.add(path + ".bias", "vector", [out], suffix="")

    def embed(self, path, rows, dim):
        self.add(path, "embed", [rows, dim])

    def switch(self, path, n, out, inp, bias=False, fixed=None):
        self.add(path, "switch", [n, out, inp], fixed=fixed)
        if bias:
            self.add(path + ".bias", "vector", [n, out], suffix="")

    def multi(self, path, n, out, inp):
        self.add(path, "multi", [n, out, inp])

    def norm(self, path, dim):
        self.add(path, "vector", [dim])

    def raw(self, path, shape, dtype=None):
        self.add(path, "vector", shape, dtype=dtype, suffix="")


def mlp(net, p, hidden, inter, names=("gate_proj", "up_proj", "down_proj")):
    net.linear(p + names[0], inter, hidden)
    net.linear(p + names[1], inter, hidden)
    net.linear(p + names[2], hidden, inter)


def attention(net, p, hidden, nq, nkv, hd, qkv_bias=False, o_bias=False, qk_norm=False):
    net.linear(p + "q_proj", nq * hd, hidden, qkv_bias)
    net.linear(p + "k_proj", nkv * hd, hidden, qkv_bias)
    net.linear(p + "v_proj", nkv * hd, hidden, qkv_bias)
    net.linear(p + "o_proj", hidden, nq * hd, o_bias)
    if qk_norm:
        net.norm(p + "q_norm", hd)
        net.norm(p + "k_norm", hd)


def experts(net, hf, p, hf_fmt, e, hidden, inter, names=("gate_proj", "up_proj", "down_proj")):
    """Routed experts: one Linear per expert in the HF layout (hf_fmt names
    each), one stacked SwitchLinear per projection after sanitize."""
    if hf:
        for i in range(e):
            net.linear(hf_fmt.format(e=i, n=names[0]), inter, hidden)
            net.linear(hf_fmt.format(e=i, n=names[1]), inter, hidden)
            net.linear(hf_fmt.format(e=i, n=names[2]), hidden, inter)
    else:
        net.switch(p + "gate_proj", e, inter, hidden)
        net.switch(p + "up_proj", e, inter, hidden)
        net.switch(p + "down_proj", e, hidden, inter)


def top(net, prefix, head, vocab, hidden, tied):
    net.embed(prefix + ".embed_tokens", vocab, hidden)
    net.norm(prefix + ".norm", hidden)
    if not tied:
        net.linear(head, vocab, hidden)


# ---- architectures: (config, net) for the HF or the mlx layout -----------------------

def base_config(model_type, **kw):
    c = {"model_type": model_type, "torch_dtype": "bfloat16", "rms_norm_eps": 1e-6,
         "max_position_embeddings": 4096, "rope_theta": 10000.0}
    c.update(kw)
    return c


def llama(hf, model_type="llama", H=128, I=256, L=2, nq=4, nkv=2, hd=None, V=384, tied=True,
          dtype="bfloat16", write_tie=True):
    d = hd or H // nq
    c = base_config(model_type, hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, vocab_size=V,
                    torch_dtype=dtype)
    if hd:
        c["head_dim"] = hd
    if write_tie:
        c["tie_word_embeddings"] = tied
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, d)
        mlp(net, p + "mlp.", H, I)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, tied)
    return c, net


def qwen2(hf, H=128, I=320, L=2, nq=4, nkv=2, V=256, tied=True, dtype="bfloat16"):
    c = base_config("qwen2", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, vocab_size=V,
                    tie_word_embeddings=tied, torch_dtype=dtype)
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, H // nq, qkv_bias=True)
        mlp(net, p + "mlp.", H, I)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, tied)
    return c, net


def qwen3(hf, H=128, I=256, L=2, nq=4, nkv=2, hd=64, V=256, tied=False):
    c = base_config("qwen3", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, head_dim=hd, vocab_size=V,
                    tie_word_embeddings=tied)
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, hd, qk_norm=True)
        mlp(net, p + "mlp.", H, I)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, tied)
    return c, net


def qwen3_moe(hf, H=128, I=256, L=3, nq=4, nkv=2, hd=32, E=8, k=2, Ie=64, V=256,
              mlp_only=(1,)):
    c = base_config("qwen3_moe", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, head_dim=hd, vocab_size=V,
                    tie_word_embeddings=False, num_experts=E, num_experts_per_tok=k,
                    moe_intermediate_size=Ie, decoder_sparse_step=1,
                    mlp_only_layers=list(mlp_only), norm_topk_prob=True)
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, hd, qk_norm=True)
        if i in mlp_only:
            mlp(net, p + "mlp.", H, I)
        else:
            net.linear(p + "mlp.gate", E, H)
            experts(net, hf, p + "mlp.switch_mlp.", p + "mlp.experts.{e}.{n}", E, H, Ie)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, False)
    return c, net


def phi3(hf, H=128, I=256, L=2, nq=4, nkv=2, V=256):
    c = base_config("phi3", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, vocab_size=V,
                    tie_word_embeddings=False, sliding_window=None)
    d = H // nq
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        net.linear(p + "self_attn.qkv_proj", (nq + 2 * nkv) * d, H)
        net.linear(p + "self_attn.o_proj", H, nq * d)
        net.linear(p + "mlp.gate_up_proj", 2 * I, H)
        net.linear(p + "mlp.down_proj", H, I)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, False)
    return c, net


def gemma_block(net, p, H, I, nq, nkv, hd, qk_norm):
    attention(net, p + "self_attn.", H, nq, nkv, hd, qk_norm=qk_norm)
    mlp(net, p + "mlp.", H, I)
    for n in ("input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
              "post_feedforward_layernorm"):
        net.norm(p + n, H)


def gemma2(hf, H=128, I=256, L=2, nq=4, nkv=2, hd=32, V=256):
    c = base_config("gemma2", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, head_dim=hd, vocab_size=V,
                    query_pre_attn_scalar=hd)
    net = Net()
    for i in range(L):
        gemma_block(net, "model.layers.%d." % i, H, I, nq, nkv, hd, False)
    top(net, "model", None, V, H, True)
    return c, net


# Gemma 3 multimodal: mlx-lm's gemma3 module builds the text model only and its
# sanitize drops these two subtrees, so they are not part of what it holds.
GEMMA3_DROPPED = ("vision_tower.", "multi_modal_projector.")


def gemma3(hf, H=128, I=256, L=3, nq=4, nkv=1, hd=32, V=300, VH=64, VI=128):
    tc = {"model_type": "gemma3_text", "hidden_size": H, "intermediate_size": I,
          "num_hidden_layers": L, "num_attention_heads": nq, "num_key_value_heads": nkv,
          "head_dim": hd, "sliding_window": 64, "sliding_window_pattern": 2,
          "query_pre_attn_scalar": hd, "rms_norm_eps": 1e-6}
    vc = {"model_type": "siglip_vision_model", "hidden_size": VH, "intermediate_size": VI,
          "num_hidden_layers": 1, "num_attention_heads": 2, "patch_size": 14, "image_size": 56}
    c = {"model_type": "gemma3", "architectures": ["Gemma3ForConditionalGeneration"],
         "torch_dtype": "bfloat16", "vocab_size": V, "text_config": tc, "vision_config": vc,
         "mm_tokens_per_image": 4}
    net = Net()
    for i in range(L):
        gemma_block(net, "language_model.model.layers.%d." % i, H, I, nq, nkv, hd, True)
    top(net, "language_model.model", None, V, H, True)
    if hf:
        v = "vision_tower.vision_model."
        net.add(v + "embeddings.patch_embedding", "vector", [VH, 3, 14, 14])
        net.add(v + "embeddings.patch_embedding.bias", "vector", [VH], suffix="")
        net.add(v + "embeddings.position_embedding", "vector", [16, VH])
        e = v + "encoder.layers.0."
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            net.linear(e + "self_attn." + n, VH, VH, bias=True)
        net.linear(e + "mlp.fc1", VI, VH, bias=True)
        net.linear(e + "mlp.fc2", VH, VI, bias=True)
        for n in ("layer_norm1", "layer_norm2"):
            net.norm(e + n, VH)
            net.raw(e + n + ".bias", [VH])
        net.norm(v + "post_layernorm", VH)
        net.raw(v + "post_layernorm.bias", [VH])
        net.raw("multi_modal_projector.mm_input_projection_weight", [VH, H])
        net.norm("multi_modal_projector.mm_soft_emb_norm", VH)
    return c, net


def mixtral(hf, H=64, I=128, L=2, nq=4, nkv=2, E=4, k=2, V=256):
    c = base_config("mixtral", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, vocab_size=V,
                    num_local_experts=E, num_experts_per_tok=k, tie_word_embeddings=False)
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, H // nq)
        net.linear(p + "block_sparse_moe.gate", E, H)
        experts(net, hf, p + "block_sparse_moe.switch_mlp.",
                p + "block_sparse_moe.experts.{e}.{n}", E, H, I,
                names=("w1", "w3", "w2") if hf else ("gate_proj", "up_proj", "down_proj"))
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, False)
    return c, net


def deepseek_mlp(net, hf, p, moe, H, I, Ie, E, ns):
    """A DeepSeek-style block's MLP: dense, or a bare-array router (MoEGate)
    with its correction bias, routed experts and shared experts."""
    if not moe:
        mlp(net, p + "mlp.", H, I)
        return
    net.raw(p + "mlp.gate.weight", [E, H])
    # the HF checkpoints store the correction bias in float32 and mlx-lm's
    # cast_predicate keeps it so
    net.raw(p + "mlp.gate.e_score_correction_bias", [E], dtype="F32")
    experts(net, hf, p + "mlp.switch_mlp.", p + "mlp.experts.{e}.{n}", E, H, Ie)
    mlp(net, p + "mlp.shared_experts.", H, Ie * ns)


def deepseek_v3(hf, H=128, I=256, Ie=64, L=3, nq=4, R=64, Rq=96, Dr=16, Dn=32, Dv=32, E=4, k=2,
                ns=1, fk=1, V=256):
    c = base_config("deepseek_v3", hidden_size=H, intermediate_size=I,
                    moe_intermediate_size=Ie, num_hidden_layers=L, num_attention_heads=nq,
                    num_key_value_heads=nq, n_shared_experts=ns, n_routed_experts=E,
                    num_experts_per_tok=k, kv_lora_rank=R, q_lora_rank=Rq or None,
                    qk_rope_head_dim=Dr, qk_nope_head_dim=Dn, v_head_dim=Dv,
                    first_k_dense_replace=fk, moe_layer_freq=1, n_group=1, topk_group=1,
                    topk_method="noaux_tc", scoring_func="sigmoid", routed_scaling_factor=2.5,
                    norm_topk_prob=True, vocab_size=V, tie_word_embeddings=False,
                    num_nextn_predict_layers=0)
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        a = p + "self_attn."
        if Rq:
            net.linear(a + "q_a_proj", Rq, H)
            net.norm(a + "q_a_layernorm", Rq)
            net.linear(a + "q_b_proj", nq * (Dn + Dr), Rq)
        else:
            net.linear(a + "q_proj", nq * (Dn + Dr), H)
        net.linear(a + "kv_a_proj_with_mqa", R + Dr, H)
        net.norm(a + "kv_a_layernorm", R)
        if hf:
            net.linear(a + "kv_b_proj", nq * (Dn + Dv), R)
        else:
            net.multi(a + "embed_q", nq, R, Dn)
            net.multi(a + "unembed_out", nq, Dv, R)
        net.linear(a + "o_proj", H, nq * Dv)
        deepseek_mlp(net, hf, p, i >= fk, H, I, Ie, E, ns)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, False)
    return c, net


MXFP4 = {"group_size": 32, "bits": 4, "mode": "mxfp4"}


def gpt_oss(hf, H=128, I=128, L=2, nq=4, nkv=2, hd=32, E=4, k=2, V=256, window=32):
    types = ["sliding_attention", "full_attention"] * (L // 2)
    c = base_config("gpt_oss", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, head_dim=hd,
                    num_local_experts=E, num_experts_per_tok=k, vocab_size=V,
                    sliding_window=window, layer_types=types, tie_word_embeddings=False,
                    quantization_config={"quant_method": "mxfp4", "modules_to_not_convert": [
                        "model.layers.*.self_attn", "model.layers.*.mlp.router",
                        "model.embed_tokens", "lm_head"]})
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        net.raw(p + "self_attn.sinks", [nq])
        attention(net, p + "self_attn.", H, nq, nkv, hd, qkv_bias=True, o_bias=True)
        net.linear(p + "mlp.router", E, H, bias=True)
        x = p + "mlp.experts."
        if hf:
            # MXFP4 as published: 16 bytes (32 four-bit values) per block
            net.raw(x + "gate_up_proj_blocks", [E, 2 * I, H // 32, 16], dtype="U8")
            net.raw(x + "gate_up_proj_scales", [E, 2 * I, H // 32], dtype="U8")
            net.raw(x + "gate_up_proj_bias", [E, 2 * I])
            net.raw(x + "down_proj_blocks", [E, H, I // 32, 16], dtype="U8")
            net.raw(x + "down_proj_scales", [E, H, I // 32], dtype="U8")
            net.raw(x + "down_proj_bias", [E, H])
        else:
            net.switch(x + "gate_proj", E, I, H, bias=True, fixed=MXFP4)
            net.switch(x + "up_proj", E, I, H, bias=True, fixed=MXFP4)
            net.switch(x + "down_proj", E, H, I, bias=True, fixed=MXFP4)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, False)
    return c, net


def gemma3_text(hf, H=128, I=256, L=2, nq=4, nkv=1, hd=32, V=256):
    """The text-only Gemma 3 (gemma-3-1b): no lm_head in the checkpoint, so
    mlx-lm's sanitize ties the embeddings."""
    c = base_config("gemma3_text", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, head_dim=hd, vocab_size=V,
                    sliding_window=64, sliding_window_pattern=2, query_pre_attn_scalar=hd)
    net = Net()
    for i in range(L):
        gemma_block(net, "model.layers.%d." % i, H, I, nq, nkv, hd, True)
    top(net, "model", None, V, H, True)
    return c, net


def glm4_moe(hf, H=128, I=256, Ie=64, L=3, nq=4, nkv=2, hd=32, E=4, k=2, ns=1, fk=1, V=256):
    """GLM-4.5: q/k/v biases, qk norms, a bare-array router with a float32
    correction bias, shared experts.  The HF checkpoint also holds the
    multi-token-prediction layer model.layers.<L>, which sanitize drops."""
    c = base_config("glm4_moe", hidden_size=H, intermediate_size=I, moe_intermediate_size=Ie,
                    num_hidden_layers=L, num_attention_heads=nq, num_key_value_heads=nkv,
                    head_dim=hd, n_routed_experts=E, num_experts_per_tok=k, n_shared_experts=ns,
                    first_k_dense_replace=fk, n_group=1, topk_group=1, norm_topk_prob=True,
                    routed_scaling_factor=1.0, rope_scaling=None, use_qk_norm=True,
                    attention_bias=True, partial_rotary_factor=0.5, vocab_size=V,
                    tie_word_embeddings=False, num_nextn_predict_layers=1)
    net = Net()
    for i in range(L + (1 if hf else 0)):
        p = "model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, hd, qkv_bias=True, qk_norm=True)
        deepseek_mlp(net, hf, p, i >= fk, H, I, Ie, E, ns)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
        if i == L:
            for n in ("enorm", "hnorm", "shared_head.norm"):
                net.norm(p + n, H)
            net.linear(p + "eh_proj", H, 2 * H)
    top(net, "model", "lm_head", V, H, False)
    return c, net


def minimax(hf, H=128, I=64, L=2, nq=4, nkv=2, hd=32, E=4, k=2, V=256):
    """MiniMax-M2: q_norm/k_norm over the whole projections, a Linear router
    and a float32 correction bias beside it."""
    c = base_config("minimax_m2", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, head_dim=hd,
                    num_local_experts=E, num_experts_per_tok=k, shared_intermediate_size=0,
                    rotary_dim=hd // 2, use_qk_norm=True, vocab_size=V,
                    tie_word_embeddings=False)
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, hd)
        net.norm(p + "self_attn.q_norm", nq * hd)
        net.norm(p + "self_attn.k_norm", nkv * hd)
        m = p + "block_sparse_moe."
        net.linear(m + "gate", E, H)
        net.raw(m + "e_score_correction_bias", [E], dtype="F32")
        experts(net, hf, m + "switch_mlp.", m + "experts.{e}.{n}", E, H, I,
                names=("w1", "w3", "w2") if hf else ("gate_proj", "up_proj", "down_proj"))
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, False)
    return c, net


def qwen3_next(hf, H=128, I=256, L=4, nq=4, nkv=2, hd=32, hk=2, hv=4, dk=32, dv=32, kc=4,
               E=4, k=2, Ie=64, Is=128, V=256):
    """Qwen3-Next: Gated DeltaNet layers with a full-attention layer every
    fourth, every layer MoE with a shared expert and its gate.  The HF
    checkpoint stores conv1d as (C, 1, K) (mlx-lm moves the axes) and the
    multi-token-prediction module under mtp., which sanitize drops."""
    c = base_config("qwen3_next", hidden_size=H, intermediate_size=I, num_hidden_layers=L,
                    num_attention_heads=nq, num_key_value_heads=nkv, head_dim=hd,
                    linear_num_key_heads=hk, linear_num_value_heads=hv, linear_key_head_dim=dk,
                    linear_value_head_dim=dv, linear_conv_kernel_dim=kc, num_experts=E,
                    num_experts_per_tok=k, moe_intermediate_size=Ie,
                    shared_expert_intermediate_size=Is, decoder_sparse_step=1,
                    mlp_only_layers=[], full_attention_interval=4, partial_rotary_factor=0.25,
                    vocab_size=V, tie_word_embeddings=False)
    conv = 2 * hk * dk + hv * dv
    net = Net()
    for i in range(L):
        p = "model.layers.%d." % i
        if (i + 1) % 4:
            a = p + "linear_attn."
            net.linear(a + "in_proj_qkvz", 2 * hk * dk + 2 * hv * dv, H)
            net.linear(a + "in_proj_ba", 2 * hv, H)
            net.add(a + "conv1d", "vector", [conv, 1, kc] if hf else [conv, kc, 1])
            net.raw(a + "dt_bias", [hv])
            net.raw(a + "A_log", [hv])
            net.norm(a + "norm", dv)
            net.linear(a + "out_proj", H, hv * dv)
        else:
            net.linear(p + "self_attn.q_proj", 2 * nq * hd, H)
            net.linear(p + "self_attn.k_proj", nkv * hd, H)
            net.linear(p + "self_attn.v_proj", nkv * hd, H)
            net.linear(p + "self_attn.o_proj", H, nq * hd)
            net.norm(p + "self_attn.q_norm", hd)
            net.norm(p + "self_attn.k_norm", hd)
        net.linear(p + "mlp.gate", E, H)
        experts(net, hf, p + "mlp.switch_mlp.", p + "mlp.experts.{e}.{n}", E, H, Ie)
        mlp(net, p + "mlp.shared_expert.", H, Is)
        net.linear(p + "mlp.shared_expert_gate", 1, H)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "model", "lm_head", V, H, False)
    if hf:
        net.linear("mtp.fc", H, 2 * H)
        net.norm("mtp.norm", H)
        net.norm("mtp.pre_fc_norm_embedding", H)
        net.norm("mtp.pre_fc_norm_hidden", H)
    return c, net


def llama4(hf, H=128, I=64, Imlp=256, L=4, nq=4, nkv=2, hd=32, E=4, step=2, V=256, VH=64):
    """Llama 4: the text model under language_model., MoE every step-th
    layer with a shared expert; the HF checkpoint fuses the experts'
    gate and up projections (E, H, 2*I) and holds a vision model, both of
    which mlx-lm's sanitize undoes (split, transpose, drop)."""
    tc = {"model_type": "llama4_text", "hidden_size": H, "intermediate_size": I,
          "intermediate_size_mlp": Imlp, "num_hidden_layers": L, "num_attention_heads": nq,
          "num_key_value_heads": nkv, "head_dim": hd, "num_local_experts": E,
          "num_experts_per_tok": 1, "interleave_moe_layer_step": step, "vocab_size": V,
          "attention_bias": False, "attention_chunk_size": 64, "use_qk_norm": True,
          "rms_norm_eps": 1e-5, "rope_scaling": None, "rope_theta": 500000.0,
          "max_position_embeddings": 4096, "torch_dtype": "bfloat16"}
    c = {"model_type": "llama4", "architectures": ["Llama4ForConditionalGeneration"],
         "torch_dtype": "bfloat16", "text_config": tc,
         "vision_config": {"model_type": "llama4_vision_model", "hidden_size": VH}}
    net = Net()
    for i in range(L):
        p = "language_model.model.layers.%d." % i
        attention(net, p + "self_attn.", H, nq, nkv, hd)
        f = p + "feed_forward."
        if i % step == step - 1:
            net.linear(f + "router", E, H)
            if hf:
                net.raw(f + "experts.gate_up_proj", [E, H, 2 * I])
                net.raw(f + "experts.down_proj", [E, I, H])
            else:
                net.switch(f + "experts.gate_proj", E, I, H)
                net.switch(f + "experts.up_proj", E, I, H)
                net.switch(f + "experts.down_proj", E, H, I)
            mlp(net, f + "shared_expert.", H, I)
        else:
            mlp(net, f, H, Imlp)
        net.norm(p + "input_layernorm", H)
        net.norm(p + "post_attention_layernorm", H)
    top(net, "language_model.model", "language_model.lm_head", V, H, False)
    if hf:
        net.linear("vision_model.patch_embedding.linear", VH, 3 * 14 * 14)
        net.norm("vision_model.layernorm_pre", VH)
        net.linear("multi_modal_projector.linear_1", H, VH)
    return c, net


# ---- quantization as mlx_lm.convert does it -------------------------------------------

def model_predicate(model_type):
    """The module's own quant_predicate (router/gate at 8 bits, group 64)."""
    suffixes = {"qwen3_moe": ("mlp.gate",), "gpt_oss": ("router",),
                "qwen3_next": ("mlp.gate", "shared_expert_gate"),
                "minimax_m2": ("block_sparse_moe.gate",)}.get(model_type)
    if suffixes is None:
        return None
    return lambda path: ({"group_size": 64, "bits": 8} if path.endswith(suffixes) else True)


def mixed_predicate(recipe, net, n_layers, group):
    low, high = {"mixed_2_6": (2, 6), "mixed_3_4": (3, 4), "mixed_3_6": (3, 6),
                 "mixed_4_6": (4, 6)}[recipe]
    first_down = next(m["path"] for m in net.mods if "down_proj" in m["path"])
    where = next(i for i, part in enumerate(first_down.split(".")) if part.isdigit())

    def predicate(path):
        parts = path.split(".")
        index = int(parts[where]) if len(parts) > where else 0
        l8 = n_layers // 8
        more = index < l8 or index >= 7 * n_layers // 8 or (index - l8) % 3 == 2
        high_path = any(s in path for s in ("v_proj", "v_a_proj", "v_b_proj"))
        if (high_path or "down_proj" in path) and more or "lm_head" in path:
            return {"group_size": group, "bits": high, "mode": "affine"}
        return {"group_size": group, "bits": low, "mode": "affine"}

    return predicate


def convert(config, net, mode="affine", group=None, bits=None, recipe=None, predicate=None):
    """Quantize `net` in place of mlx_lm.convert -q; returns the new config.
    Each quantized module gets m["q"] = (mode, bits, group)."""
    dg, db = MODE_DEFAULTS[mode]
    g, b = group or dg, bits or db
    params = {"group_size": g, "bits": b, "mode": mode}
    cfg = json.loads(json.dumps(config))
    already = "quantization" in cfg
    if not already:
        cfg["quantization"] = dict(params)
    block = cfg["quantization"]
    if recipe:
        predicate = mixed_predicate(recipe, net, config.get("num_hidden_layers"), group)
    predicate = predicate or model_predicate(config["model_type"])
    for m in net.mods:
        if m["fixed"]:
            m["q"] = (m["fixed"]["mode"], m["fixed"]["bits"], m["fixed"]["group_size"])
            continue
        if m["kind"] not in QUANTIZABLE or m["shape"][-1] % g != 0:
            continue
        r = predicate(m["path"]) if predicate else True
        if isinstance(r, dict):
            block[m["path"]] = r
            qm = r.get("mode", "affine")
            qg, qb = MODE_DEFAULTS[qm]
            m["q"] = (qm, r.get("bits") or qb, r.get("group_size") or qg)
        elif r:
            if already:
                block[m["path"]] = params
            m["q"] = (mode, b, g)
    cfg["quantization_config"] = block
    return cfg


# ---- writing -------------------------------------------------------------------------

def tensors_of(net, float_dtype):
    out = []
    for m in net.mods:
        name = m["path"] + m["suffix"]
        q = m.get("q")
        if q is None:
            out.append((name, m["dtype"] or float_dtype, m["shape"]))
            continue
        mode, bits, group = q
        lead, inp = m["shape"][:-1], m["shape"][-1]
        out.append((m["path"] + ".weight", "U32", lead + [inp * bits // 32]))
        out.append((m["path"] + ".scales", float_dtype if mode == "affine" else "U8",
                    lead + [inp // group]))
        if mode == "affine":
            out.append((m["path"] + ".biases", float_dtype, lead + [inp // group]))
    return out


def write_case(out, name, config, net, shards=1):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    text_cfg = config.get("text_config", config)
    fdt = FLOAT_DTYPE[config.get("torch_dtype") or text_cfg.get("torch_dtype", "bfloat16")]
    tensors = tensors_of(net, fdt)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    if shards == 1:
        data, _ = safetensors(tensors)
        with open(os.path.join(d, "model.safetensors"), "wb") as f:
            f.write(data)
        return
    # split by tensor order into `shards` files, as save_sharded does
    per = (len(tensors) + shards - 1) // shards
    weight_map, total = {}, 0
    for s in range(shards):
        part = tensors[s * per:(s + 1) * per]
        fname = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        data, n = safetensors(part)
        total += n
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)
        weight_map.update({t[0]: fname for t in part})
    with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)


def case(builder, hf, quant=None, shards=1, **kw):
    return builder, hf, quant or {}, shards, kw


# name -> (builder, hf layout, convert options, shards, builder options).  Keep in
# step with the table in test_parity.c.
CASES = {
    "llama-tied-gqa": case(llama, True),
    "llama-untied": case(llama, True, H=64, I=192, L=3, nq=2, nkv=2, V=256, tied=False),
    "mistral-headdim-sharded": case(llama, True, shards=2, model_type="mistral", nq=4, nkv=1,
                                    hd=64, V=320, tied=False),
    "smollm3-tied": case(llama, True, model_type="smollm3", H=64, I=128, nq=2, nkv=1, V=256),
    "qwen2-bias": case(qwen2, True),
    "qwen3-qknorm": case(qwen3, True),
    "gemma2": case(gemma2, True),
    "gemma3-multimodal": case(gemma3, True),
    "phi3-fused": case(phi3, True),
    "mixtral": case(mixtral, True),
    "qwen3-moe": case(qwen3_moe, True),
    "deepseek-v3-mla": case(deepseek_v3, True, shards=2),
    "deepseek-v3-no-qlora": case(deepseek_v3, True, Rq=0, ns=2, fk=0, L=2),
    "gpt-oss-mxfp4": case(gpt_oss, True),
    "gemma3-text": case(gemma3_text, True),
    "glm4-moe-mtp": case(glm4_moe, True),
    "minimax-m2": case(minimax, True),
    "qwen3-next": case(qwen3_next, True),
    "llama4-multimodal": case(llama4, True),
    # converted by mlx_lm.convert (mlx layout)
    "llama-q4-g64": case(llama, False, {}),
    "qwen2-q8-g32-f16": case(qwen2, False, {"bits": 8, "group": 32}, tied=False,
                             dtype="float16"),
    "llama-q4-overrides": case(llama, False, {"predicate": "overrides"}, H=64, I=128, nq=2,
                               nkv=1, V=256),
    "qwen3-moe-q4": case(qwen3_moe, False, {}),
    "qwen3-moe-mxfp4": case(qwen3_moe, False, {"mode": "mxfp4"}),
    "llama-nvfp4": case(llama, False, {"mode": "nvfp4"}, tied=False),
    "phi3-mxfp8": case(phi3, False, {"mode": "mxfp8"}),
    "llama-mixed-3-6": case(llama, False, {"recipe": "mixed_3_6"}, H=64, I=128, L=10, nq=2,
                            nkv=1, V=256, tied=False),
    "llama-q4-partial": case(llama, False, {}, I=160, hd=24, V=256),
    "deepseek-v3-q4": case(deepseek_v3, False, {}, shards=2),
    "gpt-oss-q4": case(gpt_oss, False, {}),
    "qwen3-next-q4": case(qwen3_next, False, {}),
    "glm4-moe-q8": case(glm4_moe, False, {"bits": 8}),
    "llama4-q4": case(llama4, False, {}),
}


def overrides_predicate(path):
    """A custom predicate of the kind mlx_lm.convert accepts: a few modules at
    other widths, one of them with its own group size."""
    table = {"model.layers.0.self_attn.v_proj": {"group_size": 64, "bits": 8},
             "model.layers.1.mlp.down_proj": {"group_size": 64, "bits": 6},
             "model.embed_tokens": {"group_size": 32, "bits": 6}}
    return table.get(path, True)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: make_checkpoints.py OUT_DIR\n")
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (builder, hf, q, shards, kw) in CASES.items():
        config, net = builder(hf, **kw)
        if not hf:
            if builder is gpt_oss:
                # loading the MXFP4 checkpoint records its format first
                config.pop("quantization_config")
                config["quantization"] = dict(MXFP4)
            config = convert(config, net, mode=q.get("mode", "affine"), group=q.get("group"),
                             bits=q.get("bits"), recipe=q.get("recipe"),
                             predicate=overrides_predicate if q.get("predicate") else None)
        write_case(out, name, config, net, shards)
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.write("\n".join(CASES) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
