# expect: MLX103 12:13
# Growing a cache by concatenation copies it on every step.
import mlx.core as mx

d = 64
steps = [mx.random.normal((1, 1, d)) for _ in range(512)]
cache = mx.zeros((1, 0, d))
offset = 0
for x in steps:
    if offset % 100 == 0:
        print(offset)
    cache = mx.concatenate([cache, x], axis=1)
    offset += 1
    mx.eval(cache)
