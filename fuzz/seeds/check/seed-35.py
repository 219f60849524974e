# expect: MLX304 20:5
# Seeding NumPy does not seed MLX: the model starts differently every run.
import mlx.core as mx
import mlx.nn as nn
import numpy as np


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(1000, 64)
        self.proj = nn.Linear(64, 64)

    def __call__(self, tokens):
        return self.proj(self.embed(tokens))


def main(seed=42):
    # make the run reproducible
    np.random.seed(seed)
    model = Encoder()
    tokens = mx.array(np.random.randint(0, 1000, (4, 16)))
    print(model(tokens).sum())


main()
