# expect: MLX207 23:14
# An evaluation loop that converts each batch's loss with float(): one host
# wait per batch.
import mlx.core as mx
import mlx.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(8, 2)

    def __call__(self, x):
        return self.layer(x)


net = Net()
total = 0.0
for i in range(10):
    x = mx.random.normal((4, 8))
    y = mx.random.randint(0, 2, (4,))
    loss = nn.losses.cross_entropy(net(x), y, reduction="mean")
    total += float(loss)
print(total / 10)
