"""Record a Metal GPU trace of a few decode steps, to open in Xcode.

usage: MTL_CAPTURE_ENABLED=1 python capture.py [MODEL]
(without that variable Metal refuses the capture; the trace must not exist)
"""
import sys

import mlx.core as mx
from mlx_lm import load
from mlx_lm.models.cache import make_prompt_cache

MODEL = sys.argv[1] if len(sys.argv) > 1 else "@MODEL@"
TRACE = "decode.gputrace"

model, tokenizer = load(MODEL)
cache = make_prompt_cache(model)
tokens = mx.array(tokenizer.encode("The quick brown fox"))[None]
y = mx.argmax(model(tokens, cache=cache)[:, -1, :], axis=-1)
mx.eval(y)
mx.metal.start_capture(TRACE)
for _ in range(8):
    y = mx.argmax(model(y[:, None], cache=cache)[:, -1, :], axis=-1)
    mx.eval(y)
mx.metal.stop_capture()
print(f"wrote {TRACE}; peak memory {mx.get_peak_memory() / 1e9:.2f} GB")
