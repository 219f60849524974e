#!/usr/bin/env python3
"""Turn the JSONL results of a device run (bench2.py's res_<phase>.jsonl) into rows of a
calibration table with the columns of data/calibration/mlx-cuda-h100.tsv.

usage: device_run.py RAW_DIR > data/calibration/mlx-cuda-h100-2.tsv

RAW_DIR holds res_moe.jsonl, res_long.jsonl and res_batch.jsonl (one JSON object per
measurement; "weights" and "error" lines are skipped).  Each output row cites the run and
states how its number was taken; nothing is estimated here.
"""
import json
import os
import sys

COLS = ("id kind model_config hf_id_as_measured quant_mode bits group_size chip chip_certain "
        "memory_gb prompt_tokens gen_tokens measured_value unit peak_mem_gb measurement batch "
        "lora_batch lora_seq_len lora_layers lora_rank runtime_version source notes "
        "source_group use").split()
MODELS = {  # bench2.py name -> (registry config, Hugging Face id whose shapes were built)
    "llama31_8b": ("meta-llama--Llama-3.1-8B-Instruct.json", "meta-llama/Llama-3.1-8B-Instruct"),
    "qwen3_30b_a3b": ("Qwen--Qwen3-30B-A3B.json", "Qwen/Qwen3-30B-A3B"),
    "gpt_oss_20b": ("openai--gpt-oss-20b.json", "openai/gpt-oss-20b"),
}
QUANTS = {  # bench2.py quant -> (quant_mode, bits, group_size)
    "bf16": ("bf16", "16", ""), "q4": ("affine", "4", "64"), "q8": ("affine", "8", "64"),
    "mxfp4": ("mxfp4", "4", "32"),
}
CHIP = "H100 SXM5 80GB"
RUNTIME = ("mlx 0.32.2.dev @846d176 built with MLX_BUILD_CUDA=ON (sm_90a), mlx-lm 0.32.0 "
           "@d78bf58; CUDA 13.0, driver 580.159.04; MLX_CUDA_USE_CUDNN_SDPA=0")
SOURCE = ("mlxplan project's own run on one NVIDIA H100 80GB HBM3 (SXM, 700 W), 2026-12-08; "
          "script and raw JSONL: data/calibration/raw/mlx-cuda-2026-12-08/")
GROUP = "mlxplan-device-run-2026-12-08"
BUILD = ("random weights, mlx_lm model class from the config; quantized with "
         "mlx_lm.utils.quantize_model (as mlx_lm.convert; the model's quant_predicate keeps "
         "the router at 8-bit g64)")


def g4(x):
    return f"{x:.4g}"


def rows_of(raw):
    out = []
    for phase in ("moe", "long", "batch"):
        path = os.path.join(raw, f"res_{phase}.jsonl")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{n}: not JSON ({e})")
                if r["what"] in ("weights", "error"):
                    continue
                out.extend(convert(r))
    return out


def base(r, kind):
    cfg, hf = MODELS[r["model"]]
    qm, bits, gs = QUANTS[r["quant"]]
    return dict(kind=kind, model_config=cfg, hf_id_as_measured=f"{hf} (random weights, same shapes)",
                quant_mode=qm, bits=bits, group_size=gs, chip=CHIP, chip_certain="yes",
                memory_gb="80", runtime_version=RUNTIME, source=SOURCE, source_group=GROUP,
                use="fit", batch="1", measurement="mlx_lm generate_step")


def convert(r):
    w = f"weights {r['weights_gb']:.3f} GB (sum of nbytes); {BUILD}"
    if r["phase"] in ("long", "batch") and "peak_gb" in r:
        # The memory constants are shared by every chip, and these peaks are made of the CUDA
        # backend's transient buffers (attention unfused with cuDNN SDPA off; dequantizing
        # prefill): recorded, but not a memory row until the model has a CUDA term for them.
        w += (f"; peak {r['peak_gb']:.3f} GB (mx.get_peak_memory), kept out of peak_mem_gb: "
              "CUDA-backend transients the shared memory constants do not model")
        r = dict(r)
        del r["peak_gb"]
    if r["model"] == "gpt_oss_20b" and r["quant"] != "mxfp4":
        # built from bf16 experts: not the published checkpoint, whose experts stay mxfp4
        # in mlx_lm.convert (src/engine/calib.c leaves such rows unresolved)
        w += ("; experts requantized: every expert is " + r["quant"] + " here, while the "
              "published checkpoint's experts are mxfp4 (what the estimator models)")
    peak = f"{r['peak_gb']:.3f}" if "peak_gb" in r else ""
    if r["what"] == "decode" and "decode_all" in r:   # moe phase: 3 runs after warm-up
        d = base(r, "decode")
        d.update(prompt_tokens=str(r["prompt_tokens"]), gen_tokens=str(r["gen_tokens"]),
                 measured_value=g4(r["decode_tps"]), unit="tok/s", peak_mem_gb=peak,
                 notes=f"{r['phase']} phase; generate_step greedy, prompt cache; "
                       f"(n-1)/(t_last-t_first), median of 3 after warm-up "
                       f"(runs {', '.join(str(x) for x in r['decode_all'])} tok/s); "
                       f"peak = mx.get_peak_memory over the 3 runs; {w}")
        t = base(r, "ttft")
        t.update(prompt_tokens=str(r["prompt_tokens"]), gen_tokens="0",
                 measured_value=g4(r["ttft_s"] * 1e3), unit="ms", peak_mem_gb="",
                 notes=f"{r['phase']} phase; time to first token of the decode runs, "
                       f"{r['prompt_tokens']}-token prompt, median of 3; {w}")
        return [d, t]
    if r["what"] == "decode":                          # long phase: one run after a long prompt
        d = base(r, "decode")
        d.update(prompt_tokens=str(r["prompt_tokens"]), gen_tokens=str(r["gen_tokens"]),
                 measured_value=g4(r["decode_tps"]), unit="tok/s", peak_mem_gb=peak,
                 notes=f"{r['phase']} phase; decode after a {r['prompt_tokens']}-token prompt "
                       f"(prefilled in 2048-token chunks), generate_step greedy, "
                       f"(n-1)/(t_last-t_first), one run; peak = mx.get_peak_memory of the "
                       f"run (prefill included); {w}")
        return [d]
    if r["what"] == "prefill":
        d = base(r, "prefill")
        reps = len(r["ttft_all"])
        d.update(prompt_tokens=str(r["prompt_tokens"]), gen_tokens="0",
                 measured_value=g4(r["prefill_tps"]), unit="tok/s", peak_mem_gb=peak,
                 notes=f"{r['phase']} phase; prompt tokens / time to first token through "
                       f"generate_step (2048-token chunks), "
                       + ("median of 3" if reps > 1 else "one run")
                       + f"; peak = mx.get_peak_memory of the prefill; {w}")
        return [d]
    if r["what"] == "batch_decode":
        d = base(r, "decode")
        b = r["batch"]
        d.update(prompt_tokens=str(r["prompt_tokens"]), gen_tokens=str(r["gen_tokens"]),
                 measured_value=g4(r["agg_decode_tps"]), unit="tok/s", peak_mem_gb=peak,
                 measurement="BatchGenerator", batch=str(b),
                 notes=f"batch phase; mlx_lm BatchGenerator, {b} prompts of "
                       f"{r['prompt_tokens']} tokens inserted together (prefill_batch_size = "
                       f"completion_batch_size = {b}), greedy; measured_value is the AGGREGATE "
                       f"decode tok/s of all {b} streams (tokens of steps 2..last / their wall "
                       f"time), best of 2 runs ({', '.join(str(x) for x in r['agg_all'])}); "
                       f"per stream {r['per_stream_tps']}; {w}")
        if b == 1:  # BatchGenerator's own overhead at B=1: not the single-stream path
            d["use"] = "validation"
            d["notes"] += ("; validation only: at B=1 BatchGenerator is slower than "
                           "generate_step on the same model (see the decode rows)")
        return [d]
    sys.exit(f"unknown measurement {r['what']!r}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: device_run.py RAW_DIR")
    rows = rows_of(sys.argv[1])
    print("# Measured MLX runs on an NVIDIA H100 (CUDA backend), 2026-12-08: MoE, long prompts and")
    print("# batch decode; written by tools/calib/device_run.py from the raw JSONL beside the script")
    print("# (data/calibration/raw/mlx-cuda-2026-12-08/); use=validation rows are never fitted.")
    print("\t".join(COLS))
    for i, d in enumerate(rows, 1):
        d["id"] = f"cuda2-{i:03d}-{d['kind']}"
        for k in COLS:
            d.setdefault(k, "")
            if "\t" in d[k] or "\n" in d[k]:
                sys.exit(f"row {d['id']}: a tab or newline in {k}")
        print("\t".join(d[k] for k in COLS))


if __name__ == "__main__":
    main()
