"""Write a trained checkpoint as an mlx_lm model folder (config.json, weights,
tokenizer), so mlx_lm.generate, mlx_lm.server and mlx_lm.convert load it.

python export.py --out my-model            then: mlx_lm.generate --model my-model --prompt "..."
"""
import argparse
import json
import os
import shutil

import mlx.core as mx
from mlx.utils import tree_flatten

import config
from train import latest_checkpoint


def llama_config(mc: config.ModelConfig):
    """The config.json of mlx_lm's llama model for these dimensions."""
    return {"model_type": "llama", "hidden_size": mc.dim, "num_hidden_layers": mc.n_layers,
            "intermediate_size": mc.mlp_dim, "num_attention_heads": mc.n_heads,
            "num_key_value_heads": mc.n_kv_heads, "rms_norm_eps": mc.norm_eps,
            "vocab_size": mc.vocab_size, "rope_theta": mc.rope_theta,
            "rope_traditional": False, "tie_word_embeddings": mc.tie_embeddings,
            "max_position_embeddings": mc.context}


def export(checkpoint: str, out: str, mc: config.ModelConfig, tokenizer_json=None):
    os.makedirs(out, exist_ok=True)
    weights = mx.load(os.path.join(checkpoint, "model.safetensors"))
    mx.save_safetensors(os.path.join(out, "model.safetensors"), weights,
                        metadata={"format": "mlx"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(llama_config(mc), f, indent=2)
    if tokenizer_json:
        shutil.copy(tokenizer_json, os.path.join(out, "tokenizer.json"))
        with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
            json.dump({"tokenizer_class": "PreTrainedTokenizerFast",
                       "eos_token": "<|endoftext|>"}, f)
    return sorted(k for k, _ in tree_flatten(weights))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", help="default: checkpoints/latest")
    ap.add_argument("--out", required=True)
    ap.add_argument("--tiny", action="store_true")
    args = ap.parse_args()
    mc, tc = config.tiny() if args.tiny else (config.ModelConfig(), config.TrainConfig())
    tok = os.path.join(tc.data_dir, "tokenizer.json")
    export(args.checkpoint or latest_checkpoint(tc.out_dir), args.out, mc,
           tok if os.path.exists(tok) else None)
    print(f"wrote {args.out}: config.json, model.safetensors"
          f"{', tokenizer.json' if os.path.exists(tok) else ' (no tokenizer: bytes)'}")


if __name__ == "__main__":
    main()
