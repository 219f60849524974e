"""train_memory.py - measure the peak memory of one mlx_lm training step
under the real MLX (CPU backend, ../shared/mlx-cpu), for the rows of
data/calibration/mlx-train-memory.tsv.

Each row builds a llama-style model from a config dict (mlx_lm.models.llama),
optionally freezes it and adds LoRA adapters the way mlx_lm.lora does
(mlx_lm.tuner.utils.linear_to_lora_layers), and runs mlx_lm's own loss
(mlx_lm.tuner.trainer.default_loss) under nn.value_and_grad with an Adam
optimizer, as mlx_lm.lora's train step does.  The optimizer state is created
by a first step; mx.reset_peak_memory() is then called and the peak of a
second step (weights, gradients, optimizer state, activations, logits) is
read with mx.get_peak_memory().

Usage (Debian's python3 with libopenblas0, python3-numpy):
  S=../shared/mlx-cpu PYTHONPATH=$S/site:$S/mlx-lm:$S/stubs \
    /usr/bin/python3 tools/calib/train_memory.py > rows.tsv
Each output line: name, task, hidden, intermediate, layers, heads, kv_heads,
vocab, dtype, batch, seq (tokens the model sees), num_layers, rank,
grad_checkpoint, step (compiled, or eager with --eager: the same step
without mx.compile), peak_bytes.  Run one row per process (row numbers as
arguments): grad_checkpoint patches the block class for the whole process.
"""
import sys
from functools import partial

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
from mlx_lm.models import llama
from mlx_lm.tuner.trainer import default_loss, grad_checkpoint
from mlx_lm.tuner.utils import linear_to_lora_layers

# name, hidden, intermediate, layers, heads, kv_heads, vocab
SHAPES = {
    "tiny": (256, 768, 4, 4, 4, 2048),
    "small": (512, 1408, 8, 8, 4, 8192),
    "125M": (768, 2048, 11, 12, 12, 32000),
}

# shape, task, dtype, batch, seq, num_layers, rank, grad_checkpoint
ROWS = [
    ("tiny", "pretrain", "float32", 4, 128, -1, 0, 0),
    ("tiny", "pretrain", "float32", 4, 512, -1, 0, 0),
    ("tiny", "pretrain", "float32", 2, 1024, -1, 0, 0),
    ("tiny", "pretrain", "bfloat16", 4, 512, -1, 0, 0),
    ("tiny", "lora", "float32", 4, 512, -1, 8, 0),
    ("tiny", "lora", "bfloat16", 4, 1024, -1, 8, 0),
    ("tiny", "pretrain", "float32", 4, 512, -1, 0, 1),
    ("small", "pretrain", "float32", 4, 256, -1, 0, 0),
    ("small", "pretrain", "float32", 2, 1024, -1, 0, 0),
    ("small", "pretrain", "bfloat16", 4, 512, -1, 0, 0),
    ("small", "lora", "float32", 4, 512, -1, 8, 0),
    ("small", "lora", "float32", 4, 512, 4, 8, 0),
    ("small", "lora", "bfloat16", 2, 1024, -1, 16, 0),
    ("small", "pretrain", "float32", 2, 1024, -1, 0, 1),
    ("125M", "pretrain", "float32", 2, 256, -1, 0, 0),
    ("125M", "pretrain", "float32", 2, 512, -1, 0, 0),
    ("125M", "pretrain", "float32", 1, 1024, -1, 0, 0),
    ("125M", "pretrain", "bfloat16", 2, 512, -1, 0, 0),
    ("125M", "lora", "float32", 2, 512, -1, 8, 0),
    ("125M", "lora", "bfloat16", 2, 1024, -1, 8, 0),
    ("125M", "lora", "float32", 4, 256, 4, 8, 0),
    ("125M", "pretrain", "float32", 2, 512, -1, 0, 1),
    ("tiny", "lora", "float32", 8, 256, 2, 4, 0),
    ("small", "pretrain", "float32", 8, 128, -1, 0, 0),
]


def measure(shape, task, dtype, batch, seq, num_layers, rank, ckpt, eager):
    h, inter, layers, heads, kvh, vocab = SHAPES[shape]
    args = llama.ModelArgs.from_dict({
        "model_type": "llama", "hidden_size": h, "intermediate_size": inter,
        "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": kvh, "vocab_size": vocab, "rms_norm_eps": 1e-5,
        "tie_word_embeddings": False, "head_dim": h // heads,
    })
    model = llama.Model(args)
    model.set_dtype(getattr(mx, dtype))
    if task == "lora":
        model.freeze()
        nl = layers if num_layers == -1 else num_layers
        linear_to_lora_layers(model, nl, {"rank": rank, "scale": 20.0, "dropout": 0.0})
    if ckpt:
        grad_checkpoint(model.layers[0])
    mx.eval(model.parameters())
    opt = optim.Adam(learning_rate=1e-5)
    loss_vg = nn.value_and_grad(model, default_loss)
    tokens = mx.random.randint(0, vocab, (batch, seq + 1))
    lengths = mx.array([[0, seq]] * batch)
    mx.eval(tokens, lengths)

    # the first update creates the optimizer state; then the step is
    # compiled over the state as mlx_lm.tuner.trainer.train does
    (lvalue, toks), grad = loss_vg(model, tokens, lengths)
    opt.update(model, grad)
    mx.eval(model.state, opt.state)
    del grad, lvalue, toks
    state = [model.state, opt.state, mx.random.state]

    @partial(mx.compile, inputs=state, outputs=state)
    def compiled(batch, lens):
        (lvalue, toks), grad = loss_vg(model, batch, lens)
        opt.update(model, grad)
        return lvalue, toks

    def step():
        if eager:
            (lvalue, toks), grad = loss_vg(model, tokens, lengths)
            opt.update(model, grad)
            mx.eval(state, lvalue, toks)
            del grad
        else:
            lvalue, toks = compiled(tokens, lengths)
            mx.eval(state, lvalue, toks)

    step()
    mx.clear_cache()
    mx.reset_peak_memory()
    step()
    return mx.get_peak_memory()


def main():
    eager = "--eager" in sys.argv
    only = set(a for a in sys.argv[1:] if a != "--eager")
    for i, r in enumerate(ROWS):
        if only and str(i) not in only:
            continue
        peak = measure(*r, eager)
        shape, task, dtype, batch, seq, nl, rank, ckpt = r
        h, inter, layers, heads, kvh, vocab = SHAPES[shape]
        print("\t".join(str(x) for x in (
            shape, task, h, inter, layers, heads, kvh, vocab, dtype, batch, seq,
            nl, rank, ckpt, "eager" if eager else "compiled", peak)), flush=True)


if __name__ == "__main__":
    main()
