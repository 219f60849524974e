"""Answer held-out prompts of data/test.jsonl with the base model alone and
with the adapters, greedy, so the only difference is the adapters.  The two
models are loaded one after the other, so memory holds one at a time.

usage: python compare_adapters.py [N]
"""
import json
import sys

import mlx.core as mx
from mlx_lm import generate, load

BASE = "@MODEL@"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 5

with open("data/test.jsonl", encoding="utf-8") as f:
    rows = [json.loads(line) for line in f if line.strip()][:N]


def prompt_of(tokenizer, row):
    if "messages" in row:
        return tokenizer.apply_chat_template(row["messages"][:-1], add_generation_prompt=True)
    if "prompt" in row:
        user = [{"role": "user", "content": row["prompt"]}]
        return tokenizer.apply_chat_template(user, add_generation_prompt=True)
    return row["text"][:200]


def answers(adapters):
    model, tokenizer = load(BASE, adapter_path=adapters)
    out = [generate(model, tokenizer, prompt_of(tokenizer, r), max_tokens=200) for r in rows]
    del model
    mx.clear_cache()
    return out


base = answers(None)  # no adapter loaded: the base model as it is
adapted = answers("adapters")
for b, a in zip(base, adapted):
    print("=" * 72)
    print("base:   ", b)
    print("adapted:", a)
