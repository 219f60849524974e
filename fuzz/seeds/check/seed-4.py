# Findings silenced on purpose with "# mlxplan: ignore" comments: this file
# must give no findings although each line below breaks a rule.
import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

print(mx.metal.get_peak_memory())  # mlxplan: ignore[MLX002]
x = mx.zeros((3,), dtyp=mx.float32)  # keep for the bug report; mlxplan: ignore[unknown-keyword]
y = mx.relu(x)  # mlxplan: ignore
z = mx.zeross((2,))  # mlxplan: ignore[MLX003, MLX001]

model = nn.Linear(4, 4)
optimizer = optim.SGD(learning_rate=0.1)
loss_and_grad = nn.value_and_grad(model, lambda m, v: m(v).sum())
for i in range(10):  # mlxplan: ignore[train-loop-no-eval]
    loss, grads = loss_and_grad(model, mx.ones((1, 4)))
    optimizer.update(model, grads)
