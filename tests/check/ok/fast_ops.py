# Inference with mx.fast kernels and a hand-written decode loop: a
# preallocated KV cache written in place, asynchronous evaluation of the next
# token, wired memory around generation.
import math
from typing import Optional

import mlx.core as mx
import mlx.nn as nn


class Attention(nn.Module):
    def __init__(self, dims: int, n_heads: int, n_kv_heads: int):
        super().__init__()
        self.n_heads, self.n_kv_heads = n_heads, n_kv_heads
        self.head_dim = dims // n_heads
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.q_proj = nn.Linear(dims, n_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(dims, n_kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(dims, n_kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(n_heads * self.head_dim, dims, bias=False)
        self.norm_weight = mx.ones((dims,))

    def __call__(self, x: mx.array, cache: Optional["KVCache"] = None) -> mx.array:
        B, L, _ = x.shape
        x = mx.fast.rms_norm(x, self.norm_weight, 1e-5)
        q = self.q_proj(x).reshape(B, L, self.n_heads, -1).transpose(0, 2, 1, 3)
        k = self.k_proj(x).reshape(B, L, self.n_kv_heads, -1).transpose(0, 2, 1, 3)
        v = self.v_proj(x).reshape(B, L, self.n_kv_heads, -1).transpose(0, 2, 1, 3)
        offset = cache.offset if cache is not None else 0
        q = mx.fast.rope(q, self.head_dim, traditional=False, base=10000.0, scale=1.0, offset=offset)
        k = mx.fast.rope(k, self.head_dim, traditional=False, base=10000.0, scale=1.0, offset=offset)
        if cache is not None:
            k, v = cache.update_and_fetch(k, v)
        mask = "causal" if L > 1 else None
        out = mx.fast.scaled_dot_product_attention(q, k, v, scale=self.scale, mask=mask)
        return self.o_proj(out.transpose(0, 2, 1, 3).reshape(B, L, -1))


class KVCache:
    step = 256

    def __init__(self):
        self.keys = self.values = None
        self.offset = 0

    def update_and_fetch(self, keys, values):
        prev = self.offset
        if self.keys is None or prev + keys.shape[2] > self.keys.shape[2]:
            B, H, _, D = keys.shape
            n = (self.step + keys.shape[2] - 1) // self.step * self.step
            new_k = mx.zeros((B, H, n, D), keys.dtype)
            new_v = mx.zeros((B, H, n, D), values.dtype)
            if self.keys is not None:
                self.keys = mx.concatenate([self.keys[..., :prev, :], new_k], axis=2)
                self.values = mx.concatenate([self.values[..., :prev, :], new_v], axis=2)
            else:
                self.keys, self.values = new_k, new_v
        self.offset += keys.shape[2]
        self.keys[..., prev : self.offset, :] = keys
        self.values[..., prev : self.offset, :] = values
        return self.keys[..., : self.offset, :], self.values[..., : self.offset, :]


class TinyLM(nn.Module):
    def __init__(self, vocab: int = 1000, dims: int = 256):
        super().__init__()
        self.embed = nn.Embedding(vocab, dims)
        self.attn = Attention(dims, 8, 2)
        self.head = nn.Linear(dims, vocab, bias=False)

    def __call__(self, tokens, cache=None):
        return self.head(self.attn(self.embed(tokens), cache))


@partial_gelu := mx.compile
def gelu_tanh(x):
    return 0.5 * x * (1 + mx.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def generate(model, prompt: mx.array, max_tokens: int):
    cache = KVCache()
    logits = model(prompt[None], cache)
    y = mx.argmax(logits[:, -1, :], axis=-1)
    mx.async_eval(y)
    tokens = []
    for _ in range(max_tokens):
        next_logits = model(y[:, None], cache)
        next_y = mx.argmax(next_logits[:, -1, :], axis=-1)
        mx.async_eval(next_y)
        tokens.append(y.item())
        y = next_y
    return tokens


def main():
    model = TinyLM()
    model.set_dtype(mx.bfloat16)
    mx.eval(model.parameters())
    limit = mx.device_info()["max_recommended_working_set_size"]
    old = mx.set_wired_limit(limit)
    try:
        out = generate(model, mx.array([1, 2, 3]), 32)
    finally:
        mx.synchronize()
        mx.set_wired_limit(old)
    print(out, gelu_tanh(mx.array([0.5])))
    print(f"peak {mx.get_peak_memory() / 2**30:.2f} GiB")
    mx.clear_cache()


if __name__ == "__main__":
    main()
