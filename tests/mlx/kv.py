"""tests/mlx/kv.py - estimate's KV-cache bytes against the caches real MLX fills.

For a set of architectures (dense GQA, sliding window, MLA, MoE, hybrid with
a recurrent state), build the model with mlx_lm's own classes, make its
caches with mlx_lm.models.cache.make_prompt_cache (with max_kv_size where a
case gives it), and run a prompt of N tokens through it the way
mlx_lm.generate's generate_step does: chunks of prefill_step_size (2048)
while more than one token remains, then the last token; with kv_bits the
caches are quantized after every chunk by the same helper generate_step
calls.  The caches' summed nbytes (each cache class's own property) must equal
`mlxplan estimate --json`'s memory.kv_cache.bytes for that registry model,
--context N --prompt N, exactly.

Stand-ins (one place): the cache's size depends only on the attention
geometry (layers, KV heads, head dims, windows, MLA ranks, linear-attention
heads and kernels), so the model is shrunk where that geometry does not
depend on it: feed-forward and expert widths, expert counts, the
vocabulary, and the hidden size where the config states the head dims
(head_dim, or MLA's ranks and head dims).  The
weights are random and the model runs in float32 (MLX's CPU backend has
BLAS for float32 only; bfloat16 runs ~10x slower, and its gather_mm has no
bfloat16 kernel); each cache array is then counted at the dtype the same
array has when the model runs in the config's stored dtype, read from a
one-token probe run in that dtype (with gather_mm computed in float32 and
cast back): the KV arrays follow the activations, a recurrent state that
mlx-lm creates in float32 stays float32, packed quantized values are
integers.  Attention itself is
replaced by zeros of its output's shape (mx.fast.scaled_dot_product_attention
has no fast CPU kernel: 16 layers of a 2100-token prompt take 80 s); what
the caches hold does not depend on attention's output.

    kv.py [ID_SUBSTRING]
"""
import copy
import json
import os
import subprocess
import sys

import mlx.core as mx
from mlx.utils import tree_map_with_path
from mlx_lm.generate import maybe_quantize_kv_cache
from mlx_lm.models.cache import make_prompt_cache
from mlx_lm.utils import _get_classes

import tier

SRC = os.environ["MLXPLAN_SRC"]
CHIP = "M3 Ultra 80c"
PREFILL_STEP = 2048  # generate_step's prefill_step_size default
DTYPES = {"float16": mx.float16, "bfloat16": mx.bfloat16, "float32": mx.float32}

# (registry id, prompt tokens N, extra estimate arguments, cache options)
# N sits around and across the 256-token steps, the windows and the 2048 chunk.
CASES = []
for n in (1, 255, 256, 257, 600, 2100):
    CASES.append(("meta-llama/Llama-3.2-1B-Instruct", n, {}))
for n in (100, 600):
    CASES.append(("meta-llama/Llama-3.2-1B-Instruct", n, {"max_kv_size": 512}))
for n in (1, 100, 600):  # qwen3 has no make_cache: max_kv_size makes rotating caches
    CASES.append(("Qwen/Qwen3-0.6B", n, {"max_kv_size": 512}))
for n in (257, 600):
    CASES.append(("Qwen/Qwen3-0.6B", n, {"kv_bits": 8}))
    CASES.append(("Qwen/Qwen3-0.6B", n, {"kv_bits": 4}))
for n in (100, 300, 600, 2100):
    CASES.append(("google/gemma-3-1b-it", n, {}))
for n in (100, 600):
    CASES.append(("openai/gpt-oss-20b", n, {}))
    CASES.append(("Qwen/Qwen3.5-9B", n, {}))
# 48-61 layers each: one prompt length
CASES.append(("Qwen/Qwen3-30B-A3B", 600, {}))
CASES.append(("deepseek-ai/DeepSeek-V3", 600, {}))
CASES.append(("Qwen/Qwen3-Next-80B-A3B-Instruct", 600, {}))
CASES.append(("meta-llama/Llama-4-Scout-17B-16E-Instruct", 600, {}))

# widths the cache does not depend on, shrunk so a forward pass is cheap
SHRINK = {"intermediate_size": 32, "moe_intermediate_size": 16,
          "shared_expert_intermediate_size": 16, "vocab_size": 512}
EXPERT_COUNTS = ("num_experts", "n_routed_experts", "num_local_experts")


def _attention_stand_in(q, k, v, *args, **kwargs):
    return mx.zeros(q.shape[:-1] + (v.shape[-1],), dtype=q.dtype)


mx.fast.scaled_dot_product_attention = _attention_stand_in


def stored_dtype(config):
    text = config.get("text_config") if isinstance(config.get("text_config"), dict) else {}
    d = (config.get("torch_dtype") or config.get("dtype") or text.get("torch_dtype")
         or text.get("dtype"))
    if d is None:
        return mx.bfloat16 if config.get("quantization_config") else mx.float32
    return DTYPES.get(d, mx.bfloat16)


def shrink(c):
    """Shrink, in place, the widths of one config level the cache does not depend on."""
    for k, v in SHRINK.items():
        if isinstance(c.get(k), int):
            c[k] = min(c[k], v)
    for k in EXPERT_COUNTS:
        if isinstance(c.get(k), int) and c[k] > 4:
            c[k] = 4
    if isinstance(c.get("num_experts_per_tok"), int):
        c["num_experts_per_tok"] = min(c["num_experts_per_tok"], 2)
    if isinstance(c.get("n_shared_experts"), int):
        c["n_shared_experts"] = min(c["n_shared_experts"], 1)
    for k in ("n_group", "topk_group"):
        if isinstance(c.get(k), int):
            c[k] = 1
    explicit_heads = isinstance(c.get("head_dim"), int) or isinstance(c.get("kv_lora_rank"), int)
    if explicit_heads and isinstance(c.get("hidden_size"), int):
        c["hidden_size"] = min(c["hidden_size"], 256)
    c.pop("quantization_config", None)
    c.pop("quantization", None)


def build(path, dtype):
    """The shrunk model (see the stand-ins above), its floats in dtype."""
    with open(path) as f:
        config = json.load(f)
    shrink(config)
    if isinstance(config.get("text_config"), dict):
        shrink(config["text_config"])
    model_class, args_class = _get_classes(config)
    model = model_class(args_class.from_dict(config))
    model.update(tree_map_with_path(
        lambda k, v: v.astype(dtype) if mx.issubdtype(v.dtype, mx.floating) else v,
        model.parameters()))
    return model


def arrays(obj):
    """Every mx.array a cache object holds (keys, values, states, nested caches)."""
    if isinstance(obj, mx.array):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from arrays(o)
    elif obj is not None:
        for attr in ("keys", "values", "cache", "caches"):
            yield from arrays(getattr(obj, attr, None))


def probe_dtypes(path, dtype, opts):
    """The dtype of every cache array (in arrays() order) after one token in dtype."""
    model = build(path, dtype)
    gather_mm = mx.gather_mm

    def gather_mm_f32(a, b, *args, **kwargs):
        return gather_mm(a.astype(mx.float32), b.astype(mx.float32), *args,
                         **kwargs).astype(a.dtype)

    mx.gather_mm = gather_mm_f32
    try:
        cache = fill(model, 1, opts)
    finally:
        mx.gather_mm = gather_mm
    return [a.dtype for a in arrays(cache)]


def probed_nbytes(cache, dtypes):
    """Bytes of the caches' arrays, each at its probed dtype."""
    held = list(arrays(cache))
    if len(held) != len(dtypes):
        raise RuntimeError("the probe's caches hold %d arrays, the run's %d"
                           % (len(dtypes), len(held)))
    return sum(a.size * d.size for a, d in zip(held, dtypes))


def fill(model, n, opts):
    """The model's caches after generate_step's prefill of n tokens."""
    cache = make_prompt_cache(model, max_kv_size=opts.get("max_kv_size"))
    kv_bits = opts.get("kv_bits")

    def quantize():
        if kv_bits:  # quantized_kv_start 0: from the first chunk on
            maybe_quantize_kv_cache(cache, 0, 64, kv_bits)

    tokens = mx.zeros((n,), dtype=mx.int32)
    done = 0
    while n - done > 1:
        step = min(PREFILL_STEP, n - done - 1)
        model(tokens[done:done + step][None], cache=cache)
        quantize()
        mx.eval([c.state for c in cache])
        done += step
    mx.eval(model(tokens[done:][None], cache=cache))
    quantize()
    mx.eval([c.state for c in cache])
    return cache


def estimate(model_id, n, opts):
    args = [os.environ["MLXPLAN_BIN"], "estimate", "--model", model_id, "--chip", CHIP,
            "--context", str(n), "--prompt", str(n), "--json", "--offline"]
    if opts.get("max_kv_size"):
        args += ["--max-kv-size", str(opts["max_kv_size"])]
    if opts.get("kv_bits"):
        args += ["--kv-bits", str(opts["kv_bits"])]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip())
    return json.loads(p.stdout)["memory"]["kv_cache"]["bytes"]


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    paths = dict(tier.registry())
    models = {}
    probes = {}  # (model, kv_bits) -> dtypes: max_kv_size changes sizes, not dtypes
    compared = 0
    for model_id, n, opts in CASES:
        if only and only not in model_id:
            continue
        label = "%s N=%d %s" % (model_id, n, " ".join("%s=%s" % kv for kv in opts.items()))
        if model_id not in paths:
            tier.fail("%s: not in the registry" % label)
            continue
        if model_id not in models:
            with open(paths[model_id]) as f:
                dtype = stored_dtype(json.load(f))
            models[model_id] = (build(paths[model_id], mx.float32), dtype)
        model, dtype = models[model_id]
        key = (model_id, opts.get("kv_bits"))
        if key not in probes:
            probes[key] = probe_dtypes(paths[model_id], dtype, opts)
        want = probed_nbytes(fill(model, n, opts), probes[key])
        got = estimate(model_id, n, opts)
        compared += 1
        status = "ok" if got == want else "MISMATCH"
        print("%-8s %-60s real %12d  estimate %12d" % (status, label, want, got), flush=True)
        if got != want:
            tier.fail("%s: estimate %d B, real caches %d B (%+.1f%%)"
                      % (label, got, want, 100.0 * (got - want) / max(want, 1)))
    tier.count("bytes", compared)
    tier.check()


if __name__ == "__main__":
    main()
