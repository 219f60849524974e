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
  mlx-community/Qwen3-0.6B-4bit  config.json only: a 4-bit conversion of a
                                 registry model

Tensor data is zeros (git stores it compressed to almost nothing); headers
are exact.  Run from the repository root; it replaces the folder.
"""
import hashlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_model as tm  # noqa: E402

ROOT = os.path.join("tests", "fixtures", "hf-cache")


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
    cfg, st, n4 = tm.quant_checkpoint()
    snapshot("mlx-community/Tiny-Llama-4bit", commit("4bit", "main"),
             {"config.json": cfg, "model.safetensors": st})

    # bfloat16 in two shards; an older snapshot of one layer
    snapshot("test-org/Tiny-Llama-bf16", commit("bf16", "old"), {"config.json": tm.config(1)},
             ref=False)
    cfg, shards, index, nbf = tm.sharded_checkpoint()
    files = {"config.json": cfg, "model.safetensors.index.json": index}
    files.update(shards)
    snapshot("test-org/Tiny-Llama-bf16", commit("bf16", "main"), files)

    # only the small files were downloaded
    snapshot("test-org/Tiny-Partial", commit("partial", "main"),
             {"config.json": cfg, "model.safetensors.index.json": index})

    snapshot("other-org/Tiny-Llama-bf16", commit("other", "main"), {"config.json": cfg})

    # a conversion of a registry model, config.json only: a conflicting
    # --quant names the registry model to convert from
    with open(os.path.join("data", "models", "configs", "Qwen--Qwen3-0.6B.json")) as f:
        qwen = json.load(f)
    qwen["quantization"] = qwen["quantization_config"] = {"group_size": 64, "bits": 4,
                                                          "mode": "affine"}
    snapshot("mlx-community/Qwen3-0.6B-4bit", commit("qwen", "main"),
             {"config.json": json.dumps(qwen, indent=4).encode()})
    print("4-bit tensor bytes %d; bf16 tensor bytes %d" % (n4, nbf))


if __name__ == "__main__":
    main()
