# expect: MLX103 8:5
# Filling an array one index at a time instead of one vectorized op.
import mlx.core as mx

n = 1000
freqs = mx.zeros((n,))
for i in range(n):
    freqs[i] = 1.0 / (10000 ** (i / n))
print(freqs.sum())
