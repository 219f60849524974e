"""A generation loop of your own, written as mlx_lm's generate_step is: a
KV cache (each step runs one new token, not the whole text), the prompt
prefilled in chunks, and the next token queued with mx.async_eval before
the current one is read, so the GPU never waits for Python.

usage: python own_loop.py [MODEL]
"""
import sys
import time

import mlx.core as mx
from mlx_lm import load
from mlx_lm.models.cache import make_prompt_cache

MODEL = sys.argv[1] if len(sys.argv) > 1 else "@MODEL@"
MAX_TOKENS = @GEN_TOKENS@
CHUNK = 2048  # mlx_lm's prefill step

model, tokenizer = load(MODEL)
cache = make_prompt_cache(model)
prompt = mx.array(tokenizer.encode("Explain unified memory in three sentences."))


def step(tokens):
    logits = model(tokens[None], cache=cache)[:, -1, :]
    return mx.argmax(logits, axis=-1)


tic = time.perf_counter()
for start in range(0, prompt.size - 1, CHUNK):
    model(prompt[start:min(start + CHUNK, prompt.size - 1)][None], cache=cache)
    mx.eval([c.state for c in cache])
y = step(prompt[-1:])
mx.async_eval(y)
out = []
for _ in range(MAX_TOKENS):
    next_y = step(y)
    mx.async_eval(next_y)  # queued before y is read
    token = y.item()
    if token in tokenizer.eos_token_ids:
        break
    out.append(token)
    y = next_y
elapsed = time.perf_counter() - tic
print(tokenizer.decode(out))
print(f"{len(out)} tokens, {len(out) / elapsed:.1f} tok/s including the prompt")
