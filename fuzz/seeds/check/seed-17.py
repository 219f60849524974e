# expect: MLX003 21:51
# Keyword arguments given through functools.partial reach mx.compile.
from functools import partial

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Linear(4, 1)
optimizer = optim.SGD(learning_rate=0.1)
state = [model.state, optimizer.state]


def loss_fn(model, x, y):
    return nn.losses.mse_loss(model(x), y)


loss_and_grad = nn.value_and_grad(model, loss_fn)


@partial(mx.compile, inputs=state, outputs=state, shapless=True)
def step(x, y):
    loss, grads = loss_and_grad(model, x, y)
    optimizer.update(model, grads)
    return loss
