# expect: MLX003 5:31
# A keyword argument mx.zeros does not take.
import mlx.core as mx

cache = mx.zeros((1, 8, 256), dtyp=mx.bfloat16)
