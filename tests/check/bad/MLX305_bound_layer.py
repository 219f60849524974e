# expect: MLX305 18:17
# expect: MLX305 19:13
# mx.checkpoint over a layer's call: the layers' weights get zero gradients.
import mlx.core as mx
import mlx.nn as nn


class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(8, 8) for _ in range(3)]
        self.head = nn.Linear(8, 2)

    def __call__(self, x, use_checkpoint=True):
        for layer in self.layers:
            x = layer(x) if not use_checkpoint else x
        for i, layer in enumerate(self.layers):
            x = mx.checkpoint(layer)(x) if use_checkpoint else x
        x = mx.checkpoint(self.head)(x)
        return x


model = Stack()
