"""Train the model of config.py on the token files of prepare_data.py.

python train.py                  the full run sized by mlxplan
python train.py --updates 200    a first run: the schedule is sized to the updates run
python train.py --resume         continue from checkpoints/latest (same --updates)
python train.py --tiny           the tests' tiny configuration (seconds on any Mac)
"""
import argparse
import json
import math
import os
import shutil
import time
from functools import partial

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
from mlx.utils import tree_flatten, tree_map, tree_unflatten

import config
from data import Batches, TokenFile
from model import Transformer, count_parameters


def make_schedule(tc: config.TrainConfig, updates: int):
    """Linear warm-up, then cosine decay that reaches its end at the last of the
    updates actually run (the optimizer asks the schedule for steps 0 .. updates-1).

    Both phases last at least one step: optim.cosine_decay raises for a decay
    of 0 steps, which a short first run would otherwise ask for."""
    warmup = max(1, min(tc.warmup, updates // 10))
    decay = max(1, updates - warmup - 1)
    return optim.join_schedules(
        [optim.linear_schedule(tc.peak_lr / warmup, tc.peak_lr, warmup),
         optim.cosine_decay(tc.peak_lr, decay, tc.peak_lr * tc.min_lr_ratio)],
        [warmup])


def loss_fn(model, x, y):
    logits = model(x).astype(mx.float32)
    return nn.losses.cross_entropy(logits, y, reduction="mean")


def make_update(model, optimizer, tc: config.TrainConfig):
    """One optimizer update over tc.accum_steps micro-batches, compiled with the
    model and optimizer state as inputs and outputs."""
    loss_and_grad = nn.value_and_grad(model, loss_fn)
    state = [model.state, optimizer.state, mx.random.state]

    @partial(mx.compile, inputs=state, outputs=state)
    def grad_step(x, y):
        return loss_and_grad(model, x, y)

    @partial(mx.compile, inputs=state, outputs=state)
    def apply(grads):
        grads, norm = optim.clip_grad_norm(grads, max_norm=tc.clip_norm)
        optimizer.update(model, grads)
        return norm

    @partial(mx.compile, inputs=state, outputs=state)
    def step(x, y):
        loss, grads = loss_and_grad(model, x, y)
        grads, norm = optim.clip_grad_norm(grads, max_norm=tc.clip_norm)
        optimizer.update(model, grads)
        return loss, norm

    def update(batches):
        if tc.accum_steps == 1:
            return step(*batches.next())
        loss, grads = grad_step(*batches.next())
        for _ in range(tc.accum_steps - 1):
            # evaluate each micro-batch's gradient before the next one starts,
            # so only one micro-batch's activations are alive at a time
            mx.eval(loss, grads)
            l, g = grad_step(*batches.next())
            loss, grads = loss + l, tree_map(mx.add, grads, g)
        grads = tree_map(lambda g: g / tc.accum_steps, grads)
        return loss / tc.accum_steps, apply(grads)

    return update, state


def evaluate(model, tokens, mc, tc):
    """Mean loss on the same tc.eval_batches windows of the validation file."""
    batches = Batches(tokens, tc.batch_size, mc.context, seed=12345)
    total = mx.array(0.0)
    for _ in range(tc.eval_batches):
        total = total + loss_fn(model, *batches.next())
        mx.eval(total)  # one batch's graph at a time
    return total.item() / tc.eval_batches


def save_checkpoint(out_dir, update, model, optimizer, batches):
    """Weights, optimizer state, update count and data position, written to a
    .tmp folder and renamed, so a crash never leaves a half-written checkpoint."""
    name = f"update-{update:07d}"
    tmp = os.path.join(out_dir, name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    mx.save_safetensors(os.path.join(tmp, "model.safetensors"),
                        dict(tree_flatten(model.parameters())))
    mx.save_safetensors(os.path.join(tmp, "optimizer.safetensors"),
                        dict(tree_flatten(optimizer.state)))
    with open(os.path.join(tmp, "state.json"), "w") as f:
        json.dump({"update": update, "data_rng": batches.state()}, f)
    final = os.path.join(out_dir, name)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    with open(os.path.join(out_dir, "latest.tmp"), "w") as f:
        f.write(name)
    os.replace(os.path.join(out_dir, "latest.tmp"), os.path.join(out_dir, "latest"))


def latest_checkpoint(out_dir):
    with open(os.path.join(out_dir, "latest")) as f:
        return os.path.join(out_dir, f.read().strip())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--updates", type=int, help="optimizer updates to run (default: config)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--data-dir")
    ap.add_argument("--out-dir")
    ap.add_argument("--stop-after", type=int, help="stop after this update (tests of resume)")
    args = ap.parse_args(argv)
    mc, tc = config.tiny() if args.tiny else (config.ModelConfig(), config.TrainConfig())
    data_dir, out_dir = args.data_dir or tc.data_dir, args.out_dir or tc.out_dir
    updates = args.updates or tc.updates
    if updates < 1:
        raise SystemExit(f"--updates must be at least 1, got {updates}")

    mx.random.seed(tc.seed)
    model = Transformer(mc, grad_checkpoint=tc.grad_checkpoint)
    optimizer = optim.AdamW(learning_rate=make_schedule(tc, updates),
                            weight_decay=tc.weight_decay)
    train = Batches(TokenFile(os.path.join(data_dir, "train.bin"), mc.vocab_size),
                    tc.batch_size, mc.context, tc.seed)
    valid = TokenFile(os.path.join(data_dir, "valid.bin"), mc.vocab_size)
    start = 0
    if args.resume:
        ckpt = latest_checkpoint(out_dir)
        model.load_weights(os.path.join(ckpt, "model.safetensors"))
        optimizer.state = tree_unflatten(
            list(mx.load(os.path.join(ckpt, "optimizer.safetensors")).items()))
        with open(os.path.join(ckpt, "state.json")) as f:
            saved = json.load(f)
        start = saved["update"]
        train.set_state(saved["data_rng"])
        print(f"resumed from {ckpt} at update {start}")
    model.set_dtype(getattr(mx, tc.dtype))
    mx.eval(model.parameters(), optimizer.state)
    total, embed = count_parameters(model)
    print(f"{total / 1e6:.2f}M parameters, {100 * embed / total:.0f}% in the embedding "
          f"table{'' if mc.tie_embeddings else ' and the output head'}")
    update, state = make_update(model, optimizer, tc)

    tokens_per_update = tc.batch_size * tc.accum_steps * mc.context
    os.makedirs(out_dir, exist_ok=True)
    tic, timed = time.perf_counter(), 0
    for it in range(start + 1, updates + 1):
        loss, norm = update(train)
        mx.eval(loss, norm, state)
        timed += 1
        if it == start + 1 or it % tc.log_every == 0 or it == updates:
            dt = time.perf_counter() - tic
            print(f"update {it}/{updates}: loss {loss.item():.3f}, grad norm {norm.item():.2f}, "
                  f"lr {optimizer.learning_rate.item():.2e}, "
                  f"{timed * tokens_per_update / dt:,.0f} tok/s, "
                  f"peak {mx.get_peak_memory() / 1e9:.2f} GB", flush=True)
            tic, timed = time.perf_counter(), 0
        if it % tc.eval_every == 0 or it == updates:
            val = evaluate(model, valid, mc, tc)
            print(f"update {it}: validation loss {val:.3f}, perplexity {math.exp(val):.1f}")
        if it % tc.save_every == 0 or it == updates or it == args.stop_after:
            save_checkpoint(out_dir, it, model, optimizer, train)
        if it % tc.eval_every == 0 or it % tc.save_every == 0:
            tic = time.perf_counter()  # speed lines time training only
        if it == args.stop_after:
            break


if __name__ == "__main__":
    main()
