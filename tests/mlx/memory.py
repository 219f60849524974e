"""tests/mlx/memory.py - the checker's lazy-graph rules against real MLX memory.

Each case names a fixture of tests/check/bad/ and the line `mlxplan check`
flags in it (its "# expect:" line), and the clean twin's line in
tests/check/ok/lazy_loops_evaluated.py (marked "# probe: CASE").  The
fixture runs as written, under a line tracer that, each time the probed line
runs, samples MLX's allocator: mx.get_active_memory() (bytes held) and
mx.get_peak_memory() since the previous sample less the bytes held, or 0
(the step's transient, e.g. a copy), then resets the peak.  Both are byte counts
of the allocator, so the assertion is exact, never a timing:

  held      (MLX101, MLX103_fill): the lazy graph keeps every step's constants
            alive; the bytes held rise at each quarter of the run, and the
            twin's are equal at each quarter;
  transient (MLX103_concat): each step copies the whole cache; the step's
            transient rises at each quarter, the twin's (written in place into
            a buffer allocated once) is equal at each quarter.

Speed-only rules are not asserted: MLX102 (.item() per step) prints the
measured time per step of the fixture and of its twin as a benchmark line of
the tier summary (tier.bench).

    memory.py
"""
import gc
import os
import re
import subprocess
import sys
import time

import mlx.core as mx

import tier

SRC = os.environ["MLXPLAN_SRC"]
BAD = os.path.join(SRC, "tests/check/bad")
TWIN = os.path.join(SRC, "tests/check/ok/lazy_loops_evaluated.py")

# (case, fixture, rule, measure)
CASES = [
    ("MLX101", "MLX101_no_eval.py", "MLX101", "held"),
    ("MLX103_fill", "MLX103_fill.py", "MLX103", "held"),
    ("MLX103_concat", "MLX103_concat.py", "MLX103", "transient"),
]
BENCH = [("MLX102", "MLX102_item.py", "MLX102")]


class Probe:
    """Samples held bytes, transient bytes and time each time path:line runs."""

    def __init__(self, path, lines):
        self.path, self.lines = path, set(lines)
        self.held = {n: [] for n in lines}
        self.transient = {n: [] for n in lines}
        self.clock = {n: [] for n in lines}

    def trace(self, frame, event, arg):
        if frame.f_code.co_filename != self.path:
            return None
        if event == "line" and frame.f_lineno in self.lines:
            n = frame.f_lineno
            held = mx.get_active_memory()
            self.held[n].append(held)
            # the peak restarts at 0 on reset: a step that allocates nothing has no transient
            self.transient[n].append(max(mx.get_peak_memory(), held) - held)
            self.clock[n].append(time.perf_counter())
            mx.reset_peak_memory()
        return self.trace

    def run(self):
        with open(self.path) as f:
            code = compile(f.read(), self.path, "exec")
        mx.reset_peak_memory()
        sys.settrace(self.trace)
        try:
            exec(code, {"__name__": "__main__", "__file__": self.path})
        finally:
            sys.settrace(None)
        gc.collect()  # the script's functions and its globals form cycles: free them now
        return self


def quarters(series):
    """The samples at 1/4, 1/2, 3/4 of the run and the last one (after warm-up)."""
    n = len(series)
    return [series[n // 4], series[n // 2], series[3 * n // 4], series[-1]]


def rises(q):
    return all(a < b for a, b in zip(q, q[1:]))


def flat(q):
    return all(a == b for a, b in zip(q, q[1:]))


def expect_line(path, rule):
    with open(path) as f:
        m = re.search(r"# expect: %s (\d+):\d+" % rule, f.read())
    return int(m.group(1)) if m else None


def probe_lines(path):
    lines = {}
    with open(path) as f:
        for n, text in enumerate(f, 1):
            m = re.search(r"# probe: (\w+)", text)
            if m:
                lines[m.group(1)] = n
    return lines


def flagged(path, rule, line):
    p = subprocess.run([os.environ["MLXPLAN_BIN"], "check", path], capture_output=True,
                       text=True)
    return p.returncode == 1 and re.search(r":%d:\d+: .*\[%s\]" % (line, rule), p.stdout)


def per_step_ms(clock):
    """Median milliseconds between two runs of the probed line (one loop step)."""
    d = sorted(b - a for a, b in zip(clock, clock[1:]))
    return 1e3 * d[len(d) // 2]


def main():
    os.chdir(os.environ.get("MLXPLAN_MLX_WORK", "."))
    twin_lines = probe_lines(TWIN)
    missing = [c for c, *_ in CASES + BENCH if c not in twin_lines]
    if missing:
        tier.fail("%s has no '# probe:' line for %s" % (TWIN, ", ".join(missing)))
        tier.check()
    rc = subprocess.run([os.environ["MLXPLAN_BIN"], "check", TWIN], capture_output=True).returncode
    if rc != 0:
        tier.fail("mlxplan check reports problems in the clean twin %s" % TWIN)
    twin = Probe(TWIN, list(twin_lines.values())).run()
    confirmed = 0
    for case, name, rule, measure in CASES:
        path = os.path.join(BAD, name)
        line = expect_line(path, rule)
        if line is None or not flagged(path, rule, line):
            tier.fail("%s: mlxplan check does not report %s at its expected line" % (name, rule))
            continue
        bad = Probe(path, [line]).run()
        series = bad.held if measure == "held" else bad.transient
        b = quarters(series[line])
        t = quarters((twin.held if measure == "held" else twin.transient)[twin_lines[case]])
        ok = rises(b) and flat(t)
        print("%-9s %-18s %s: bytes %s at each quarter %s; twin %s" % (
            "confirmed" if ok else "NOT", name, rule, measure, b, t), flush=True)
        if ok:
            confirmed += 1
        else:
            tier.fail("%s: %s bytes do not rise under the fixture while flat in the twin "
                      "(fixture %s, twin %s)" % (name, measure, b, t))
    for case, name, rule in BENCH:
        path = os.path.join(BAD, name)
        line = expect_line(path, rule)
        bad = Probe(path, [line]).run()
        ms, twin_ms = per_step_ms(bad.clock[line]), per_step_ms(twin.clock[twin_lines[case]])
        tier.bench("%s %s: %.3f ms a step with the flagged line, %.3f ms in the clean twin "
                   "(CPU backend, measured)" % (rule, name, ms, twin_ms))
    tier.count("rules", confirmed)
    tier.check()


if __name__ == "__main__":
    main()
