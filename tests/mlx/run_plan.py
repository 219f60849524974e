#!/usr/bin/env python3
"""Run the code a plan hands out under the real MLX.

  run_plan.py NAME 'REQUEST' [--flag value ...]      (in the tier: tests/mlx/plans.cmake)

Asks `mlxplan plan --no-detect --json` for the plan, writes every code block
that names a file into a fresh project folder, then runs what the plan's
testing section tells the user to run:

  fine-tune: tests/mlx/plan_finetune.py (with tests/mlx/standins.py);
  pretrain: each tests/test_*.py of the project (its own runner, so pytest is
            not needed), then the plan's smoke commands on a small byte-token
            corpus: prepare_data.py, train.py --updates N (its first loss line
            must be near ln(vocab)), train.py --resume, generate.py, export.py.

It runs inside the real-MLX tier (tests/mlx/run.sh sets PYTHONPATH to the
MLX found, MLXPLAN_BIN to the binary, MLXPLAN_MLX_WORK to a scratch folder)
and counts one executed plan for the tier summary.  Exit 0 when everything
passed, 1 with the failing step's output otherwise, 77 (skip) when MLX
cannot be imported.
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import plan_finetune

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


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    name, request = sys.argv[1:3]
    mlxplan = os.environ["MLXPLAN_BIN"]
    py = sys.executable
    rc, out = run([py, "-c", "import mlx.core"], ".")
    if rc:
        print(f"skipped: MLX cannot be imported by {py}")
        return SKIP
    p = subprocess.run([mlxplan, "plan", "--no-detect", "--json", *sys.argv[3:], request],
                       capture_output=True, text=True)
    if p.returncode:
        fail("mlxplan plan", p.stderr)
    plan = json.loads(p.stdout)
    with tempfile.TemporaryDirectory(prefix=f"plan-{name}-",
                                     dir=os.environ.get("MLXPLAN_MLX_WORK")) as root:
        files = extract(plan, root)
        print(f"{name}: {len(files)} files")
        if "fine-tune" in plan["scenarios"]:
            plan_finetune.run_plan(plan, root, py)
        elif "pretrain" in plan["scenarios"] or "train from scratch" in plan["title"].lower() \
                or any(f == "train.py" for f in files):
            pretrain(py, root, files)
        else:
            fail("plan kind", f"no runner for scenarios {plan['scenarios']}")
    try:
        import tier
        tier.count("plans", 1)
    except ImportError:
        pass  # run by hand, outside the tier
    print(f"PASS {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
