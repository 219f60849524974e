# expect: MLX001 9:25
# A NumPy-style name that mlx.core does not have.
import mlx.core as mx


def normalize(x):
    mean = mx.mean(x, axis=-1, keepdims=True)
    var = mx.var(x, axis=-1, keepdims=True)
    return (x - mean) * mx.reciprocal_sqrt(var + 1e-5)
