# expect: MLX206 10:1
# Memory sizes set by hand for a hand-written generation loop that never
# wires the weights.
import mlx.core as mx
from mlx_lm import load
from mlx_lm.generate import generate_step
from mlx_lm.sample_utils import make_sampler

GB = 1024**3
mx.set_memory_limit(60 * GB)
mx.set_cache_limit(4 * GB)
model, tokenizer = load("mlx-community/Llama-3.3-70B-Instruct-4bit")
prompt = mx.array(tokenizer.encode("Write a story."))
sampler = make_sampler(temp=0.8)
for (token, _), n in zip(generate_step(prompt, model, sampler=sampler), range(256)):
    print(tokenizer.decode([token]), end="", flush=True)
