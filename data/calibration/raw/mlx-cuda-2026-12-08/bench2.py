# bench2.py: MLX (CUDA backend) speed and memory on random-weight mlx_lm models, for mlxplan's
# calibration table. Phases (env PHASE, comma-separated): moe, long, batch. Each measurement is
# appended as one JSON line to $OUT/res_<phase>.jsonl as soon as it is done; BUDGET (seconds, from
# process start) stops new measurements. TINY=1 shrinks every config (CPU smoke test).
import gc, importlib, json, os, statistics, sys, time, traceback
import mlx.core as mx
import mlx.nn as nn
from mlx_lm.models.cache import make_prompt_cache
from mlx_lm.generate import generate_step, BatchGenerator
from mlx_lm.utils import quantize_model

T_START = time.perf_counter()
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("OUT", "/tmp")
BUDGET = float(os.environ.get("BUDGET", "1e9"))
TINY = os.environ.get("TINY") == "1"
REPS = int(os.environ.get("REPS", "2" if TINY else "3"))
GB = 1e9
MODELS = {
    "llama31_8b": "meta-llama--Llama-3.1-8B-Instruct.json",
    "qwen3_8b": "Qwen--Qwen3-8B.json",
    "llama32_1b": "meta-llama--Llama-3.2-1B-Instruct.json",
    "qwen3_30b_a3b": "Qwen--Qwen3-30B-A3B.json",
    "gpt_oss_20b": "openai--gpt-oss-20b.json",
    "qwen36_35b_a3b": "Qwen--Qwen3.6-35B-A3B.json",
}


def log(*a):
    print(f"[{time.perf_counter() - T_START:7.1f}s]", *a, flush=True)


def left_s():
    return BUDGET - (time.perf_counter() - T_START)


def shrink(c):
    """TINY mode: same architecture, toy sizes (layer pattern kept for hybrids)."""
    c = dict(c)
    if "text_config" in c:
        c["text_config"] = shrink(c["text_config"])
        return c
    small = dict(hidden_size=64, intermediate_size=128, num_attention_heads=4, num_key_value_heads=2,
                 head_dim=16, vocab_size=512, moe_intermediate_size=64, shared_expert_intermediate_size=64,
                 linear_num_key_heads=2, linear_num_value_heads=4, linear_key_head_dim=16,
                 linear_value_head_dim=16, sliding_window=16)
    for k, v in small.items():
        if k in c:
            c[k] = v
    for k in ("num_experts", "num_local_experts"):
        if k in c:
            c[k] = 8
    for k in ("num_experts_per_tok", "experts_per_token"):
        if k in c:
            c[k] = 2
    n = 4
    c["num_hidden_layers"] = n
    if isinstance(c.get("layer_types"), list):
        c["layer_types"] = c["layer_types"][:n]
    c.pop("quantization", None)
    return c


def load_cfg(name):
    c = json.load(open(os.path.join(HERE, "cfg", MODELS[name])))
    c = {k: v for k, v in c.items() if not k.startswith("_")}
    return shrink(c) if TINY else c


def text_cfg(c):
    return c.get("text_config", c)


def build(name, quant):
    """Random-weight mlx_lm model; quant in bf16, q4, q8, mxfp4 (mlx_lm.utils.quantize_model,
    the path mlx_lm.convert takes, model's own quant_predicate honoured). Lazy construction,
    then evaluated one layer at a time so fp32 temporaries stay bounded."""
    cfg = load_cfg(name)
    mod = importlib.import_module("mlx_lm.models." + cfg["model_type"])
    model = mod.Model(mod.ModelArgs.from_dict(cfg))
    # TINY on the CPU backend: GatherMM there is float32-only, so unquantized runs use fp32
    model.set_dtype(mx.float32 if (TINY and quant == "bf16") else mx.bfloat16)
    if quant != "bf16":
        mode, bits, gs = {"q4": ("affine", 4, 64), "q8": ("affine", 8, 64),
                          "mxfp4": ("mxfp4", 4, 32)}[quant]
        model, _ = quantize_model(model, cfg, gs, bits, mode=mode)
    layers = model.layers
    for l in layers:
        mx.eval(l.parameters())
    mx.eval(model.parameters())
    gc.collect()
    mx.clear_cache()
    return model, cfg


def weights_gb(model):
    from mlx.utils import tree_flatten
    return sum(v.nbytes for _, v in tree_flatten(model.parameters())) / GB


def rand_prompt(V, n, b=None):
    shape = (n,) if b is None else (b, n)
    p = mx.random.randint(0, V, shape).astype(mx.int32)
    mx.eval(p)
    return p


def gen_run(model, V, plen, gen):
    """generate_step (mlx_lm.generate's loop): returns (ttft_s, decode tok/s over tokens 2..gen)."""
    prompt = rand_prompt(V, plen)
    cache = make_prompt_cache(model)
    t0 = time.perf_counter()
    t1 = None
    n = 0
    for _tok, _ in generate_step(prompt, model, max_tokens=gen, prompt_cache=cache):
        if n == 0:
            t1 = time.perf_counter()
        n += 1
    t2 = time.perf_counter()
    del cache
    dec = (n - 1) / (t2 - t1) if n > 1 else None
    return t1 - t0, dec


class Writer:
    def __init__(self, phase):
        self.path = os.path.join(OUT, f"res_{phase}.jsonl")
        self.phase = phase

    def put(self, **r):
        r = dict(phase=self.phase, t_s=round(time.perf_counter() - T_START, 1), **r)
        with open(self.path, "a") as f:
            f.write(json.dumps(r) + "\n")
        log(json.dumps(r))


med = statistics.median


def measure_single(w, name, quant, plens_prefill, dec_plen, dec_gen, dec_after=()):
    """Decode at dec_plen, prefill (TTFT) at each of plens_prefill, decode after each of dec_after.
    Peak memory reset before each measurement."""
    t = time.perf_counter()
    model, cfg = build(name, quant)
    V = text_cfg(cfg)["vocab_size"]
    wgb = weights_gb(model)
    active = mx.get_active_memory() / GB
    w.put(model=name, quant=quant, what="weights", weights_gb=round(wgb, 3),
          active_gb=round(active, 3), build_s=round(time.perf_counter() - t, 1))
    gen_run(model, V, 64 if TINY else 512, 8)          # warm-up: kernels, JIT
    gen_run(model, V, min(plens_prefill) if plens_prefill else 128, 2)
    mx.clear_cache()
    if dec_plen and left_s() > 0:
        mx.reset_peak_memory()
        runs = [gen_run(model, V, dec_plen, dec_gen) for _ in range(REPS)]
        w.put(model=name, quant=quant, what="decode", prompt_tokens=dec_plen, gen_tokens=dec_gen,
              decode_tps=round(med([r[1] for r in runs]), 2), decode_all=[round(r[1], 2) for r in runs],
              ttft_s=round(med([r[0] for r in runs]), 4), weights_gb=round(wgb, 3),
              peak_gb=round(mx.get_peak_memory() / GB, 3))
    for p in plens_prefill:
        if left_s() <= 0:
            break
        mx.clear_cache()
        mx.reset_peak_memory()
        reps = REPS if p <= 4096 else 1
        tt = [gen_run(model, V, p, 1)[0] for _ in range(reps)]
        w.put(model=name, quant=quant, what="prefill", prompt_tokens=p, ttft_s=round(med(tt), 4),
              ttft_all=[round(x, 4) for x in tt], prefill_tps=round(p / med(tt), 1),
              weights_gb=round(wgb, 3), peak_gb=round(mx.get_peak_memory() / GB, 3))
    for p in dec_after:
        if left_s() <= 0:
            break
        mx.clear_cache()
        mx.reset_peak_memory()
        ttft, dec = gen_run(model, V, p, dec_gen)
        w.put(model=name, quant=quant, what="decode", prompt_tokens=p, gen_tokens=dec_gen,
              decode_tps=round(dec, 2), ttft_s=round(ttft, 4), prefill_tps=round(p / ttft, 1),
              weights_gb=round(wgb, 3), peak_gb=round(mx.get_peak_memory() / GB, 3))
    del model
    gc.collect()
    mx.clear_cache()


def batch_run(model, V, B, plen, gen):
    """BatchGenerator with B prompts of plen tokens, all decoded together (prefill and completion
    batch = B). Aggregate decode tok/s = tokens generated in steps 2..last / their wall time."""
    g = BatchGenerator(model, max_tokens=gen, stop_tokens=[], completion_batch_size=B,
                       prefill_batch_size=B)
    prompts = rand_prompt(V, plen, B).tolist()
    g.insert(prompts, [gen] * B)
    times, counts = [], []
    t0 = time.perf_counter()
    while True:
        rs = g.next_generated()
        if not rs:
            break
        times.append(time.perf_counter())
        counts.append(len(rs))
    g.close()
    ttft = times[0] - t0
    agg = sum(counts[1:]) / (times[-1] - times[0])
    return agg, ttft, sum(counts)


def phase_moe(w):
    plans = [("qwen3_30b_a3b", "q4"), ("gpt_oss_20b", "mxfp4"), ("qwen36_35b_a3b", "q4"),
             ("qwen3_30b_a3b", "q8"), ("gpt_oss_20b", "q4"), ("qwen36_35b_a3b", "q8"),
             ("gpt_oss_20b", "bf16"), ("qwen3_30b_a3b", "bf16"), ("gpt_oss_20b", "q8")]
    sel = os.environ.get("PLANS")
    if sel:
        plans = [tuple(x.split(":")) for x in sel.split(",")]
    for name, q in plans:
        if left_s() <= 0:
            log("budget spent; stop"); break
        try:
            measure_single(w, name, q, [128, 512, 4096] if not TINY else [32, 96], 512 if not TINY else 48,
                           64 if not TINY else 8)
        except Exception as e:
            traceback.print_exc()
            w.put(model=name, quant=q, what="error", error=repr(e)[:400])
            gc.collect(); mx.clear_cache()


def phase_long(w):
    plans = [("llama31_8b", "bf16"), ("llama31_8b", "q4"), ("llama31_8b", "q8")]
    sel = os.environ.get("PLANS")
    if sel:
        plans = [tuple(x.split(":")) for x in sel.split(",")]
    lens = [8192, 16384, 32768] if not TINY else [128, 256]
    for name, q in plans:
        if left_s() <= 0:
            log("budget spent; stop"); break
        try:
            measure_single(w, name, q, lens, 0, 64 if not TINY else 8, dec_after=lens)
        except Exception as e:
            traceback.print_exc()
            w.put(model=name, quant=q, what="error", error=repr(e)[:400])
            gc.collect(); mx.clear_cache()


def phase_batch(w):
    plans = [("llama31_8b", "q4"), ("llama31_8b", "bf16"), ("llama31_8b", "q8")]
    sel = os.environ.get("PLANS")
    if sel:
        plans = [tuple(x.split(":")) for x in sel.split(",")]
    plen = 128 if not TINY else 16
    gen = 64 if not TINY else 8
    for name, q in plans:
        if left_s() <= 0:
            log("budget spent; stop"); break
        try:
            model, cfg = build(name, q)
            V = text_cfg(cfg)["vocab_size"]
            wgb = weights_gb(model)
            batch_run(model, V, 2, plen, 8)               # warm-up
            for B in (1, 2, 4, 8, 16, 32):
                if left_s() <= 0:
                    break
                mx.clear_cache(); mx.reset_peak_memory()
                runs = [batch_run(model, V, B, plen, gen) for _ in range(2)]
                w.put(model=name, quant=q, what="batch_decode", batch=B, prompt_tokens=plen,
                      gen_tokens=gen, agg_decode_tps=round(max(r[0] for r in runs), 1),
                      agg_all=[round(r[0], 1) for r in runs],
                      per_stream_tps=round(max(r[0] for r in runs) / B, 2),
                      ttft_s=round(min(r[1] for r in runs), 4), tokens=runs[0][2],
                      weights_gb=round(wgb, 3), peak_gb=round(mx.get_peak_memory() / GB, 3))
            del model
            gc.collect(); mx.clear_cache()
        except Exception as e:
            traceback.print_exc()
            w.put(model=name, quant=q, what="error", error=repr(e)[:400])
            gc.collect(); mx.clear_cache()


def main():
    log("mlx", mx.__version__, mx.default_device(), "budget", BUDGET, "tiny", TINY)
    for ph in os.environ.get("PHASE", "moe").split(","):
        if left_s() <= 0:
            break
        {"moe": phase_moe, "long": phase_long, "batch": phase_batch}[ph](Writer(ph))
    log("done")


if __name__ == "__main__":
    main()
