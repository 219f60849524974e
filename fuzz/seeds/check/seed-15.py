# expect: MLX002 7:16
# The mx.metal memory functions moved to mx in mlx 0.24.1.
import mlx.core as mx

x = mx.random.normal((1024, 1024))
mx.eval(x @ x)
print(f"peak: {mx.metal.get_peak_memory() / 1e9:.2f} GB")
