# expect: MLX305 15:21
# expect: MLX305 20:16
# mx.checkpoint over the modules a comprehension binds, and over a lambda
# that calls a module: either way the weights reach mx.checkpoint through a
# closure only, so they get zero gradients.
import mlx.core as mx
import mlx.nn as nn


class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(8, 8) for _ in range(3)]
        self.head = nn.Linear(8, 2)
        self.fns = [mx.checkpoint(layer) for layer in self.layers]

    def __call__(self, x):
        for f in self.fns:
            x = f(x)
        return mx.checkpoint(lambda h: self.head(h))(x)


model = Stack()
