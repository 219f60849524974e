"""tests/mlx/standins.py - every stand-in the plan runs use, in one place.

A plan's code runs as the plan lays it out (tests/mlx/run_plan.py and the
flow runners); only what needs the network, real weights, a Mac or an
installed console script is replaced, by what is listed here:

  STANDINS    one line each, printed by every plan run that uses them.
  tiny_model  the plan's model (a Hub id the plan downloads) as a local folder:
              the registry's config.json of that model with the widths made
              tiny (TINY), LAYERS layers (lora_config.yaml's num_layers is
              scaled to them, after a check that the plan's fits the real
              model's layer count), float32 (MLX's CPU backend has BLAS for float32 only),
              random weights from mlx_lm.models.<model_type>.Model saved with
              mlx_lm.utils.save_model, and the tokenizer below.
  tokenizer   tests/mlx/standin/transformers: a byte-level tokenizer with a
              ChatML template that AutoTokenizer loads from the model folder
              (transformers is not installed here; the stub of
              ../shared/mlx-cpu raises on use).
  model card  tests/mlx/standin/huggingface_hub: ModelCard writes README.md
              locally (mlx_lm.convert and fuse write one; the stub raises).
  command     `mlx_lm.NAME ARGS` (a console script pip installs) runs as
              `python -m mlx_lm NAME ARGS`, the same main(); `python` is the
              tier's Python; the Hub id in commands and files is the folder.
  shims       the same as scripts on PATH, for shell lines run with sh -c.
  MACOS_ONLY  setup commands that exist only on macOS: not run.
  PROMPT, TRAP  the user's my_prompt.txt and your_script.py of the slow plan.
The lora_config.yaml run length and num_layers (tests/mlx/plan_finetune.py)
are scaled where the file is written, each change printed.
"""
import copy
import json
import os
import shlex
import stat
import sys

import tier

STANDIN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "standin")
# this process loads stand-in models too: the tokenizer stand-in before any mlx_lm import
sys.path.insert(0, STANDIN_PATH)

STANDINS = [
    "model: the registry config of the plan's model with tiny widths and random float32 "
    "weights (mlx_lm.models.<model_type>.Model), in a local folder named by the Hub id's "
    "last part; the Hub id in commands and files names that folder",
    "tokenizer: tests/mlx/standin/transformers, byte-level with a ChatML template "
    "(transformers is not installed)",
    "model card: tests/mlx/standin/huggingface_hub writes README.md locally",
    "console scripts: `mlx_lm.NAME` runs as `python -m mlx_lm NAME` (the same main()); "
    "`python` is the tier's Python",
    "data: raw.jsonl written by the test in the plan's data format",
    "pip install: skipped, the tier's MLX and mlx-lm are the pinned ones",
    # the slow-inference runner's (tests/mlx/plan_slow.py), with the first two above
    "shell lines: each runs with sh -c, `python`, `python3`, `mlxplan` and `mlx_lm.NAME` "
    "being shims on PATH for the tier's",
    "macOS-only commands (sysctl, system_profiler, sw_vers, pmset) of the setup step: not run",
    "user files: my_prompt.txt (a prompt) and your_script.py (the user's generation loop, "
    "with the per-token .item() read the plan ranks as a cause) written by the test",
]
FINETUNE = range(6)
SLOW = (0, 1, 6, 7, 8)

# the widths of the stand-in model (every group size of mlx_lm.convert divides them)
TINY = {"hidden_size": 128, "intermediate_size": 256, "num_attention_heads": 4,
        "num_key_value_heads": 2, "head_dim": 32, "vocab_size": 259,
        "torch_dtype": "float32"}
LAYERS = 2  # the stand-in model's layers: each costs every step of training and decoding
DROP = ("quantization_config", "quantization", "bos_token_id", "pad_token_id",
        "_source", "_source_kind")


def say_standins(used):
    for i in used:
        print("stand-in: " + STANDINS[i])


def env():
    """The environment of the plan's commands: the tokenizer stand-in first."""
    e = dict(os.environ)
    e["PYTHONPATH"] = STANDIN_PATH + os.pathsep + e.get("PYTHONPATH", "")
    e["HF_HUB_OFFLINE"] = "1"
    return e


def real_layers(model_id):
    """num_hidden_layers of model_id's registry config (its text model's)."""
    with open(dict(tier.registry())[model_id]) as f:
        c = json.load(f)
    return (c.get("text_config") or c).get("num_hidden_layers", c.get("num_hidden_layers"))


def tiny_config(model_id, layers=LAYERS):
    """The registry config of model_id, tiny (see TINY), with `layers` layers."""
    with open(dict(tier.registry())[model_id]) as f:
        c = json.load(f)
    if isinstance(c.get("text_config"), dict):  # a multimodal config: its text model
        text = dict(c["text_config"])
        text.setdefault("model_type", c["model_type"] + "_text")
        c = text
    n0 = c.get("num_hidden_layers")
    out = copy.deepcopy(c)
    for k in DROP:
        out.pop(k, None)
    out.update(TINY)
    out["num_hidden_layers"] = max(2, layers)
    for k, v in c.items():  # per-layer lists follow the layer count
        if isinstance(v, list) and n0 and len(v) == n0:
            out[k] = (v * out["num_hidden_layers"])[:out["num_hidden_layers"]]
    out["eos_token_id"] = 258  # the stand-in tokenizer's <|im_end|>
    return out


def tiny_model(model_id, folder, layers=LAYERS):
    """Write the stand-in model folder for model_id; return the folder."""
    import mlx.core as mx
    from mlx_lm.utils import _get_classes, save_config, save_model

    from transformers import ByteChatTokenizer

    config = tiny_config(model_id, layers)
    mx.random.seed(0)
    model_class, args_class = _get_classes(config)
    model = model_class(args_class.from_dict(config))
    mx.eval(model.parameters())
    os.makedirs(folder, exist_ok=True)
    save_model(folder, model)
    save_config(config, os.path.join(folder, "config.json"))
    ByteChatTokenizer().save_pretrained(folder)
    return folder


def command(line, py):
    """argv of one shell line of a plan (comments dropped): the console-script stand-in."""
    argv = shlex.split(line, comments=True)
    if not argv:
        return argv
    if argv[0] in ("python", "python3"):
        return [py] + argv[1:]
    if argv[0].startswith("mlx_lm."):
        return [py, "-m", "mlx_lm", argv[0][len("mlx_lm."):]] + argv[1:]
    return argv


MACOS_ONLY = ("sysctl", "system_profiler", "sw_vers", "pmset")

# the user's script of `mlxplan check your_script.py`: the trap of the plan's ranked
# cause "a host read per token without mx.async_eval"
TRAP = '''"""Stand-in for the user's script (tests/mlx/plan_slow.py): a generation loop
that reads each token to the host (.item()) before building the next step."""
import sys
import time

import mlx.core as mx
from mlx_lm import load
from mlx_lm.models.cache import make_prompt_cache

model, tokenizer = load(sys.argv[1])
cache = make_prompt_cache(model)
prompt = mx.array(tokenizer.encode("Explain unified memory in three sentences."))
tic = time.perf_counter()
logits = model(prompt[None], cache=cache)[:, -1, :]
out = []
for _ in range(64):
    token = mx.argmax(logits, axis=-1)
    out.append(token.item())
    logits = model(token[None], cache=cache)[:, -1, :]
print(f"{len(out)} tokens, {len(out) / (time.perf_counter() - tic):.1f} tok/s")
'''
PROMPT = ("Unified memory lets the CPU and the GPU of a Mac read the same arrays. "
          "Explain what that changes for running a language model.\n")


def shims(root, py):
    """A folder for PATH: python, python3, mlxplan and mlx_lm.NAME as the tier's."""
    d = os.path.join(root, ".standin-bin")
    os.makedirs(d, exist_ok=True)
    cmds = {"python": '"%s"' % py, "python3": '"%s"' % py,
            "mlxplan": '"%s"' % os.environ["MLXPLAN_BIN"]}
    for name in ("benchmark", "generate", "convert", "server", "cache_prompt", "lora", "fuse"):
        cmds["mlx_lm." + name] = '"%s" -m mlx_lm %s' % (py, name)
    for name, cmd in cmds.items():
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write('#!/bin/sh\nexec %s "$@"\n' % cmd)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return d
