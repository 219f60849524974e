"""tests/mlx/rules.py - the checker's rules against real MLX.

Each case names a fixture of tests/check/bad/ (what `mlxplan check` reports
with that rule, see its "# expect:" lines) and what the problem does when the
fixture runs under the real MLX: raises the named exception, prints MLX's own
deprecation message, or (mx.checkpoint over a bound layer, MLX305) leaves the
layers' weights with all-zero gradients.  The clean twins are the fixtures of
tests/check/ok/ that import only MLX, NumPy and the standard library: each
must run to exit 0 and `mlxplan check` must find nothing in it.  Fixtures
whose problem shows only in a function they never call (MLX001_attribute) or
only as speed or memory over many steps are not run here: the lazy-graph
rules' memory is tests/mlx/memory.py's, and a timing is not a test.

    rules.py
"""
import os
import runpy
import subprocess
import sys

import mlx.core as mx
import mlx.nn as nn
from mlx.utils import tree_flatten

import tier

SRC = os.environ["MLXPLAN_SRC"]
BAD = os.path.join(SRC, "tests/check/bad")
OK = os.path.join(SRC, "tests/check/ok")

# (fixture, rule, how the problem shows: ("raises", exception name) or
# ("prints", text MLX prints) or ("zero-grads", None))
CASES = [
    ("MLX001_fstring_tabs.py", "MLX001", ("raises", "AttributeError")),
    ("MLX001_import.py", "MLX001", ("raises", "ImportError")),
    ("MLX001_other_module.py", "MLX001", ("raises", "AttributeError")),
    ("MLX002_metal_memory.py", "MLX002", ("prints", "is deprecated")),
    ("MLX003_keyword.py", "MLX003", ("raises", "TypeError")),
    ("MLX003_partial.py", "MLX003", ("raises", "TypeError")),
    ("MLX301_arity.py", "MLX301", ("raises", "TypeError")),
    ("MLX305_bound_layer.py", "MLX305", ("zero-grads", None)),
]
# clean twins that run on MLX's CPU backend with nothing downloaded
# (checkpoint_explicit_async is MLX305's twin: the parameters passed
# explicitly).  Not run: api_tour and fast_ops ask for the GPU's device info
# and stream, inference_lm and lora_finetune download a model, trainer_class
# trains for minutes, syntax_torture uses syntax newer than Debian's Python,
# ignore_comments holds silenced errors on purpose.
CLEAN = ["numpy_interop.py", "train_mlp.py", "checkpoint_and_generate.py",
         "checkpoint_explicit_async.py", "crlf_endings.py"]


def run(path):
    return subprocess.run([sys.executable, path], capture_output=True, text=True,
                          timeout=120, cwd=os.environ.get("MLXPLAN_MLX_WORK", "/tmp"))


def check_rules(path):
    p = subprocess.run([os.environ["MLXPLAN_BIN"], "check", path], capture_output=True,
                       text=True)
    return p.returncode, p.stdout


def layer_grads(model, use_checkpoint):
    """Largest |gradient| of the model's hidden layers' weights for a sum loss."""
    x = mx.random.normal((4, 8))
    grad_fn = nn.value_and_grad(model, lambda x: model(x, use_checkpoint).sum())
    _, grads = grad_fn(x)
    layer = [v for k, v in tree_flatten(grads) if k.startswith("layers.")]
    return max(mx.max(mx.abs(g)).item() for g in layer)


def main():
    confirmed = 0
    mx.random.seed(0)
    for name, rule, (how, what) in CASES:
        path = os.path.join(BAD, name)
        rc, out = check_rules(path)
        if rc != 1 or "[%s]" % rule not in out:
            tier.fail("%s: mlxplan check does not report %s (exit %d)" % (name, rule, rc))
            continue
        if how == "zero-grads":
            model = runpy.run_path(path)["model"]
            bad, clean = layer_grads(model, True), layer_grads(model, False)
            ok = bad == 0.0 and clean > 0.0
            seen = "layer weight gradients max %g with mx.checkpoint, %g without" % (bad, clean)
        else:
            p = run(path)
            text = p.stdout + p.stderr
            if how == "raises":
                ok = p.returncode != 0 and what in text
            else:
                ok = what in text
            seen = (text.strip().splitlines() or ["(no output)"])[-1][:120]
        print("%-9s %-28s %s: %s" % ("confirmed" if ok else "NOT", name, rule, seen), flush=True)
        if ok:
            confirmed += 1
        else:
            tier.fail("%s: under real MLX the %s problem does not show (%s %s): %s"
                      % (name, rule, how, what or "", seen))
    for name in CLEAN:
        path = os.path.join(OK, name)
        rc, out = check_rules(path)
        p = run(path)
        print("%-9s %-28s check exit %d, run exit %d" % ("clean" if rc == 0 and p.returncode == 0
                                                         else "NOT", name, rc, p.returncode),
              flush=True)
        if rc != 0:
            tier.fail("%s: mlxplan check reports problems in a clean fixture: %s"
                      % (name, out.strip().splitlines()[:1]))
        if p.returncode != 0:
            tier.fail("%s: the clean fixture fails under real MLX: %s"
                      % (name, (p.stderr.strip().splitlines() or [""])[-1][:160]))
    tier.count("rules", confirmed)
    tier.check()


if __name__ == "__main__":
    main()
