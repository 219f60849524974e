# expect: MLX102 27:9
# Printing the loss array in an f-string forces an evaluation each step.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(4, 4) for _ in range(3)]

    def __call__(self, x):
        for layer in self.layers:
            x = nn.silu(layer(x))
        return x


def train(model, batches, lr=1e-3):
    optimizer = optim.AdamW(learning_rate=lr)
    loss_and_grad_fn = nn.value_and_grad(
        model, lambda m, x, y: nn.losses.mse_loss(m(x), y)
    )
    for i, (x, y) in enumerate(batches):
        loss, grads = loss_and_grad_fn(model, x, y)
        optimizer.update(model, grads)
        print(f"step {i}: loss {loss}")
        mx.eval(model.parameters(), optimizer.state)
