# expect: MLX207 25:19
# mx.async_eval queues the token, and the next line reads that same token:
# the read waits at once, so nothing overlaps with the GPU.
import mlx.core as mx
import mlx.nn as nn


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(64, 16)
        self.out = nn.Linear(16, 64)

    def __call__(self, x):
        return self.out(self.embed(x))


model = Tiny()
token = mx.array([1])
tokens = []
for _ in range(32):
    logits = model(token[None])[:, -1]
    token = mx.argmax(logits, axis=-1)
    mx.async_eval(token)
    tokens.append(token.item())
print(tokens)
