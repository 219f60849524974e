# expect: MLX207 24:19
# A hand-written generation loop: token.item() waits for every token's
# forward pass, and nothing is queued in the meantime.
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
    tokens.append(token.item())
print(tokens)
