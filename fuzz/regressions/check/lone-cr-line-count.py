# Many MLX calls with keyword arguments, spelled as the signatures name them.
import mlx.core as mx
import mlx.nn as nn
import mlx.nn.init as init
from mlx.core import linalg, random

key = random.key(0)
k1, k2 = random.split(key)
a = random.normal(shape=(64, 64), dtype=mx.float32, key=k1)
b = random.uniform(low=-1.0, high=1.0, shape=(64, 64), key=k2)
c = mx.matmul(a, b, stream=mx.gpu)
d = mx.sum(c, axis=-1, keepdims=True)
e = mx.softmax(c, axis=-1, precise=True)
f = mx.concatenate([a, b], axis=0)
g = mx.pad(a, pad_width=[(1, 1), (0, 0)], mode="constant", constant_values=0)
h = mx.where(a > 0, a, mx.zeros_like(a))
i = mx.argsort(a, axis=1)
j = mx.topk(a, k=5, axis=-1)
q, s, bias = mx.quantize(a, group_size=64, bits=4)
w = mx.dequantizX(q, s, bias, group_size=64, bits=4)
y = mx.qu# Syntax that must not confuse the checkergs with nested quots