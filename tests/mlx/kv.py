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
the caches hold does not depend on attention's output.  Likewise two
more stand-ins, each checked against the real code by standin_checks() on a
cut-down model (a few layers, a short prompt: the caches' array shapes and
dtypes must be the same with and without the stand-in):
  - the linear-attention recurrence (mlx_lm.models.gated_delta.gated_delta_ops,
    on the CPU a Python loop over the tokens; Qwen3-Next, Qwen3.5) runs its
    real step for the first token only: its state has a fixed size, so one
    step gives its shape and dtype, and the output is zeros of the step's
    shape and dtype (600 tokens x 36 layers took 58 s);
  - MLA (kv_lora_rank in the config): the cache holds the compressed latent
    (kv_lora_rank) and the shared RoPE key (qk_rope_head_dim), one head each,
    so the query heads and q_lora_rank are shrunk (128 heads x 61 layers of
    random weights took 26 s).

    kv.py [ID_SUBSTRING]
"""
import copy
import json
import os
import subprocess
import sys

import mlx.core as mx
import mlx_lm.models.gated_delta as gated_delta
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
# hybrids with a recurrent state: one length inside the first 256-token step of their
# attention layers and one past it (300; the linear-attention layers cost per token)
for n in (100, 300):
    CASES.append(("Qwen/Qwen3.5-9B", n, {}))
# 48-61 layers each: one prompt length
CASES.append(("Qwen/Qwen3-30B-A3B", 600, {}))
CASES.append(("deepseek-ai/DeepSeek-V3", 600, {}))
CASES.append(("Qwen/Qwen3-Next-80B-A3B-Instruct", 300, {}))
CASES.append(("meta-llama/Llama-4-Scout-17B-16E-Instruct", 600, {}))

# widths the cache does not depend on, shrunk so a forward pass is cheap
SHRINK = {"intermediate_size": 32, "moe_intermediate_size": 16,
          "shared_expert_intermediate_size": 16, "vocab_size": 512}
EXPERT_COUNTS = ("num_experts", "n_routed_experts", "num_local_experts")


def _attention_stand_in(q, k, v, *args, **kwargs):
    return mx.zeros(q.shape[:-1] + (v.shape[-1],), dtype=q.dtype)


mx.fast.scaled_dot_product_attention = _attention_stand_in
_gated_delta_ops = gated_delta.gated_delta_ops


def _gated_delta_stand_in(q, k, v, g, beta, state=None, mask=None):
    """gated_delta_ops for the first token only (its state), zeros for the output."""
    y, state = _gated_delta_ops(q[:, :1], k[:, :1], v[:, :1], g[:, :1], beta[:, :1], state,
                                None if mask is None else mask[:, :1])
    return mx.zeros(q.shape[:2] + y.shape[2:], dtype=y.dtype), state


gated_delta.gated_delta_ops = _gated_delta_stand_in
MLA_SHRINK = {"num_attention_heads": 2, "num_key_value_heads": 2, "q_lora_rank": 16}


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
    if isinstance(c.get("kv_lora_rank"), int):  # MLA: see the module's stand-ins
        for k, v in MLA_SHRINK.items():
            if isinstance(c.get(k), int):
                c[k] = min(c[k], v)
    explicit_heads = isinstance(c.get("head_dim"), int) or isinstance(c.get("kv_lora_rank"), int)
    if explicit_heads and isinstance(c.get("hidden_size"), int):
        c["hidden_size"] = min(c["hidden_size"], 256)
    c.pop("quantization_config", None)
    c.pop("quantization", None)


def build(path, dtype, layers=None, mla=True):
    """The shrunk model (see the stand-ins above), its floats in dtype; `layers`
    caps the layer count, mla=False keeps MLA's query heads (standin_checks)."""
    with open(path) as f:
        config = json.load(f)
    for c in (config, config.get("text_config")):
        if not isinstance(c, dict):
            continue
        kept = {k: c[k] for k in MLA_SHRINK if k in c} if not mla else {}
        shrink(c)
        c.update(kept)
        if layers and isinstance(c.get("num_hidden_layers"), int):
            c["num_hidden_layers"] = min(c["num_hidden_layers"], layers)
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


def shapes(cache):
    return [(a.shape, a.dtype) for a in arrays(cache)]


def standin_checks(paths):
    """Each stand-in above against the real code on a cut-down model: the caches'
    array shapes and dtypes after a short prompt must not change."""
    global _gated_delta_ops
    checks = [("Qwen/Qwen3-Next-80B-A3B-Instruct", "gated_delta_ops for the first token",
               4, 40),  # 4 layers: three linear-attention layers and one full
              ("deepseek-ai/DeepSeek-V3", "MLA with 2 query heads and q_lora_rank 16", 2, 40)]
    for model_id, what, layers, n in checks:
        if model_id not in paths:
            tier.fail("stand-in check: %s not in the registry" % model_id)
            continue
        mx.random.seed(0)
        if model_id.startswith("deepseek"):
            stand_in = shapes(fill(build(paths[model_id], mx.float32, layers), n, {}))
            real = shapes(fill(build(paths[model_id], mx.float32, layers, mla=False), n, {}))
        else:
            model = build(paths[model_id], mx.float32, layers)
            stand_in = shapes(fill(model, n, {}))
            gated_delta.gated_delta_ops = _gated_delta_ops
            try:
                real = shapes(fill(model, n, {}))
            finally:
                gated_delta.gated_delta_ops = _gated_delta_stand_in
        ok = stand_in == real
        print("%-8s stand-in %s (%s, %d layers, N=%d): cache arrays %s"
              % ("ok" if ok else "MISMATCH", what, model_id, layers, n,
                 "the same" if ok else "%s, real %s" % (stand_in, real)), flush=True)
        if not ok:
            tier.fail("stand-in %s changes the caches of %s" % (what, model_id))


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    paths = dict(tier.registry())
    models = {}
    probes = {}  # (model, kv_bits) -> dtypes: max_kv_size changes sizes, not dtypes
    compared = 0
    if not only:
        standin_checks(paths)
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
