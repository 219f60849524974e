# expect: MLX303 19:2
# A compiled step that updates the model without declaring its state.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

model = nn.Linear(10, 1)
optimizer = optim.SGD(learning_rate=0.1, momentum=0.8)
x = mx.random.uniform(shape=(4, 10))
y = mx.array([0, 1, 0, 1])


def loss_fn(model, x, y):
    logits = model(x).squeeze()
    return nn.losses.binary_cross_entropy(logits, y)


# compiled step without inputs=/outputs=
@mx.compile
def step(x, y):
    loss_and_grad_fn = nn.value_and_grad(model, loss_fn)
    loss, grads = loss_and_grad_fn(model, x, y)
    optimizer.update(model, grads)
    return loss


for it in range(10):
    loss = step(x, y)
    mx.eval(model.parameters(), optimizer.state)
