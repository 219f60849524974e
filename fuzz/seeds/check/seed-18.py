# expect: MLX101 25:1
# The loop updates the model but nothing ever evaluates the new state.
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
