# NumPy next to MLX, done right: both generators seeded, NumPy conversions
# after the step's evaluation, a cache grown in chunks only when full,
# compiled functions built once outside the loops, bfloat16 inference.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
import numpy as np

SEED = 7
np.random.seed(SEED)
mx.random.seed(SEED)


class Autoencoder(nn.Module):
    def __init__(self, dims=32, latent=4):
        super().__init__()
        self.enc = nn.Linear(dims, latent)
        self.dec = nn.Linear(latent, dims)

    def __call__(self, x):
        return self.dec(nn.tanh(self.enc(x)))


def loss_fn(model, x):
    return nn.losses.mse_loss(model(x), x, reduction="mean")


@mx.compile
def normalize(x):
    return (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-6)


def train(steps=200):
    data = normalize(mx.array(np.random.randn(512, 32).astype(np.float32)))
    model = Autoencoder()
    optimizer = optim.RMSprop(learning_rate=1e-3)
    loss_and_grad = nn.value_and_grad(model, loss_fn)
    history = np.zeros(steps, dtype=np.float32)
    for i in range(steps):
        idx = mx.array(np.random.choice(512, 64, replace=False))
        loss, grads = loss_and_grad(model, data[idx])
        optimizer.update(model, grads)
        mx.eval(loss, model.parameters(), optimizer.state)
        history[i] = np.array(loss)
        if i % 50 == 0:
            print(f"step {i}: {loss.item():.4f}")
    return model, history


def collect(model, n=1000, chunk=256):
    out = mx.zeros((chunk, 32))
    used = 0
    for i in range(n):
        if used == out.shape[0]:
            out = mx.concatenate([out, mx.zeros((chunk, 32))], axis=0)
        out[used] = model(mx.random.normal((32,)))
        used += 1
        if i % 100 == 0:
            mx.eval(out)
    return out[:used]


def squares(n=100):
    values = [i * i for i in range(n)]
    return mx.array(values)


if __name__ == "__main__":
    model, history = train()
    model.set_dtype(mx.bfloat16)
    print(collect(model).shape, squares()[:5].tolist(), history.mean())
