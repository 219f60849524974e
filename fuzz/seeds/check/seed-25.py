# expect: MLX203 7:1
# Upcasting a 16-bit model to float32 just to generate text.
import mlx.core as mx
from mlx_lm import generate, load

model, tokenizer = load("mlx-community/Mistral-7B-Instruct-v0.3")
model.set_dtype(mx.float32)
print(generate(model, tokenizer, prompt="Explain unified memory.", max_tokens=200))
