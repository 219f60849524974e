"""A decoder-only transformer: pre-norm blocks of grouped-query attention with
RoPE and a SwiGLU MLP.

The parameter names are those of mlx_lm's llama model (model.embed_tokens,
model.layers.N.self_attn.q_proj, ..., lm_head), so export.py only has to
write them next to a config.json for mlx_lm to load the trained model.
"""
import mlx.core as mx
import mlx.nn as nn
from mlx.utils import tree_flatten

from config import ModelConfig


class KVCache:
    """Keys and values of the tokens seen so far, allocated once for the context."""

    def __init__(self, batch: int, cfg: ModelConfig, dtype):
        head_dim = cfg.dim // cfg.n_heads
        shape = (batch, cfg.n_kv_heads, cfg.context, head_dim)
        self.keys = mx.zeros(shape, dtype=dtype)
        self.values = mx.zeros(shape, dtype=dtype)
        self.offset = 0

    def update(self, keys, values):
        start, end = self.offset, self.offset + keys.shape[2]
        if end > self.keys.shape[2]:
            raise ValueError(f"the cache holds {self.keys.shape[2]} tokens, asked for {end}")
        self.keys[:, :, start:end] = keys
        self.values[:, :, start:end] = values
        self.offset = end
        return self.keys[:, :, :end], self.values[:, :, :end]


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_heads, self.n_kv_heads = cfg.n_heads, cfg.n_kv_heads
        head_dim = cfg.dim // cfg.n_heads
        self.scale = head_dim ** -0.5
        self.q_proj = nn.Linear(cfg.dim, cfg.n_heads * head_dim, bias=False)
        self.k_proj = nn.Linear(cfg.dim, cfg.n_kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(cfg.dim, cfg.n_kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(cfg.n_heads * head_dim, cfg.dim, bias=False)
        self.rope = nn.RoPE(head_dim, traditional=False, base=cfg.rope_theta)

    def __call__(self, x, cache=None):
        B, L, _ = x.shape
        q = self.q_proj(x).reshape(B, L, self.n_heads, -1).transpose(0, 2, 1, 3)
        k = self.k_proj(x).reshape(B, L, self.n_kv_heads, -1).transpose(0, 2, 1, 3)
        v = self.v_proj(x).reshape(B, L, self.n_kv_heads, -1).transpose(0, 2, 1, 3)
        offset = cache.offset if cache is not None else 0
        q, k = self.rope(q, offset=offset), self.rope(k, offset=offset)
        if cache is not None:
            k, v = cache.update(k, v)
        o = mx.fast.scaled_dot_product_attention(
            q, k, v, scale=self.scale, mask="causal" if L > 1 else None)
        return self.o_proj(o.transpose(0, 2, 1, 3).reshape(B, L, -1))


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.dim, cfg.mlp_dim, bias=False)
        self.up_proj = nn.Linear(cfg.dim, cfg.mlp_dim, bias=False)
        self.down_proj = nn.Linear(cfg.mlp_dim, cfg.dim, bias=False)

    def __call__(self, x):
        return self.down_proj(nn.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.input_layernorm = nn.RMSNorm(cfg.dim, eps=cfg.norm_eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = nn.RMSNorm(cfg.dim, eps=cfg.norm_eps)
        self.mlp = MLP(cfg)

    def __call__(self, x, cache=None):
        x = x + self.self_attn(self.input_layernorm(x), cache)
        return x + self.mlp(self.post_attention_layernorm(x))


class Backbone(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.layers = [Block(cfg) for _ in range(cfg.n_layers)]
        self.norm = nn.RMSNorm(cfg.dim, eps=cfg.norm_eps)


class Transformer(nn.Module):
    def __init__(self, cfg: ModelConfig, grad_checkpoint: bool = False):
        super().__init__()
        self.cfg = cfg
        self.grad_checkpoint = grad_checkpoint
        self.model = Backbone(cfg)
        if not cfg.tie_embeddings:
            self.lm_head = nn.Linear(cfg.dim, cfg.vocab_size, bias=False)

    def __call__(self, tokens, cache=None):
        h = self.model.embed_tokens(tokens)
        for i, layer in enumerate(self.model.layers):
            if cache is not None:
                h = layer(h, cache[i])
            elif self.grad_checkpoint:
                # nn.utils.checkpoint passes the block's parameters to
                # mx.checkpoint; mx.checkpoint(layer) alone would give them
                # zero gradients (it differentiates only its explicit inputs)
                h = nn.utils.checkpoint(layer)(h)
            else:
                h = layer(h)
        h = self.model.norm(h)
        if self.cfg.tie_embeddings:
            return self.model.embed_tokens.as_linear(h)
        return self.lm_head(h)

    def make_cache(self, batch: int = 1):
        dtype = self.model.norm.weight.dtype
        return [KVCache(batch, self.cfg, dtype) for _ in self.model.layers]


def count_parameters(model: nn.Module):
    """(all parameters, parameters in the embedding table and an untied head)."""
    total = sum(v.size for _, v in tree_flatten(model.parameters()))
    embed = model.model.embed_tokens.weight.size
    if not model.cfg.tie_embeddings:
        embed += model.lm_head.weight.size
    return total, embed
