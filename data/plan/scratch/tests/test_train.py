"""Training tests: the schedule of a short run, overfitting one batch, the
loss falling over 50 updates, determinism, checkpoints and resume, data checks."""
import os

import common
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
import numpy as np
from mlx.utils import tree_flatten, tree_map

import config
import train
from data import Batches, TokenFile, write_tokens
from model import Transformer


def run_updates(n, seed=0, batches=None, fixed=None):
    """Losses of n tiny updates (fixed: one (x, y) batch used every time)."""
    mc, tc = config.tiny()
    mx.random.seed(seed)
    model = Transformer(mc)
    optimizer = optim.AdamW(learning_rate=train.make_schedule(tc, n),
                            weight_decay=tc.weight_decay)
    update, state = train.make_update(model, optimizer, tc)

    class Fixed:
        def next(self):
            return fixed

    losses = []
    for _ in range(n):
        loss, _ = update(Fixed() if fixed is not None else batches)
        mx.eval(loss, state)
        losses.append(loss.item())
    return losses


def test_schedule_of_a_short_run():
    """Any number of updates gives a schedule (cosine_decay raises for 0 decay
    steps); from 10 updates on, the last update runs at the final rate."""
    tc = config.TrainConfig()
    for updates in (1, 2, 3, 10, 200, tc.updates):
        schedule = train.make_schedule(tc, updates)
        rates = [schedule(mx.array(s)).item() for s in (0, updates - 1)]
        assert all(0 < r <= tc.peak_lr * 1.0001 for r in rates), (updates, rates)
        if updates >= 10:
            assert abs(rates[1] - tc.peak_lr * tc.min_lr_ratio) < 1e-3 * tc.peak_lr, rates


def test_overfits_one_batch():
    mc, _ = config.tiny()
    mx.random.seed(1)
    x = mx.random.randint(0, mc.vocab_size, (4, mc.context + 1))
    losses = run_updates(100, fixed=(x[:, :-1], x[:, 1:]))
    assert losses[-1] < 0.2 * losses[0], (losses[0], losses[-1])


def test_loss_falls_over_50_updates(tmp_path):
    common.make_corpus(tmp_path)
    mc, tc = config.tiny()
    batches = Batches(TokenFile(os.path.join(tmp_path, "train.bin"), mc.vocab_size),
                      tc.batch_size, mc.context, seed=0)
    losses = run_updates(50, batches=batches)
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 1.0, (losses[:5], losses[-5:])


def test_deterministic_with_seed():
    mc, _ = config.tiny()
    mx.random.seed(2)
    x = mx.random.randint(0, mc.vocab_size, (4, mc.context + 1))
    a = run_updates(5, seed=3, fixed=(x[:, :-1], x[:, 1:]))
    b = run_updates(5, seed=3, fixed=(x[:, :-1], x[:, 1:]))
    assert a == b


def test_gradient_accumulation_matches_one_batch():
    """Two micro-batches of half the size give the gradient of the whole batch."""
    mc, tc = config.tiny()
    mx.random.seed(4)
    x = mx.random.randint(0, mc.vocab_size, (tc.batch_size, mc.context + 1))
    half = tc.batch_size // 2
    mx.random.seed(0)
    model = Transformer(mc)
    loss_and_grad = nn.value_and_grad(model, train.loss_fn)
    _, whole = loss_and_grad(model, x[:, :-1], x[:, 1:])
    _, g1 = loss_and_grad(model, x[:half, :-1], x[:half, 1:])
    _, g2 = loss_and_grad(model, x[half:, :-1], x[half:, 1:])
    avg = tree_map(lambda a, b: (a + b) / 2, g1, g2)
    for (name, a), (_, b) in zip(tree_flatten(whole), tree_flatten(avg)):
        assert mx.allclose(a, b, atol=1e-5).item(), name


def test_resume_continues_the_same_run(tmp_path):
    """40 updates, then a resumed run to 60, ends with the weights of an
    uninterrupted 60-update run (weights, optimizer state and data position saved)."""
    data = os.path.join(tmp_path, "data")
    common.make_corpus(data)
    once, twice = os.path.join(tmp_path, "once"), os.path.join(tmp_path, "twice")
    train.main(["--tiny", "--updates", "60", "--data-dir", data, "--out-dir", once])
    train.main(["--tiny", "--updates", "60", "--data-dir", data, "--out-dir", twice,
                "--stop-after", "40"])
    assert open(os.path.join(twice, "latest")).read() == "update-0000040"
    train.main(["--tiny", "--updates", "60", "--data-dir", data, "--out-dir", twice,
                "--resume"])
    a = mx.load(os.path.join(train.latest_checkpoint(once), "model.safetensors"))
    b = mx.load(os.path.join(train.latest_checkpoint(twice), "model.safetensors"))
    assert sorted(a) == sorted(b)
    for k in a:
        assert mx.allclose(a[k], b[k], atol=1e-5).item(), k


def test_token_files_are_checked(tmp_path):
    path = os.path.join(tmp_path, "t.bin")
    for bad in ([], [0, 300]):
        try:
            write_tokens(path, bad, 256, "bytes")
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")
    write_tokens(path, list(range(10)), 256, "bytes")
    try:
        Batches(TokenFile(path, 256), 2, 32, seed=0)
    except ValueError:
        return
    raise AssertionError("accepted a file shorter than one window")


if __name__ == "__main__":
    common.run_all(globals())
