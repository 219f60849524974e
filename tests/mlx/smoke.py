"""tests/mlx/smoke.py - the tier's MLX is the pinned one and computes.

mlx.core imports, its version is 0.32.x (the ground-truth tables' MLX), a
2-layer llama from mlx_lm.models.llama runs a forward pass of the right
shape, and a float16 array's nbytes is 2 bytes an element.
"""
import mlx.core as mx
import mlx_lm
from mlx_lm.models import llama

import tier

if not mx.__version__.startswith("0.32"):
    tier.fail("mlx %s is not the pinned 0.32.x" % mx.__version__)
args = llama.ModelArgs(model_type="llama", hidden_size=64, num_hidden_layers=2,
                       intermediate_size=128, num_attention_heads=4, rms_norm_eps=1e-5,
                       vocab_size=100, num_key_value_heads=2)
model = llama.Model(args)
logits = model(mx.array([[1, 2, 3]]))
mx.eval(logits)
if logits.shape != (1, 3, 100):
    tier.fail("llama logits shape %s, want (1, 3, 100)" % (logits.shape,))
if mx.zeros((3, 5), dtype=mx.float16).nbytes != 30:
    tier.fail("float16 (3,5) nbytes != 30")
print("mlx %s, mlx_lm %s: forward pass ok" % (mx.__version__, mlx_lm.__version__))
tier.check()
