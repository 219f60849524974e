# expect: MLX301 16:17
# nn.value_and_grad takes the model first.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Linear(3, 1)
optimizer = optim.SGD(learning_rate=0.1)


def loss_fn(model, x, y):
    logits = model(x).squeeze()
    return nn.losses.binary_cross_entropy(logits, y)


loss_and_grad = nn.value_and_grad(loss_fn, model)
