"""tests/mlx/weights.py - estimate's weight bytes against real MLX arrays.

For every model config of the registry (data/models/registry.tsv), and each
weight format mlxplan supports, build the model with mlx_lm's own classes
(mlx_lm.utils._get_classes, ModelArgs.from_dict: what mlx_lm.load does),
cast it to the config's stored dtype as mlx_lm.convert does, quantize it with
mlx_lm.utils.quantize_model (mlx-lm's group-size rule and the model's own
quant_predicate; the mixed recipes through convert's predicate builder) and
sum the parameters' nbytes.  Nothing is materialised: the arrays stay lazy,
nbytes comes from shape and dtype.  That sum must equal `mlxplan estimate
--json`'s memory.weights.bytes exactly.

Formats: the stored float dtype (no -q), affine 2/3/4/5/6/8 bits x groups
32/64/128, mxfp4, nvfp4, mxfp8, mixed_2_6/3_4/3_6/4_6 (group 64).  Where
mlx-lm refuses a format for a model (a mixed recipe on a model without
down_proj raises in mlx_lm.convert), mlxplan must refuse it too.

Stand-ins, the facts about a checkpoint a config does not tell (one place):
  - no torch_dtype: float32, the stored weights (gpt2's checkpoint), which
    mlx_lm.convert keeps; but an fp8 checkpoint loads as bfloat16 (the
    models' sanitize dequantizes it);
  - gemma-3 checkpoints have no lm_head.weight, so sanitize ties it;
  - checkpoints stored quantized in a format other than fp8 (mxfp4 gpt-oss,
    compressed-tensors Kimi-K2.5) are left out: which of their modules the
    file quantizes is known only from the weights themselves.

Duplicates are skipped on the MLX side only: registry configs equal but for
their names (_name_or_path, _source, _source_kind, transformers_version, which
mlx-lm never reads) are built once, and `estimate` runs for every registry id.
The model of a config is built once too: after each format its original leaf
modules are put back (nn.quantize replaces leaves and leaves the originals
untouched), and the stored bytes are summed again at the end as a check that
the restore is exact.  quantize_model's "[INFO] ... bits per weight" figure,
computed only to be printed, is not computed (a stand-in that returns 0).

    weights.py [PART/PARTS] [ID_SUBSTRING]   every PARTS-th unique config from PART
"""
import contextlib
import copy
import io
import json
import os
import subprocess
import sys

import mlx.core as mx
from mlx.utils import tree_flatten, tree_map_with_path
from mlx_lm.convert import QUANT_RECIPES, mixed_quant_predicate_builder
import mlx_lm.utils
from mlx_lm.utils import _get_classes, quantize_model

import tier

SRC = os.environ["MLXPLAN_SRC"]
CHIP = "M3 Ultra 80c"
DTYPES = {"float16": mx.float16, "bfloat16": mx.bfloat16, "float32": mx.float32}
NAMING = ("_name_or_path", "_source", "_source_kind", "transformers_version")
# quantize_model computes bits per weight only for its [INFO] line: not needed here
mlx_lm.utils.compute_bits_per_weight = lambda model: 0.0


def formats():
    """(label, mlxplan -q arguments, mode, bits, group, recipe) of every format."""
    out = [("stored", [], None, None, None, None)]
    for bits in (2, 3, 4, 5, 6, 8):
        for g in (32, 64, 128):
            out.append(("%d-bit g%d" % (bits, g), ["-q", str(bits), "--group-size", str(g)],
                        "affine", bits, g, None))
    out.append(("mxfp4", ["-q", "mxfp4"], "mxfp4", None, None, None))
    out.append(("nvfp4", ["-q", "nvfp4"], "nvfp4", None, None, None))
    out.append(("mxfp8", ["-q", "mxfp8"], "mxfp8", None, None, None))
    for r in QUANT_RECIPES:
        out.append((r, ["-q", r], "affine", None, 64, r))
    return out


def stored_dtype(config):
    d = config.get("torch_dtype") or config.get("dtype")
    text = config.get("text_config") if isinstance(config.get("text_config"), dict) else {}
    d = d or text.get("torch_dtype") or text.get("dtype")
    if d is None:
        return mx.bfloat16 if config.get("quantization_config") else mx.float32
    return DTYPES.get(d, mx.bfloat16)


def stored_quantized(config):
    """The quant_method of a checkpoint stored quantized (other than fp8), else None."""
    for c in (config, config.get("text_config") or {}):
        m = (c.get("quantization_config") or {}).get("quant_method")
        if m and m != "fp8":
            return m
    return None


def build(config):
    """The model mlx_lm would build from config, in its stored float dtype."""
    dtype = stored_dtype(config)
    config = copy.deepcopy(config)
    config.pop("quantization", None)
    config.pop("quantization_config", None)
    if isinstance(config.get("text_config"), dict):
        config["text_config"].pop("quantization_config", None)
    model_class, args_class = _get_classes(config)
    model = model_class(args_class.from_dict(config))
    if config["model_type"].startswith("gemma3"):
        params = dict(tree_flatten(model.parameters()))
        model.sanitize({k: v for k, v in params.items() if "lm_head" not in k})
    if dtype is not None:
        cast = getattr(model, "cast_predicate", lambda _: True)
        model.update(tree_map_with_path(
            lambda k, v: v.astype(dtype) if cast(k) and mx.issubdtype(v.dtype, mx.floating) else v,
            model.parameters()))
    return model, config


def nbytes(model):
    return sum(v.nbytes for _, v in tree_flatten(model.parameters()))


def real_bytes(model, config, leaves, fmt):
    """Sum of nbytes after mlx-lm quantizes the model to fmt (its original leaf
    modules put back after); raises where mlx-lm refuses."""
    label, _, mode, bits, group, recipe = fmt
    if mode is None:
        return nbytes(model)
    try:
        predicate = mixed_quant_predicate_builder(recipe, model, group) if recipe else None
        with contextlib.redirect_stdout(io.StringIO()):  # its "[INFO] Quantized ..." line
            model, _ = quantize_model(model, config, group, bits, mode=mode,
                                      quant_predicate=predicate)
        return nbytes(model)
    finally:
        model.update_modules(leaves)


def estimate(path, fmt):
    """(weight bytes, None) or (None, error line) from mlxplan estimate."""
    p = subprocess.run([os.environ["MLXPLAN_BIN"], "estimate", "--model", path, "--chip", CHIP,
                        "--context", "256", "--json", "--offline"] + fmt[1],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "exit %d" % p.returncode
    return json.loads(p.stdout)["memory"]["weights"]["bytes"], None


def unique_configs(models):
    """[(config, [(id, path), ...])]: registry configs equal but for NAMING, first seen first."""
    groups = {}
    for model_id, path in models:
        with open(path) as f:
            config = json.load(f)
        key = json.dumps({k: v for k, v in config.items() if k not in NAMING}, sort_keys=True)
        groups.setdefault(key, (config, []))[1].append((model_id, path))
    return list(groups.values())


def main():
    argv = sys.argv[1:]
    part, parts = 1, 1
    if argv and "/" in argv[0]:
        part, parts = map(int, argv.pop(0).split("/"))
    only = argv[0] if argv else ""
    groups = unique_configs([(i, p) for i, p in tier.registry() if only in i])[part - 1::parts]
    if not groups:
        tier.fail("no registry id contains %r" % only)
    compared = refused = built = 0
    for config, ids in groups:
        if stored_quantized(config):
            print("left out %s: stored as %s" % (", ".join(i for i, _ in ids),
                                                 stored_quantized(config)))
            continue
        model, config = build(config)
        leaves = model.leaf_modules()
        built += 1
        real = {}
        for fmt in formats():
            try:
                real[fmt[0]] = (real_bytes(model, config, leaves, fmt), None)
            except ValueError as e:
                real[fmt[0]] = (None, str(e))
        if nbytes(model) != real["stored"][0]:
            tier.fail("%s: the stored bytes changed after the formats (%d, was %d): the "
                      "restore of the leaf modules is not exact"
                      % (ids[0][0], nbytes(model), real["stored"][0]))
        for model_id, path in ids:
            for fmt in formats():
                got, mlx_err = real[fmt[0]]
                est, est_err = estimate(path, fmt)
                if got is None and est is None:
                    refused += 1
                elif got is None:
                    tier.fail("%s %s: mlx-lm refuses (%s) but estimate gives %d bytes"
                              % (model_id, fmt[0], mlx_err, est))
                elif est is None:
                    tier.fail("%s %s: estimate refuses (%s); MLX has %d bytes"
                              % (model_id, fmt[0], est_err, got))
                elif got != est:
                    tier.fail("%s %s: estimate %d bytes, MLX %d (%+d)"
                              % (model_id, fmt[0], est, got, est - got))
                else:
                    compared += 1
    tier.count("bytes", compared)
    print("weights: %d registry ids in %d configs (%d built) x %d formats: %d byte-equal, "
          "%d refused by both" % (sum(len(i) for _, i in groups), len(groups), built,
                                  len(formats()), compared, refused))
    tier.check()


main()
