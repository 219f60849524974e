# expect: MLX001 6:10
# relu lives in mlx.nn, not mlx.core; the suggestion names nn.relu.
import mlx.core as mx
import mlx.nn as nn

hidden = mx.relu(mx.ones((2, 3)))
print(nn.gelu(hidden))
