"""Measure a model's decode and prefill speed the way mlx_lm.benchmark does
(one warm-up run, then timed repeats), next to the figure a stopwatch around
the whole call gives, and compare them with the plan's estimate for
@SETUP@.

usage: python speed_check.py [MODEL] [PROMPT_TOKENS]
"""
import sys
import time

import mlx.core as mx
from mlx_lm import load, stream_generate

MODEL = sys.argv[1] if len(sys.argv) > 1 else "@MODEL@"
PROMPT_TOKENS = int(sys.argv[2]) if len(sys.argv) > 2 else @PROMPT_TOKENS@
GEN_TOKENS = @GEN_TOKENS@
REPEATS = 3
EXPECTED_DECODE = @EXPECTED_DECODE@  # tok/s, mlxplan estimate, +/-@DECODE_BAND@%
EXPECTED_PREFILL = @EXPECTED_PREFILL@  # tok/s, mlxplan estimate, +/-@PREFILL_BAND@%

print("device", mx.default_device(), "mlx", mx.__version__)
model, tokenizer = load(MODEL)
print(f"weights in memory {mx.get_active_memory() / 1e9:.2f} GB")
prompt = mx.random.randint(0, tokenizer.vocab_size, (PROMPT_TOKENS,)).tolist()


def run():
    tic = time.perf_counter()
    last = None
    for last in stream_generate(model, tokenizer, prompt, max_tokens=GEN_TOKENS):
        pass
    return last, time.perf_counter() - tic


run()  # warm-up: kernels built, weights paged in
mx.reset_peak_memory()
runs = [run() for _ in range(REPEATS)]
mid = REPEATS // 2
decode = sorted(r.generation_tps for r, _ in runs)[mid]
prefill = sorted(r.prompt_tps for r, _ in runs)[mid]
overall = sorted(r.generation_tokens / s for r, s in runs)[mid]
print(f"decode  {decode:8.1f} tok/s  {decode / EXPECTED_DECODE:4.0%} of the estimate")
print(f"prefill {prefill:8.1f} tok/s  {prefill / EXPECTED_PREFILL:4.0%} of the estimate")
print(f"output tokens / wall time {overall:.1f} tok/s (prompt processing included)")
print(f"peak memory {mx.get_peak_memory() / 1e9:.2f} GB")
