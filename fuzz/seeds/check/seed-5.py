# Idiomatic mlx-lm inference: load, generate, stream_generate with a sampler
# and a prompt cache, and a batch of prompts.
import argparse

import mlx.core as mx
from mlx_lm import batch_generate, generate, load, stream_generate
from mlx_lm.models.cache import make_prompt_cache
from mlx_lm.sample_utils import make_logits_processors, make_sampler


def parse_args():
    parser = argparse.ArgumentParser(description="chat with a local model")
    parser.add_argument("--model", default="mlx-community/Qwen3-4B-4bit")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--temp", type=float, default=0.7)
    return parser.parse_args()


def main():
    args = parse_args()
    mx.random.seed(0)
    model, tokenizer = load(args.model, tokenizer_config={"trust_remote_code": True})

    messages = [{"role": "user", "content": "Write a haiku about unified memory."}]
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True)
    text = generate(model, tokenizer, prompt=prompt, max_tokens=args.max_tokens, verbose=True)
    print(len(text))

    sampler = make_sampler(temp=args.temp, top_p=0.9)
    processors = make_logits_processors(repetition_penalty=1.1)
    cache = make_prompt_cache(model)
    for turn in ["Hello!", "And a limerick?"]:
        chat = [{"role": "user", "content": turn}]
        prompt = tokenizer.apply_chat_template(chat, add_generation_prompt=True)
        for response in stream_generate(
            model,
            tokenizer,
            prompt,
            max_tokens=args.max_tokens,
            sampler=sampler,
            logits_processors=processors,
            prompt_cache=cache,
        ):
            print(response.text, end="", flush=True)
        print()
        print(f"{response.generation_tps:.1f} tokens/s, peak {response.peak_memory:.2f} GB")

    prompts = [
        tokenizer.apply_chat_template([{"role": "user", "content": q}], add_generation_prompt=True)
        for q in ("What is MLX?", "What is a KV cache?")
    ]
    result = batch_generate(model, tokenizer, prompts, max_tokens=64)
    for t in result.texts:
        print(t)
    print(f"peak memory {mx.get_peak_memory() / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
