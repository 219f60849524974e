# expect: MLX204 19:17
# A new optimizer every step: Adam's moments never build up.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Sequential(nn.Linear(10, 10), nn.Tanh(), nn.Linear(10, 1))


def loss_fn(model, x, y):
    return nn.losses.mse_loss(model(x), y)


loss_and_grad_fn = nn.value_and_grad(model, loss_fn)
x, y = mx.random.normal((100, 10)), mx.random.normal((100, 1))

for epoch in range(50):
    loss, grads = loss_and_grad_fn(model, x, y)
    optimizer = optim.Adam(learning_rate=1e-3)
    optimizer.update(model, grads)
    mx.eval(model.parameters(), optimizer.state)
