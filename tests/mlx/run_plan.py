#!/usr/bin/env python3
"""Run the code plans hand out under the real MLX.

  run_plan.py NAME 'REQUEST' ['REQUEST' ...]       (in the tier: tests/mlx/plans.cmake)

For each request, in order and in this one process (so MLX's CPU kernels are
compiled once for all of them): asks `mlxplan plan --no-detect --json` for
the plan, writes every code block that names a file into a fresh project
folder, then runs what the plan tells the user to run:

  fine-tune: tests/mlx/plan_finetune.py (with tests/mlx/standins.py);
  slow inference: tests/mlx/plan_slow.py (likewise);
  pretrain: each tests/test_*.py of the project (its own runner, so pytest is
            not needed), then the plan's smoke commands on a small byte-token
            corpus: prepare_data.py, train.py --updates N (its first loss line
            must be near ln(vocab)), train.py --resume, generate.py, export.py.
            A later pretrain plan of the same run whose files equal the first
            one's but for config.py's sizes (config.tiny(), which every smoke
            command and most tests use, byte-equal) and the size asserts of
            its tests runs only what those sizes reach: the test functions
            that name config.ModelConfig or config.TrainConfig (the rest would
            repeat the first plan's run exactly).

It runs inside the real-MLX tier (tests/mlx/run.sh sets PYTHONPATH to the
MLX found, MLXPLAN_BIN to the binary, MLXPLAN_MLX_WORK to a scratch folder)
and counts one executed plan per request for the tier summary.  Exit 0 when
everything passed, 1 with the failing step's output otherwise, 77 (skip)
when MLX cannot be imported.
"""
import ast
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import plan_finetune
import plan_slow

SKIP = 77


def run(cmd, cwd, timeout=280):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def fail(step, out):
    print(f"FAIL {step}\n{out[-6000:]}")
    sys.exit(1)


def extract(plan, root):
    files = []
    for sec in plan["sections"]:
        for b in sec["blocks"]:
            if b.get("kind") == "code" and b.get("path") and b.get("lang") in ("python", "yaml"):
                path = os.path.join(root, b["path"])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(b["text"])
                files.append(b["path"])
    return files


def corpus(root):
    text = ("the cat sat on the mat. the dog sat on the log. a bird sang in the tree.\n\n"
            "the sun rose over the hill and the cat slept all day long.\n\n") * 80
    path = os.path.join(root, "corpus.txt")
    with open(path, "w") as f:
        f.write(text)
    return path


def read_files(root, files):
    out = {}
    for f in files:
        with open(os.path.join(root, f)) as fh:
            out[f] = fh.read()
    return out


def tiny_source(config_text):
    """The source of config.py's tiny() (None where there is none)."""
    tree = ast.parse(config_text)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "tiny":
            return ast.get_source_segment(config_text, node)
    return None


def sized_tests(text):
    """Names of the test functions of a test file that name config.ModelConfig or
    config.TrainConfig (the plan's sizes rather than config.tiny())."""
    names = []
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            if any(isinstance(n, ast.Attribute) and n.attr in ("ModelConfig", "TrainConfig")
                   for n in ast.walk(node)):
                names.append(node.name)
    return names


# runs the named test functions of one test file with the project's own runner
RUN_SOME = """import os, runpy, sys
sys.path.insert(0, os.path.join(os.getcwd(), "tests"))
ns = runpy.run_path(sys.argv[1])
ns["common"].run_all({n: ns[n] for n in sys.argv[2:]})
"""


def pretrain_variant(py, root, files, base):
    """Run what differs from the first pretrain plan (see the module's doc);
    False where the variant differs elsewhere and must run in full."""
    mine = read_files(root, files)
    differ = sorted(f for f in set(mine) | set(base) if mine.get(f) != base.get(f))
    tests = [f for f in differ if re.match(r"tests/test_\w+\.py$", f) and f in mine]
    if set(differ) - {"config.py"} - set(tests) or "config.py" not in mine or \
            tiny_source(mine["config.py"]) != tiny_source(base["config.py"]):
        return False
    ran = 0
    for t in sorted(f for f in mine if re.match(r"tests/test_\w+\.py$", f)):
        names = sized_tests(mine[t])
        if not names:
            continue
        rc, out = run([py, "-c", RUN_SOME, t] + names, root)
        print("%s (the plan's sizes): %s" % (t, out.strip().splitlines()[-1] if out.strip()
                                             else ""))
        if rc:
            fail(t, out)
        ran += len(names)
    print("variant of the first pretrain plan: files that differ %s; %d sized tests run, "
          "the tiny() runs not repeated" % (", ".join(differ), ran))
    return True


def pretrain(py, root, files):
    tests = sorted(f for f in files if re.match(r"tests/test_\w+\.py$", f))
    if not tests:
        fail("extract", f"no tests/test_*.py among {files}")
    for t in tests:
        rc, out = run([py, t], root)
        print(out.strip().splitlines()[-1] if out.strip() else "")
        if rc:
            fail(t, out)
    rc, out = run([py, "prepare_data.py", "--tokenizer", "bytes", "--tiny", "--split-blank",
                   "--valid-share", "0.2", corpus(root)], root)
    if rc:
        fail("prepare_data.py", out)
    rc, out = run([py, "train.py", "--tiny", "--updates", "30", "--stop-after", "20"], root)
    if rc:
        fail("train.py --updates 30 --stop-after 20", out)
    first = re.search(r"update 1/30: loss ([0-9.]+)", out)
    if not first:
        fail("train.py first loss line", out)
    if abs(float(first.group(1)) - math.log(256)) > 0.5:
        fail("first loss near ln(vocab)", out)
    rc, out2 = run([py, "train.py", "--tiny", "--updates", "30", "--resume"], root)
    if rc or "resumed from" not in out2 or "update 30/30" not in out2:
        fail("train.py --resume", out2)
    last = float(re.search(r"update 30/30: loss ([0-9.]+)", out2).group(1))
    print(f"smoke run: loss {first.group(1)} -> {last:.3f}, resumed at update 20")
    if not last < float(first.group(1)):
        fail("loss falls in the smoke run", out + out2)
    rc, out = run([py, "generate.py", "the cat", "--tiny", "--max-tokens", "12", "--temp", "0"],
                  root)
    if rc or "tok/s" not in out:
        fail("generate.py", out)
    rc, out = run([py, "generate.py", "the cat", "--tiny", "--max-tokens", "12", "--quantize",
                   "8"], root)
    if rc:
        fail("generate.py --quantize 8", out)
    rc, out = run([py, "export.py", "--tiny", "--out", "exported"], root)
    if rc or not os.path.exists(os.path.join(root, "exported", "config.json")):
        fail("export.py", out)


def run_one(name, request, py, base):
    """Plan and run one request; base: the first pretrain plan's files (filled here)."""
    mlxplan = os.environ["MLXPLAN_BIN"]
    p = subprocess.run([mlxplan, "plan", "--no-detect", "--json", request],
                       capture_output=True, text=True)
    if p.returncode:
        fail("mlxplan plan %r" % request, p.stderr)
    plan = json.loads(p.stdout)
    with tempfile.TemporaryDirectory(prefix=f"plan-{name}-",
                                     dir=os.environ.get("MLXPLAN_MLX_WORK")) as root:
        files = extract(plan, root)
        print(f"== {request}\n{plan['title']}: {len(files)} files", flush=True)
        if "fine-tune" in plan["scenarios"]:
            plan_finetune.run_plan(plan, root, py)
        elif "optimize" in plan["scenarios"] and plan_slow.is_slow(plan):
            plan_slow.run_plan(plan, root, py)
        elif "pretrain" in plan["scenarios"] or "train from scratch" in plan["title"].lower() \
                or any(f == "train.py" for f in files):
            if not base or not pretrain_variant(py, root, files, base):
                pretrain(py, root, files)
                if not base:
                    base.update(read_files(root, files))
        else:
            fail("plan kind", f"no runner for scenarios {plan['scenarios']}")
    try:
        import tier
        tier.count("plans", 1)
    except ImportError:
        pass  # run by hand, outside the tier


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    name, requests = sys.argv[1], sys.argv[2:]
    py = sys.executable
    rc, out = run([py, "-c", "import mlx.core"], ".")
    if rc:
        print(f"skipped: MLX cannot be imported by {py}")
        return SKIP
    base = {}
    for request in requests:
        run_one(name, request, py, base)
    print(f"PASS {name}: {len(requests)} plans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
