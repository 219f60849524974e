#!/usr/bin/env python3
"""Checks over every golden plan (tests/e2e/golden/plan-*.md and .json):

  - all twelve sections are present, in order, each with content;
  - every ```python block compiles (python3's py_compile);
  - the JSON plans carry the parsed request under "spec", each field with a
    value, a provenance from the allowed set and its evidence;
  - the guard (guard_files) finds every MLX / MLX-LM name, command, flag
    and YAML key of every golden in the ground-truth tables;
  - `mlxplan check` finds nothing to say about any of those Python blocks:
    the code a plan hands out passes mlxplan's own checker.

usage: check_goldens.py GUARD_FILES GOLDEN_DIR MLXPLAN
"""
import json
import pathlib
import py_compile
import re
import subprocess
import sys
import tempfile

SECTIONS = ["Summary and verdict", "What was understood", "Architecture", "Dependencies",
            "Implementation steps", "Performance targets", "Code patterns",
            "Testing and validation", "Optimisation guide", "Deployment", "Todo checklist",
            "Sources"]
PROVENANCE = {"flag", "request", "journal", "detected", "assumed"}


def check_sections(path, text, problems):
    heads = [(m.start(), m.group(1), m.group(2))
             for m in re.finditer(r"^## (\d+)\. (.+)$", text, re.M)]
    titles = [h[2] for h in heads]
    # every plan has 1-5, 7 (steps need code or not), 11, 12; a section
    # may be absent only when the plan has nothing for it (no targets for a
    # plan without numbers) -- the goldens must have all twelve
    if titles != SECTIONS:
        problems.append(f"{path.name}: sections {titles}")
        return
    for i, (start, _, title) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        body = text[start:end].split("\n", 1)[1].strip()
        if not body:
            problems.append(f"{path.name}: section '{title}' is empty")


def check_python(path, text, problems, keep_dir):
    blocks = re.findall(r"^```python[^\n]*\n(.*?)^```", text, re.S | re.M)
    for i, src in enumerate(blocks):
        (pathlib.Path(keep_dir) / f"{path.stem}-{i + 1}.py").write_text(src, encoding="utf-8")
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write(src)
        try:
            py_compile.compile(f.name, doraise=True)
        except py_compile.PyCompileError as e:
            problems.append(f"{path.name}: python block {i + 1}: {e.msg.strip()}")
        finally:
            pathlib.Path(f.name).unlink()
    return len(blocks)


def check_spec(path, problems):
    plan = json.loads(path.read_text(encoding="utf-8"))
    spec = plan.get("spec")
    if not isinstance(spec, dict) or not spec:
        problems.append(f"{path.name}: no spec")
        return
    filled = 0
    for name, field in spec.items():
        if not isinstance(field, dict):
            continue
        if field.get("value") is None:
            continue
        filled += 1
        if field.get("provenance") not in PROVENANCE or not field.get("evidence"):
            problems.append(f"{path.name}: spec.{name} has provenance "
                            f"{field.get('provenance')!r}, evidence {field.get('evidence')!r}")
    if filled < 3:
        problems.append(f"{path.name}: only {filled} spec fields filled")
    for key in ("verdict", "numbers", "sections", "reproduce"):
        if not plan.get(key):
            problems.append(f"{path.name}: no {key}")


def main():
    guard, golden, mlxplan = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    problems = []
    plans = sorted(p for p in golden.glob("plan-*.md") if p.name != "plan-help.md")
    n_py = 0
    blocks_dir = tempfile.mkdtemp(prefix="plan-python-")
    for p in plans:
        text = p.read_text(encoding="utf-8")
        check_sections(p, text, problems)
        n_py += check_python(p, text, problems, blocks_dir)
    files = sorted(str(f) for f in pathlib.Path(blocks_dir).iterdir())
    checked = subprocess.run([mlxplan, "check"] + files, capture_output=True, text=True)
    if checked.returncode != 0:
        problems.append("mlxplan check on the plans' Python:\n" + checked.stdout + checked.stderr)
    for f in files:
        pathlib.Path(f).unlink()
    pathlib.Path(blocks_dir).rmdir()
    jsons = sorted(golden.glob("plan-*.json"))
    for p in jsons:
        check_spec(p, problems)
        plan = json.loads(p.read_text(encoding="utf-8"))
        for sec in plan["sections"]:
            for b in sec["blocks"]:
                if b["kind"] == "code" and b.get("lang") == "python":
                    n_py += 1
                    try:
                        compile(b["text"], p.name, "exec")
                    except SyntaxError as e:
                        problems.append(f"{p.name}: python block: {e}")
    # every golden belongs to a case: a stale file would be guarded and
    # compiled here while nothing compares it with the program's output
    cases = "".join(t.read_text(encoding="utf-8") for t in golden.parent.glob("cases-*.tsv"))
    for p in golden.iterdir():
        if p.is_file() and p.name not in cases:
            problems.append(f"{p.name}: no case in {golden.parent}/cases-*.tsv uses it")
    everything = sorted(str(p) for p in golden.iterdir() if p.is_file())
    guard_run = subprocess.run([guard] + everything, capture_output=True, text=True)
    if guard_run.returncode != 0:
        problems.append(guard_run.stdout.strip() or guard_run.stderr.strip())
    for line in problems:
        print("FAIL", line)
    print(f"{len(plans)} Markdown plans, {len(jsons)} JSON plans, {n_py} python blocks; "
          f"guard: {guard_run.stdout.strip().splitlines()[-1] if guard_run.stdout else '?'}")
    return 1 if problems or len(plans) < 25 else 0


if __name__ == "__main__":
    sys.exit(main())
