# The clean twins of MLX305_comprehension_lambda.py and MLX207_async_same.py:
# nn.utils.checkpoint over the modules a comprehension binds, a lambda that
# loads the parameters it is passed, and a generation loop that queues token
# n+1 before it reads token n.
import mlx.core as mx
import mlx.nn as nn


class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(8, 8) for _ in range(3)]
        self.head = nn.Linear(8, 64)
        self.fns = [nn.utils.checkpoint(layer) for layer in self.layers]

    def __call__(self, x):
        for f in self.fns:
            x = f(x)
        head = mx.checkpoint(lambda p, h: (self.head.update(p), self.head(h))[1])
        return head(self.head.trainable_parameters(), x)


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(64, 8)
        self.stack = Stack()

    def __call__(self, x):
        return self.stack(self.embed(x))


model = Tiny()
token = mx.array([1])
mx.async_eval(token)
tokens = []
for _ in range(32):
    logits = model(token[None])[:, -1]
    next_token = mx.argmax(logits, axis=-1)
    mx.async_eval(next_token)
    tokens.append(token.item())
    token = next_token
print(tokens)
