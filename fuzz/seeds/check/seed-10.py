# A trainer written as a class, data-parallel across processes with
# mx.distributed: gradients averaged with nn.average_gradients, state
# evaluated every step, metrics reduced with all_sum.
import math
import time

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
from mlx.utils import tree_map, tree_reduce


class ConvNet(nn.Module):
    def __init__(self, channels: int = 32, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels * 2, kernel_size=3, stride=2, padding=1)
        self.norm = nn.BatchNorm(channels * 2)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)
        self.head = nn.Linear(channels * 2 * 8 * 8, classes)

    def __call__(self, x):
        x = nn.relu(self.conv1(x))
        x = self.pool(nn.relu(self.norm(self.conv2(x))))
        return self.head(x.reshape(x.shape[0], -1))


class Trainer:
    def __init__(self, model: nn.Module, lr: float = 1e-3, warmup: int = 100):
        self.world = mx.distributed.init()
        self.model = model
        schedule = optim.join_schedules(
            [optim.linear_schedule(1e-7, lr, warmup), optim.cosine_decay(lr, 10_000)], [warmup]
        )
        self.optimizer = optim.AdamW(learning_rate=schedule, weight_decay=0.05)
        self.loss_and_grad = nn.value_and_grad(self.model, self.loss_fn)

    def loss_fn(self, model, x, y):
        return nn.losses.cross_entropy(model(x), y, reduction="mean", label_smoothing=0.1)

    def step(self, x, y):
        loss, grads = self.loss_and_grad(self.model, x, y)
        grads = nn.average_gradients(grads)
        grads, norm = optim.clip_grad_norm(grads, max_norm=1.0)
        self.optimizer.update(self.model, grads)
        return loss, norm

    def fit(self, batches, log_every: int = 50):
        self.model.train()
        tic = time.perf_counter()
        for i, (x, y) in enumerate(batches):
            loss, norm = self.step(x, y)
            mx.eval(loss, norm, self.model.parameters(), self.optimizer.state)
            if i % log_every == 0:
                loss = mx.distributed.all_sum(loss, stream=mx.cpu) / self.world.size()
                elapsed = time.perf_counter() - tic
                if self.world.rank() == 0:
                    print(f"step {i}: loss {loss.item():.3f} grad-norm {norm.item():.2f} "
                          f"({log_every / elapsed:.1f} it/s)")
                tic = time.perf_counter()

    def n_params(self) -> int:
        return tree_reduce(lambda acc, p: acc + p.size, self.model.parameters(), 0)


def batches(n: int, batch: int = 64):
    for _ in range(n):
        x = mx.random.normal((batch, 32, 32, 3))
        y = mx.random.randint(0, 10, (batch,))
        yield x, y


if __name__ == "__main__":
    mx.random.seed(3)
    trainer = Trainer(ConvNet())
    print(f"{trainer.n_params() / 1e6:.2f}M parameters, {math.log10(trainer.n_params()):.1f}")
    trainer.fit(batches(500))
    trainer.model.update(tree_map(lambda p: p.astype(mx.bfloat16), trainer.model.parameters()))
