# expect: MLX301 22:19
# The value_and_grad function is called without the model loss_fn expects.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Linear(16, 4)
optimizer = optim.AdamW(learning_rate=1e-3)


def loss_fn(model, x, y):
    return nn.losses.cross_entropy(model(x), y, reduction="mean")


loss_and_grad_fn = nn.value_and_grad(model, loss_fn)
state = [model.state, optimizer.state]
x = mx.random.normal((32, 16))
y = mx.random.randint(0, 4, (32,))


for it in range(10):
    loss, grads = loss_and_grad_fn(x, y)
    optimizer.update(model, grads)
    mx.eval(state)
