# expect: MLX001 3:26
# A misspelled name imported from mlx_lm.
from mlx_lm import load, generat

model, tokenizer = load("mlx-community/Qwen3-0.6B-4bit")
print(generat(model, tokenizer, prompt="hi"))
