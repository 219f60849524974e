# expect: MLX204 9:24
# Loading the same model for every prompt.
from mlx_lm import generate, load

MODEL = "mlx-community/Llama-3.2-1B-Instruct-4bit"
prompts = ["What is MLX?", "What is a tensor?", "What is a GPU?"]

for prompt in prompts:
    model, tokenizer = load(MODEL)
    print(generate(model, tokenizer, prompt=prompt, max_tokens=100))
