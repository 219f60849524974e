# expect: MLX202 21:12
# Compiling inside the loop: every iteration traces and compiles again.
from functools import partial

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Linear(32, 32)
optimizer = optim.Lion(learning_rate=1e-4)
state = [model.state, optimizer.state]


def step(x):
    loss, grads = nn.value_and_grad(model, lambda m, v: m(v).square().sum())(model, x)
    optimizer.update(model, grads)
    return loss


for i in range(200):
    fast = mx.compile(step, inputs=state, outputs=state)
    loss = fast(mx.random.normal((8, 32)))
    mx.eval(state)
