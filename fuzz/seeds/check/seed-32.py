# expect: MLX302 24:5
# Only the loss is evaluated: the update is left to the next step's graph.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64))
optimizer = optim.Adam(learning_rate=1e-3)


def loss_fn(model, x):
    return ((model(x) - x) ** 2).mean()


loss_and_grad_fn = nn.value_and_grad(model, loss_fn)
x = mx.random.normal((16, 64))
total = 0.0

for step in range(300):
    loss, grads = loss_and_grad_fn(model, x)
    mx.eval(loss)
    if step % 50 == 0:
        print(step, loss.item())
    optimizer.update(model, grads)
