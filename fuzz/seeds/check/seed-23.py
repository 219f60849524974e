# expect: MLX201 24:1
# A training step called every iteration that mx.compile could fuse.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim


class MLP(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.l1 = nn.Linear(dims, 4 * dims)
        self.l2 = nn.Linear(4 * dims, dims)

    def __call__(self, x):
        return self.l2(nn.gelu(self.l1(x)))


model = MLP(128)
optimizer = optim.Adam(learning_rate=3e-4)
loss_and_grad_fn = nn.value_and_grad(model, lambda m, x: (m(x) - x).square().mean())
data = mx.random.normal((32, 128))


def train_step(x):
    loss, grads = loss_and_grad_fn(model, x)
    optimizer.update(model, grads)
    return loss


for it in range(500):
    loss = train_step(data)
    mx.eval(loss, model.parameters(), optimizer.state)
