# LoRA fine-tuning in the style of mlx_lm's trainer: a quantized base from
# mlx_lm.load, adapters from linear_to_lora_layers, a compiled step with
# gradient accumulation, state evaluated once per step, loss read only every
# steps_per_report steps.
import json
from functools import partial
from pathlib import Path

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
import numpy as np
from mlx.utils import tree_flatten, tree_map
from mlx_lm import load
from mlx_lm.tuner.utils import linear_to_lora_layers

ITERS = 600
STEPS_PER_REPORT = 10
GRAD_ACCUM = 4


def default_loss(model, batch, lengths):
    inputs, targets = batch[:, :-1], batch[:, 1:]
    logits = model(inputs)
    steps = mx.arange(1, targets.shape[1] + 1)
    mask = mx.logical_and(steps >= lengths[:, 0:1], steps <= lengths[:, 1:])
    ce = nn.losses.cross_entropy(logits, targets) * mask
    ntoks = mask.sum()
    return ce.astype(mx.float32).sum() / ntoks, ntoks


def iterate_batches(dataset, batch_size, max_len=2048):
    while True:
        idx = np.random.permutation(len(dataset))
        for i in range(0, len(idx) - batch_size + 1, batch_size):
            rows = [dataset[j] for j in idx[i : i + batch_size]]
            width = min(max(len(r) for r in rows), max_len)
            arr = np.zeros((batch_size, width), np.int32)
            for k, r in enumerate(rows):
                arr[k, : len(r)] = r[:width]
            lengths = mx.array([[0, min(len(r), width)] for r in rows])
            yield mx.array(arr), lengths


def main(data_path: str, adapter_dir: str, seed: int = 0):
    np.random.seed(seed)
    mx.random.seed(seed)
    model, tokenizer = load("mlx-community/Qwen3-0.6B-4bit")
    model.freeze()
    linear_to_lora_layers(model, 8, {"rank": 8, "scale": 20.0, "dropout": 0.0})
    n_trainable = sum(v.size for _, v in tree_flatten(model.trainable_parameters()))
    print(f"trainable parameters: {n_trainable / 1e6:.3f}M")

    with open(data_path) as f:
        dataset = [tokenizer.encode(json.loads(line)["text"]) for line in f]

    schedule = optim.join_schedules(
        [optim.linear_schedule(0.0, 1e-5, 100), optim.cosine_decay(1e-5, ITERS - 100)], [100]
    )
    optimizer = optim.Adam(learning_rate=schedule)
    loss_value_and_grad = nn.value_and_grad(model, default_loss)
    state = [model.state, optimizer.state, mx.random.state]

    @partial(mx.compile, inputs=state, outputs=state)
    def step(batch, lengths, prev_grad, do_update):
        (lvalue, toks), grad = loss_value_and_grad(model, batch, lengths)
        if prev_grad is not None:
            grad = tree_map(lambda x, y: x + y, grad, prev_grad)
        if do_update:
            grad = tree_map(lambda x: x / GRAD_ACCUM, grad)
            optimizer.update(model, grad)
            grad = None
        return lvalue, toks, grad

    model.train()
    losses, n_tokens, grad_accum = 0, 0, None
    for it, (batch, lengths) in zip(range(1, ITERS + 1), iterate_batches(dataset, 4)):
        lvalue, toks, grad_accum = step(batch, lengths, grad_accum, it % GRAD_ACCUM == 0)
        losses += lvalue
        n_tokens += toks
        mx.eval(state, losses, n_tokens, grad_accum)
        if it % STEPS_PER_REPORT == 0:
            train_loss = losses.item() / STEPS_PER_REPORT
            print(f"iter {it}: loss {train_loss:.3f}, tokens {n_tokens.item()}")
            losses, n_tokens = 0, 0

    adapters = dict(tree_flatten(model.trainable_parameters()))
    Path(adapter_dir).mkdir(parents=True, exist_ok=True)
    mx.save_safetensors(str(Path(adapter_dir) / "adapters.safetensors"), adapters)


if __name__ == "__main__":
    main("data/train.jsonl", "adapters")
