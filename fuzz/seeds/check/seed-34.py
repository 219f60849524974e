# expect: MLX304 12:13
# mx.random.seed leaves NumPy's generator, used to shuffle, unseeded.
import mlx.core as mx
import numpy as np

mx.random.seed(0)
data = mx.random.normal((1000, 8))
labels = mx.random.randint(0, 2, (1000,))


def batches(batch_size):
    order = np.random.permutation(data.shape[0])
    for s in range(0, len(order), batch_size):
        ids = mx.array(order[s : s + batch_size])
        yield data[ids], labels[ids]
