#!/bin/sh
# plan_diag.sh BINARY FIXTURES TMP - `plan --measured FILE` judges a run with
# the diagnosis of `runs read` / `runs add` (mp_run_diagnose): for each sample
# the plan's measured and expected figures, its verdict and its ranked causes
# (ids, in order) are those `runs read --json` gives for the same file on the
# same machine; a request's own figure ("only 9 tok/s") is judged the same way
# and nothing is stored by either.
set -u
bin=$1 fx=$2/runs tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
MLXPLAN_HOME=$tmp/home
export MLXPLAN_HOME
fail() { echo "FAIL: $*"; exit 1; }
for f in good/gen-bf16-8b.txt good/gen-cpu-device.txt good/gen-32k-prompt.txt \
         diag/swap-32b-8bit.txt diag/thermal-benchmark.txt diag/old-format-8b.txt; do
    "$bin" runs read --json "$fx/$f" --chip "M3 Max 30c" --memory 36 >"$tmp/read.json" ||
        fail "runs read $f"
    "$bin" plan --no-detect "my MLX inference is slow on my M3 Max 36GB" --measured "$fx/$f" \
        >"$tmp/plan.md" || fail "plan --measured $f"
    "$bin" plan --no-detect "my MLX inference is slow on my M3 Max 36GB" --measured "$fx/$f" \
        --json >"$tmp/plan.json" || fail "plan --measured --json $f"
    python3 - "$tmp" "$f" <<'PY' || fail "plan and runs read disagree on $f"
import json, re, sys
tmp, name = sys.argv[1], sys.argv[2]
d = json.load(open(tmp + "/read.json"))["diagnosis"]
n = json.load(open(tmp + "/plan.json"))["numbers"]
md = open(tmp + "/plan.md").read()
assert abs(n["measured_tok_s"]["value"] - d["measured_tok_s"]) < 1e-6, (n["measured_tok_s"], d)
assert abs(n["expected_tok_s"]["value"] - d["expected_tok_s"]) < 1e-3, (n["expected_tok_s"], d)
assert n["measured_tok_s"]["label"] == "measured" and n["expected_tok_s"]["label"] == "estimated"
m = re.search(r"tok/s expected \+/-\d+% \([^)]*\): ([a-z ]+), \d+% of the estimate", md)
assert m and m.group(1) == d["verdict"], (m and m.group(1), d["verdict"])
ranked = md.split("Causes ranked for this run", 1)
ids = re.findall(r"^\d+\. \*\*([a-z0-9-]+)\*\*:", ranked[1].split("\n\n", 2)[1], re.M) if len(ranked) > 1 else []
assert ids == [c["id"] for c in d["causes"]], (ids, [c["id"] for c in d["causes"]])
print(name, d["verdict"], ids)
PY
done
# the request's figure: the same verdict rule, band and expected figure as a
# generate paste of that speed for the same setup
"$bin" plan --no-detect "Qwen3 8B 4-bit generates only 9 tok/s with mlx_lm.generate on my M3 Max 36GB" \
    --json >"$tmp/p9.json" || fail "plan 9 tok/s"
python3 - "$tmp/p9.json" <<'PY' || fail "the request's figure was not judged"
import json, sys
n = json.load(open(sys.argv[1]))["numbers"]
assert n["measured_tok_s"]["value"] == 9 and n["measured_tok_s"]["label"] == "measured", n
assert "the 9.0 tok/s of the request, timed by mlx_lm" in n["measured_tok_s"]["basis"], n
assert n["expected_tok_s"]["value"] == n["decode_tok_s"]["value"], n
PY
"$bin" runs list --json | python3 -c 'import json,sys; assert json.load(sys.stdin)["runs"] == []' ||
    fail "a plan stored a run"
echo "plan diagnosis: ok"
