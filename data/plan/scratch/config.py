"""Settings of the model and of its training run (one place for every number).

Sized by mlxplan: @SIZED_FOR@
Every other file reads its settings from here; the tests use tiny().
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int = @VOCAB@
    n_layers: int = @LAYERS@
    dim: int = @DIM@
    n_heads: int = @HEADS@
    n_kv_heads: int = @KV_HEADS@
    mlp_dim: int = @MLP@
    context: int = @CONTEXT@          # tokens per training window
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    tie_embeddings: bool = @TIE@      # the output head reuses the embedding table


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = @BATCH@          # sequences per micro-batch
    accum_steps: int = @ACCUM@         # micro-batches per optimizer update
    updates: int = @UPDATES@           # optimizer updates of the full run
    warmup: int = @WARMUP@             # warm-up updates (at most a tenth of the updates run)
    peak_lr: float = @LR@
    min_lr_ratio: float = 0.1         # the cosine decay ends at peak_lr * min_lr_ratio
    weight_decay: float = 0.1
    clip_norm: float = 1.0
    dtype: str = "@DTYPE@"            # parameter dtype: float32 or bfloat16
    grad_checkpoint: bool = @CKPT@    # recompute each block in the backward pass
    log_every: int = @LOG_EVERY@      # updates between loss / speed lines
    eval_every: int = @EVAL_EVERY@    # updates between validation losses
    eval_batches: int = 20
    save_every: int = @SAVE_EVERY@    # updates between checkpoints
    seed: int = 0
    data_dir: str = "data"
    out_dir: str = "checkpoints"


def tiny():
    """A configuration that trains in seconds on any Mac (tests, first runs)."""
    return (ModelConfig(vocab_size=256, n_layers=2, dim=64, n_heads=4, n_kv_heads=2,
                        mlp_dim=128, context=32, tie_embeddings=False),
            TrainConfig(batch_size=8, accum_steps=1, updates=60, warmup=5, peak_lr=3e-3,
                        dtype="float32", grad_checkpoint=False, log_every=10, eval_every=20,
                        eval_batches=2, save_every=20))
