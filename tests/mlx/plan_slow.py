"""tests/mlx/plan_slow.py - runs a slow-inference plan (src/plan/flow_slow.c) as written.

run_plan(plan, root, py): the plan's files are in root (run_plan.extract).
With the stand-ins of tests/mlx/standins.py (a tiny model folder for the Hub
id, the byte tokenizer, console scripts and `python` / `mlxplan` as shims on
PATH, my_prompt.txt and your_script.py written here) it runs every line of
the plan's Implementation steps in order, each with `sh -c` (so "$MODEL",
quotes and `< my_prompt.txt` work as in the user's shell; VAR=value lines
set the variable for the lines after), and checks what the plan says of each:

  setup        the version line prints mlx 0.32 and the device (the
               macOS-only lines, sysctl / system_profiler / sw_vers / pmset,
               are not run: a stand-in, named in the output);
  convert      the "no ... copy yet" line is run (the tier has no copy): the
               folder's config.json has the plan's bits and group size;
  benchmark    mlx_lm.benchmark prints the lines the plan's Testing names:
               `Running warmup..`, `Trial i:` lines, `Averages:` with
               prompt_tps, generation_tps and peak_memory;
  generate     mlx_lm.generate prints the Prompt, Generation and Peak memory
               lines the plan's Testing names;
  speed_check  speed_check.py prints decode, prefill and peak memory lines;
  check        `mlxplan check your_script.py` on a script with the trap the
               plan ranks (a host read per token, nothing queued) reports
               MLX207, the rule the plan names; own_loop.py, the plan's
               reference loop, is clean under mlxplan check and generates;
  capture      capture.py runs its eight decode steps (mx.metal.start_capture
               has no effect on the CPU backend: a Metal-only call).
The trap script's and own_loop.py's tok/s are a benchmark line (measured,
not asserted).
"""
import json
import os
import re
import shlex

import plan_finetune
import standins

COPY_YET = re.compile(r"^# no .* copy yet: (.+)$")
ASSIGN = re.compile(r"^([A-Z_][A-Z0-9_]*)=(\S+)(?:\s+#.*)?$")


def is_slow(plan):
    return any(b.get("path") == "speed_check.py" for s in plan["sections"] for b in s["blocks"])


def step_lines(plan):
    lines = []
    for sec in plan["sections"]:
        if sec["id"] == "steps":
            for b in sec["blocks"]:
                if b.get("kind") == "code" and b.get("lang") == "sh":
                    lines += [ln for ln in b["text"].splitlines() if ln.strip()]
    return lines


def expect(ok, line, out, what):
    if not ok:
        plan_finetune.fail("%s (%s)" % (line, what), out)


def check_line(line, rc, out, plan, root, variables):
    """What the plan says of one command's outcome (see the module's doc)."""
    argv = shlex.split(line, comments=True)
    if argv[:2] == ["mlxplan", "check"]:
        expect(rc == 1 and "[MLX207]" in out, line, out,
               "the trap the plan ranks is reported as MLX207")
        return "reports MLX207"
    expect(rc == 0, line, out, "exit 0")
    if argv[0] == "python" and argv[1] == "-c":
        expect(re.search(r"\b0\.32\.\d", out) and "Device(" in out, line, out,
               "versions and device printed")
        return out.strip().splitlines()[-1]
    if argv[0] == "mlx_lm.convert":
        path = os.path.join(root, argv[argv.index("--mlx-path") + 1])
        with open(os.path.join(path, "config.json")) as f:
            q = json.load(f).get("quantization", {})
        bits = int(argv[argv.index("--q-bits") + 1]) if "--q-bits" in argv else 4
        group = int(argv[argv.index("--q-group-size") + 1]) if "--q-group-size" in argv else 64
        expect(q.get("bits") == bits and q.get("group_size") == group, line, out,
               "config.json quantization %s, want %d bits, group %d" % (q, bits, group))
        return "quantization %s" % q
    if argv[0] == "mlx_lm.benchmark":
        trials = len(re.findall(r"^Trial \d+:", out, re.M))
        want = int(argv[argv.index("-n") + 1]) if "-n" in argv else 1
        avg = re.search(r"^Averages:.*", out, re.M)
        expect("Running warmup.." in out and trials == want and avg and all(
            k in avg.group(0) for k in ("prompt_tps", "generation_tps", "peak_memory")),
            line, out, "warm-up, %d Trial lines and Averages with prompt_tps, generation_tps, "
            "peak_memory (the plan's Testing)" % want)
        return "%d trials; %s" % (trials, avg.group(0)[:120])
    if argv[0] == "mlx_lm.generate":
        ok = all(re.search(p, out, re.M) for p in (
            r"^Prompt: \d+ tokens, [0-9.]+ tokens-per-sec", r"^Generation: \d+ tokens, "
            r"[0-9.]+ tokens-per-sec", r"^Peak memory: [0-9.]+ GB"))
        expect(ok, line, out, "the Prompt, Generation and Peak memory lines of the plan's Testing")
        return re.search(r"^Generation: .*", out, re.M).group(0)
    if argv[0] == "python" and argv[1] == "speed_check.py":
        ok = all(re.search(p, out, re.M) for p in (
            r"^decode +[0-9.]+ tok/s", r"^prefill +[0-9.]+ tok/s", r"^peak memory [0-9.]+ GB"))
        expect(ok, line, out, "decode, prefill and peak memory lines")
        return re.search(r"^decode .*", out, re.M).group(0)
    return "ok"


def run_plan(plan, root, py):
    import tier

    model_id = plan["model"]
    folder = "standin/" + model_id.split("/")[-1]
    standins.tiny_model(model_id, os.path.join(root, folder))
    standins.say_standins(standins.SLOW)
    for name in ("speed_check.py", "own_loop.py", "capture.py"):
        path = os.path.join(root, name)
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace('"%s"' % model_id, '"%s"' % folder))
    with open(os.path.join(root, "my_prompt.txt"), "w") as f:
        f.write(standins.PROMPT)
    with open(os.path.join(root, "your_script.py"), "w") as f:
        f.write(standins.TRAP)
    env = standins.env()
    env["PATH"] = standins.shims(root, py) + os.pathsep + env["PATH"]
    variables = {}
    for line in step_lines(plan):
        m = COPY_YET.match(line)
        if m:
            line = m.group(1)  # the tier has no copy: the line the plan gives for that
        elif line.lstrip().startswith("#"):
            continue
        line = line.replace(model_id, folder)
        m = ASSIGN.match(line)
        if m:
            variables[m.group(1)] = m.group(2)
            print("%s=%s" % m.groups())
            continue
        first = line.split()[0]
        if first in standins.MACOS_ONLY:
            print("not run (macOS only, a stand-in): %s" % line)
            continue
        rc, out = plan_finetune.run(["sh", "-c", line], root, env=dict(env, **variables))
        print("[%.1f s CPU] %s: %s" % (plan_finetune.run.cpu, line[:90],
                                       check_line(line, rc, out, plan, root, variables)),
              flush=True)
    model = variables.get("MODEL", folder)
    rc, out = plan_finetune.run([os.environ["MLXPLAN_BIN"], "check", "own_loop.py"], root)
    expect(rc == 0, "mlxplan check own_loop.py", out, "the reference loop is clean")
    rates = {}
    for script in ("own_loop.py", "your_script.py"):
        rc, out = plan_finetune.run([py, script, model], root)
        m = re.search(r"^(\d+) tokens, ([0-9.]+) tok/s", out, re.M)
        expect(rc == 0 and m, "python %s %s" % (script, model), out, "generates")
        rates[script] = float(m.group(2))
        print("%s generates: %s" % (script, m.group(0)))
    tier.bench("%s: own_loop.py %.1f tok/s, the per-token .item() loop %.1f tok/s (CPU backend, "
               "tiny stand-in model, measured)" % (model_id, rates["own_loop.py"],
                                                   rates["your_script.py"]))
    rc, out = plan_finetune.run([py, "capture.py", model], root,
                                env=dict(env, MTL_CAPTURE_ENABLED="1"))
    expect(rc == 0 and "wrote decode.gputrace" in out, "python capture.py", out,
           "eight decode steps run")
    print("capture.py: its eight decode steps ran (no trace: the CPU backend has no Metal "
          "capture)")
