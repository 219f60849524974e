"""Train as `mlx_lm.lora -c lora_config.yaml` does and print the training
peak memory, which mlx_lm.lora 0.32.0 no longer prints (its report lines
give the iteration, train loss, tok/s and trained tokens).

usage: python train_peak.py
"""
import sys

import mlx.core as mx
from mlx_lm import lora

sys.argv = ["mlx_lm.lora", "--config", "lora_config.yaml"]
lora.main()
print(f"training peak memory {mx.get_peak_memory() / 1e9:.2f} GB (plan: @PEAK_GB@ GB)")
