"""Generate text from a checkpoint with a KV cache, temperature and top-p.

python generate.py "Once upon a time" --max-tokens 200 --temp 0.8 --top-p 0.95
python generate.py "..." --quantize 4     4-bit weights (nn.quantize) for faster decoding
"""
import argparse
import json
import os
import time

import mlx.core as mx
import mlx.nn as nn

import config
from data import load_tokenizer
from model import Transformer
from train import latest_checkpoint


def sample(logits, temp: float, top_p: float):
    """One token per row: greedy at temp 0, else from the smallest set of tokens
    whose probabilities reach top_p."""
    if temp == 0:
        return mx.argmax(logits, axis=-1)
    logits = logits / temp
    if top_p < 1.0:
        order = mx.argsort(-logits, axis=-1)
        sorted_logits = mx.take_along_axis(logits, order, axis=-1)
        probs = mx.softmax(sorted_logits, axis=-1)
        before = mx.cumsum(probs, axis=-1) - probs  # mass of the better tokens
        sorted_logits = mx.where(before < top_p, sorted_logits, -float("inf"))
        pick = mx.random.categorical(sorted_logits)
        return mx.take_along_axis(order, pick[:, None], axis=-1)[:, 0]
    return mx.random.categorical(logits)


def generate(model, prompt_ids, max_tokens: int, temp: float = 0.8, top_p: float = 0.95):
    """Yield token ids.  Each step queues the next token with mx.async_eval before
    reading the current one, so the GPU computes while Python waits."""
    context = model.cfg.context
    if len(prompt_ids) + max_tokens > context:
        raise ValueError(f"prompt ({len(prompt_ids)}) + max_tokens ({max_tokens}) exceeds "
                         f"the context of {context} tokens")
    cache = model.make_cache(1)
    token = sample(model(mx.array(prompt_ids)[None], cache=cache)[:, -1], temp, top_p)
    mx.async_eval(token)
    for _ in range(max_tokens - 1):
        following = sample(model(token[:, None], cache=cache)[:, -1], temp, top_p)
        mx.async_eval(following)
        yield token.item()
        token = following
    yield token.item()


def load(checkpoint: str, tiny: bool, bits: int = 0):
    mc, tc = config.tiny() if tiny else (config.ModelConfig(), config.TrainConfig())
    model = Transformer(mc)
    model.load_weights(os.path.join(checkpoint, "model.safetensors"))
    if bits:
        nn.quantize(model, group_size=64, bits=bits)
    mx.eval(model.parameters())
    return model, tc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("prompt")
    ap.add_argument("--checkpoint", help="default: checkpoints/latest")
    ap.add_argument("--max-tokens", type=int, default=200)
    ap.add_argument("--temp", type=float, default=0.8)
    ap.add_argument("--top-p", type=float, default=0.95)
    ap.add_argument("--quantize", type=int, choices=(4, 8), default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tiny", action="store_true")
    args = ap.parse_args()
    mx.random.seed(args.seed)
    tc0 = config.TrainConfig()
    model, tc = load(args.checkpoint or latest_checkpoint(tc0.out_dir), args.tiny, args.quantize)
    with open(os.path.join(tc.data_dir, "train.bin.json")) as f:
        tok = load_tokenizer(json.load(f)["tokenizer"])
    ids = []
    tic = time.perf_counter()
    for t in generate(model, tok.encode(args.prompt), args.max_tokens, args.temp, args.top_p):
        ids.append(t)
    dt = time.perf_counter() - tic
    print(args.prompt + tok.decode(ids))
    print(f"{len(ids)} tokens, {len(ids) / dt:.1f} tok/s (prompt included), "
          f"peak {mx.get_peak_memory() / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
