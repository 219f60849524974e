# The clean twins of MLX101_no_eval.py, MLX103_fill.py, MLX103_concat.py and
# MLX102_item.py: the same loops, with the training state evaluated once per
# step, the table built in Python and made one array, the cache written into
# a buffer allocated once, and the loss read after the step's evaluation.
# tests/mlx/memory.py runs it under the real MLX and samples the memory each
# time a "# probe:" line runs: it stays flat from step to step.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 1)

    def __call__(self, x):
        return self.fc(x).squeeze(-1)


def loss_fn(model, x, y):
    return nn.losses.mse_loss(model(x), y, reduction="mean")


model = Regressor()
optimizer = optim.Adam(learning_rate=1e-3)
loss_and_grad_fn = nn.value_and_grad(model, loss_fn)
x, y = mx.random.normal((256, 16)), mx.random.normal((256,))
for step in range(1000):
    loss, grads = loss_and_grad_fn(model, x, y)
    optimizer.update(model, grads)
    mx.eval(model.parameters(), optimizer.state)  # probe: MLX101

n = 1000
values = []
for i in range(n):
    values.append(1.0 / (10000 ** (i / n)))  # probe: MLX103_fill
freqs = mx.array(values)
print(freqs.sum())

d = 64
steps = [mx.random.normal((1, 1, d)) for _ in range(512)]
cache = mx.zeros((1, len(steps), d))
mx.eval(cache, steps)
for offset in range(len(steps)):
    cache[:, offset : offset + 1, :] = steps[offset]  # probe: MLX103_concat
    mx.eval(cache)
print(cache.shape)


model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 2))
optimizer = optim.SGD(learning_rate=0.05, momentum=0.9)


def ce_loss(model, x, y):
    return nn.losses.cross_entropy(model(x), y, reduction="mean")


loss_and_grad_fn = nn.value_and_grad(model, ce_loss)
x = mx.random.normal((64, 8))
y = mx.random.randint(0, 2, (64,))
history = []

for epoch in range(100):
    loss, grads = loss_and_grad_fn(model, x, y)
    optimizer.update(model, grads)
    mx.eval(loss, model.parameters(), optimizer.state)  # probe: MLX102
    history.append(loss)
print(f"loss {history[0].item():.3f} -> {history[-1].item():.3f}")
