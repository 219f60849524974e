# expect: MLX102 23:20
# loss.item() runs the forward pass alone, before the step's evaluation.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 2))
optimizer = optim.SGD(learning_rate=0.05, momentum=0.9)


def loss_fn(model, x, y):
    return nn.losses.cross_entropy(model(x), y, reduction="mean")


loss_and_grad_fn = nn.value_and_grad(model, loss_fn)
x = mx.random.normal((64, 8))
y = mx.random.randint(0, 2, (64,))
history = []

for epoch in range(100):
    loss, grads = loss_and_grad_fn(model, x, y)
    optimizer.update(model, grads)
    history.append(loss.item())
    mx.eval(model.parameters(), optimizer.state)
