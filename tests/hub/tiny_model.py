"""The tiny llama the Hub tests serve and the fixture cache holds.

hidden 64, MLP 128, 2 layers, 2 heads of 32, 1 KV head, vocabulary 256, tied
embeddings, bfloat16: 90,432 parameters.  Its MLX 4-bit g64 form (layer 0
v_proj at 8 bits, layer 1 down_proj at 6) holds 54,400 bytes of tensors, the
bfloat16 form 180,864.  Safetensors are written with exact headers and zero
data.
"""
import json
import struct

H, I, L, NQ, NKV, V = 64, 128, 2, 2, 1, 256
HD = H // NQ


def config(layers, quant=None):
    c = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": H,
        "intermediate_size": I,
        "num_hidden_layers": layers,
        "num_attention_heads": NQ,
        "num_key_value_heads": NKV,
        "head_dim": HD,
        "vocab_size": V,
        "tie_word_embeddings": True,
        "max_position_embeddings": 2048,
        "rms_norm_eps": 1e-5,
        "torch_dtype": "bfloat16",
    }
    if quant:
        c["quantization"] = quant
        c["quantization_config"] = quant
    return json.dumps(c, indent=4).encode()


def linears(layer):
    p = "model.layers.%d." % layer
    return [
        (p + "self_attn.q_proj", NQ * HD, H),
        (p + "self_attn.k_proj", NKV * HD, H),
        (p + "self_attn.v_proj", NKV * HD, H),
        (p + "self_attn.o_proj", H, NQ * HD),
        (p + "mlp.gate_proj", I, H),
        (p + "mlp.down_proj", H, I),
        (p + "mlp.up_proj", I, H),
    ]


def float_tensors(layers):
    t = [("model.embed_tokens.weight", "BF16", [V, H])]
    for i in range(layers):
        for name, out, inp in linears(i):
            t.append((name + ".weight", "BF16", [out, inp]))
        t.append(("model.layers.%d.input_layernorm.weight" % i, "BF16", [H]))
        t.append(("model.layers.%d.post_attention_layernorm.weight" % i, "BF16", [H]))
    t.append(("model.norm.weight", "BF16", [H]))
    return t


def quant_tensors(bits_of, group=64):
    t = []
    for name, out, inp in [("model.embed_tokens", V, H)] + [x for i in range(L) for x in linears(i)]:
        b = bits_of(name)
        t.append((name + ".weight", "U32", [out, inp * b // 32]))
        t.append((name + ".scales", "BF16", [out, inp // group]))
        t.append((name + ".biases", "BF16", [out, inp // group]))
    for i in range(L):
        t.append(("model.layers.%d.input_layernorm.weight" % i, "BF16", [H]))
        t.append(("model.layers.%d.post_attention_layernorm.weight" % i, "BF16", [H]))
    t.append(("model.norm.weight", "BF16", [H]))
    return t


SIZE = {"BF16": 2, "U32": 4}


def nbytes(dtype, shape):
    n = SIZE[dtype]
    for d in shape:
        n *= d
    return n


def safetensors(tensors):
    header, off = {"__metadata__": {"format": "mlx"}}, 0
    for name, dtype, shape in tensors:
        n = nbytes(dtype, shape)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [off, off + n]}
        off += n
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + bytes(off), off



OVERRIDES = {"model.layers.0.self_attn.v_proj": 8, "model.layers.1.mlp.down_proj": 6}


def quant_block():
    q = {"group_size": 64, "bits": 4, "mode": "affine"}
    for path, b in OVERRIDES.items():
        q[path] = {"group_size": 64, "bits": b}
    return q


def quant_checkpoint():
    """(config.json bytes, model.safetensors bytes, tensor bytes) of the 4-bit form."""
    st, n = safetensors(quant_tensors(lambda name: OVERRIDES.get(name, 4)))
    return config(L, quant_block()), st, n


SHARDS = ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")


def sharded_checkpoint():
    """(config, {shard name: bytes}, index bytes, tensor bytes) of the bf16 form."""
    tensors = float_tensors(L)
    first = [t for t in tensors if t[0].startswith(("model.embed_tokens", "model.layers.0."))]
    second = [t for t in tensors if t not in first]
    s1, n1 = safetensors(first)
    s2, n2 = safetensors(second)
    wm = {t[0]: SHARDS[0] for t in first}
    wm.update({t[0]: SHARDS[1] for t in second})
    index = json.dumps({"metadata": {"total_size": n1 + n2}, "weight_map": wm}, indent=2).encode()
    return config(L), {SHARDS[0]: s1, SHARDS[1]: s2}, index, n1 + n2
