# expect: MLX001 8:19
# An unknown name inside an f-string field, on a tab-indented line after
# non-ASCII identifiers: the column counts characters, a tab being one.
import mlx.core as mx

if True:
	größe = mx.ones((3,))
	print(f"{größe} {mx.summ(größe)!r:>{8}}")
