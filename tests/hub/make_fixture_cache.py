#!/usr/bin/env python3
"""Write tests/fixtures/hf-cache: a small Hugging Face cache for the e2e cases.

The layout is the one huggingface_hub writes (models--ORG--NAME/refs/main,
snapshots/COMMIT/ with symlinks into blobs/).  The models are a tiny llama
(hidden 64, 2 layers, vocabulary 256) stored the ways mlx_lm users have them:

  mlx-community/Tiny-Llama-4bit  MLX 4-bit g64 with two per-layer overrides,
                                 one model.safetensors
  test-org/Tiny-Llama-bf16       bfloat16 in two shards with an index; an older
                                 snapshot (1 layer) that refs/main does not name
  test-org/Tiny-Partial          config.json and the index only (the shards
                                 were never downloaded)
  other-org/Tiny-Llama-bf16      config.json only: makes the bare name
                                 "Tiny-Llama-bf16" ambiguous

Tensor data is zeros (git stores it compressed to almost nothing); headers
are exact.  Run from the repository root; it replaces the folder.
"""
import hashlib
import json
import os
import shutil
import struct
import sys

ROOT = os.path.join("tests", "fixtures", "hf-cache")
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


def commit(*parts):
    return hashlib.sha1("/".join(parts).encode()).hexdigest()


def snapshot(repo, rev, files, ref=True):
    org, name = repo.split("/")
    rd = os.path.join(ROOT, "models--%s--%s" % (org, name))
    os.makedirs(os.path.join(rd, "blobs"), exist_ok=True)
    sd = os.path.join(rd, "snapshots", rev)
    os.makedirs(sd, exist_ok=True)
    for fname, data in files.items():
        blob = hashlib.sha256(data).hexdigest()
        with open(os.path.join(rd, "blobs", blob), "wb") as f:
            f.write(data)
        os.symlink(os.path.join("..", "..", "blobs", blob), os.path.join(sd, fname))
    if ref:
        os.makedirs(os.path.join(rd, "refs"), exist_ok=True)
        with open(os.path.join(rd, "refs", "main"), "w") as f:
            f.write(rev)


def main():
    if not os.path.isdir("tests/fixtures"):
        sys.exit("run from the repository root")
    shutil.rmtree(ROOT, ignore_errors=True)

    # MLX 4-bit, as mlx_lm.convert -q writes it (with two overrides)
    over = {"model.layers.0.self_attn.v_proj": 8, "model.layers.1.mlp.down_proj": 6}
    q = {"group_size": 64, "bits": 4, "mode": "affine"}
    for path, b in over.items():
        q[path] = {"group_size": 64, "bits": b}
    st, n4 = safetensors(quant_tensors(lambda name: over.get(name, 4)))
    snapshot("mlx-community/Tiny-Llama-4bit", commit("4bit", "main"),
             {"config.json": config(L, q), "model.safetensors": st})

    # bfloat16 in two shards; an older snapshot of one layer
    snapshot("test-org/Tiny-Llama-bf16", commit("bf16", "old"), {"config.json": config(1)},
             ref=False)
    tensors = float_tensors(L)
    first = [t for t in tensors if t[0].startswith(("model.embed_tokens", "model.layers.0."))]
    second = [t for t in tensors if t not in first]
    s1, n1 = safetensors(first)
    s2, n2 = safetensors(second)
    names = ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
    wm = {t[0]: names[0] for t in first}
    wm.update({t[0]: names[1] for t in second})
    index = json.dumps({"metadata": {"total_size": n1 + n2}, "weight_map": wm}, indent=2).encode()
    snapshot("test-org/Tiny-Llama-bf16", commit("bf16", "main"),
             {"config.json": config(L), "model.safetensors.index.json": index,
              names[0]: s1, names[1]: s2})

    # only the small files were downloaded
    snapshot("test-org/Tiny-Partial", commit("partial", "main"),
             {"config.json": config(L), "model.safetensors.index.json": index})

    snapshot("other-org/Tiny-Llama-bf16", commit("other", "main"), {"config.json": config(L)})
    print("4-bit tensor bytes %d; bf16 tensor bytes %d (%d + %d)" % (n4, n1 + n2, n1, n2))


if __name__ == "__main__":
    main()
