"""tests/mlx/tier.py - what every Python test of the real-MLX tier shares.

count(kind, n): add n to the tier summary's count of `kind` ("plans" executed,
"bytes" comparisons made, "rules" of the checker confirmed); run.sh tells the
file through MLXPLAN_MLX_COUNTS.
bench(text): print a measured figure that no test asserts (a timing) and
record it as a "bench TEXT" line of the same file; the summary prints it.
mlxplan(*args): run the mlxplan binary under test ($MLXPLAN_BIN) offline-safe,
return its stdout; a non-zero exit raises with its stderr.
estimate_json(*args): `mlxplan estimate ... --json --offline`, parsed.
registry(): the model registry (data/models/registry.tsv) as a list of
(id, path of its config.json), in the registry's order.
fail(msg): print one line "FAIL: msg" and count the failure; check() at the
end exits 1 if any was recorded (so one run reports every mismatch).
"""
import json
import os
import subprocess
import sys

KINDS = ("plans", "bytes", "rules")
_failures = []


def count(kind, n=1):
    if kind not in KINDS:
        raise ValueError("tier.count: unknown kind %r (want one of %s)" % (kind, KINDS))
    path = os.environ.get("MLXPLAN_MLX_COUNTS")
    if path:
        with open(path, "a") as f:
            f.write("%s %d\n" % (kind, n))


def bench(text):
    if "\n" in text:
        raise ValueError("tier.bench: one line, got %r" % text)
    print("benchmark " + text, flush=True)
    path = os.environ.get("MLXPLAN_MLX_COUNTS")
    if path:
        with open(path, "a") as f:
            f.write("bench %s\n" % text)


def mlxplan(*args):
    binary = os.environ["MLXPLAN_BIN"]
    p = subprocess.run([binary] + [str(a) for a in args], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("mlxplan %s: exit %d: %s" % (" ".join(map(str, args)),
                                                        p.returncode, p.stderr.strip()))
    return p.stdout


def estimate_json(*args):
    return json.loads(mlxplan("estimate", *args, "--json", "--offline"))


def registry():
    src = os.environ["MLXPLAN_SRC"]
    rows = []
    with open(os.path.join(src, "data/models/registry.tsv")) as f:
        for line in f:
            if line.startswith("#") or line.startswith("id\t") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            rows.append((cols[0], os.path.join(src, "data/models/configs", cols[1])))
    return rows


def fail(msg):
    print("FAIL: " + msg, flush=True)
    _failures.append(msg)


def check():
    if _failures:
        print("%d failure(s)" % len(_failures))
        sys.exit(1)
