#!/usr/bin/env python3
"""Every number a plan prints must equal what `mlxplan estimate` gives for
the same inputs.  For each request in consistency.txt this runs
`mlxplan plan --json`, then the `estimate` command lines the plan names under
"reproduce", and compares the numbers one by one (exact up to the JSON's
printed precision).

usage: consistency.py MLXPLAN REQUESTS_FILE
"""
import json
import shlex
import subprocess
import sys


def run_json(argv):
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {out.returncode}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def close(a, b):
    return a == b or abs(a - b) <= 1e-5 * max(abs(a), abs(b))


def comparison_rows(plan):
    """Rows of the summary's comparison table (the planned setup first)."""
    for sec in plan["sections"]:
        if sec["id"] != "summary":
            continue
        for blk in sec["blocks"]:
            if blk["kind"] == "table" and blk["columns"][0] == "model":
                return blk["rows"]
    return []


def value(cell):
    """The typed number of a table cell such as '10.1 GiB' (its value in bytes)."""
    nums = [s for s in cell["spans"] if "value" in s]
    if len(nums) != 1:
        raise SystemExit(f"cell {cell['text']!r} holds {len(nums)} numbers, not one")
    return nums[0]["value"]


def main():
    binary, requests = sys.argv[1], sys.argv[2]
    failures = checked = 0
    for line in open(requests, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        plan = run_json([binary, "plan", "--no-detect", "--json", line])
        nums = {k: v["value"] for k, v in plan["numbers"].items()}
        pairs = []
        repro = plan.get("reproduce") or {}
        if repro.get("inference"):
            est = run_json(shlex.split(repro["inference"].replace("mlxplan", binary, 1)) + ["--json"])
            batch = est["settings"]["batch"]
            pairs += [("weights_bytes", est["memory"]["weights"]["bytes"]),
                      ("kv_cache_bytes", est["memory"]["kv_cache"]["bytes"]),
                      ("total_bytes", est["memory"]["total_bytes"]),
                      ("decode_tok_s", est["speed"]["decode_tok_s"]),
                      ("prefill_tok_s", est["speed"]["prefill_tok_s"]),
                      ("ttft_batch_s" if batch > 1 else "ttft_s", est["speed"]["ttft_s"])]
        if repro.get("training"):
            est = run_json(shlex.split(repro["training"].replace("mlxplan", binary, 1)) + ["--json"])
            pairs += [("train_total_bytes", est["memory"]["total_bytes"]),
                      ("train_tok_s", est["speed"]["tok_s"]),
                      ("train_total_s", est["speed"]["total_s"])]
        # the other models the request names: their row in the summary's
        # comparison table against their own estimate line
        # (the table's rows after the planned one, in the order of the lines)
        rows = comparison_rows(plan)[1:]
        compared = repro.get("compared") or []
        if len(rows) != len(compared):
            print(f"FAIL {line!r}: {len(rows)} comparison rows, {len(compared)} estimate lines")
            failures += 1
        for cmd, row in zip(compared, rows):
            argv = shlex.split(cmd.replace("mlxplan", binary, 1))
            model = argv[argv.index("--model") + 1]
            est = run_json(argv + ["--json"])
            if row[0]["text"] != model:
                print(f"FAIL {line!r}: comparison row {row[0]['text']}, estimate line for {model}")
                failures += 1
                continue
            # the cells carry the engine's numbers, not the printed digits
            for what, got, want in (
                    ("memory bytes", value(row[3]), est["memory"]["total_bytes"]),
                    ("decode tok/s", value(row[4]), est["speed"]["decode_tok_s"])):
                checked += 1
                if not close(got, want):
                    print(f"FAIL {line!r}: {model} {what}: plan {got}, estimate {want}")
                    failures += 1
            checked += 1
            if row[6]["text"] != est["verdict"]:
                print(f"FAIL {line!r}: {model} verdict: plan {row[6]['text']}, "
                      f"estimate {est['verdict']}")
                failures += 1
        if not pairs:
            print(f"FAIL {line!r}: the plan names no estimate command")
            failures += 1
        for name, want in pairs:
            checked += 1
            got = nums.get(name)
            if got is None or not close(got, want):
                print(f"FAIL {line!r}: {name}: plan {got}, estimate {want}")
                failures += 1
    print(f"{checked} numbers compared, {failures} differ")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
