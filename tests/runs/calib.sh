#!/bin/sh
# calib.sh BINARY FIXTURES TMP - local calibration end to end: with 3 runs of
# Qwen3-8B (4-bit) stored for an M3 Max 36 GB, the estimate, the fit options
# and the plan of Qwen3-4B on that machine move to the plain figure x the
# median measured/estimated ratio of those runs, are labelled calibrated and
# name the runs in their basis; --no-calibration and forgetting the runs give
# the plain figures back; another machine is untouched; the exact setup of a
# run is labelled measured; a LoRA log calibrates the training speeds of the
# fine-tune plan and the training fit the same way (run ids are never reused,
# so the log added after forgetting is run 4).
set -u
bin=$1 fx=$2/runs tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
MLXPLAN_HOME=$tmp/home
export MLXPLAN_HOME
fail() { echo "FAIL: $*"; exit 1; }
est() { "$bin" estimate --model Qwen/Qwen3-4B --chip "M3 Max 30c" --memory 36 --quant 4 --json "$@"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["speed"]; print(s.get(sys.argv[1], "absent"))' "$1"; }

fit4() { "$bin" fit --model Qwen/Qwen3-4B --chip "M3 Max 30c" --memory 36 --json "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
o = [x for x in d["options"] if x["quant"] == "affine 4-bit g64" and x["kv_bits"] == 0][0]
ids = d.get("calibration", {}).get("decode", {}).get("run_ids")
print(o["decode_tok_s"], o.get("decode_label", "absent"), ",".join(map(str, ids)) if ids else "none")'; }
plan() { "$bin" plan --no-detect "run Qwen3 4B 4-bit on my M3 Max 36GB" --json "$@" | python3 -c '
import json, sys
n = json.load(sys.stdin)["numbers"]["decode_tok_s"]
print(n["value"], n["label"], "runs 1, 2, 3" in n["basis"])'; }
plain=$(est | field decode_tok_s) || fail "plain estimate"
fit_plain=$(fit4) || fail "plain fit"
plan_plain=$(plan) || fail "plain plan"
case "$fit_plain" in *" absent none") ;; *) fail "fit labelled without runs: $fit_plain" ;; esac
case "$plan_plain" in *" estimated False") ;; *) fail "plan labelled without runs: $plan_plain" ;; esac
[ "$(est | field decode_label)" = absent ] || fail "a label without runs"
for i in 1 2 3; do
    "$bin" runs add "$fx/calib/qwen3-8b-run$i.txt" --chip "M3 Max 30c" --memory 36 >/dev/null ||
        fail "add run $i"
done
ratio=$("$bin" runs list --json | python3 -c '
import json, statistics, sys
r = [f["ratio"] for x in json.load(sys.stdin)["runs"] for f in x["figures"] if f["kind"] == "decode"]
assert len(r) == 3, r
print(statistics.median(r))')
cal=$(est | field decode_tok_s)
[ "$(est | field decode_label)" = calibrated ] || fail "not labelled calibrated"
python3 -c '
import sys
plain, cal, ratio = map(float, sys.argv[1:])
want = plain * min(3.0, max(0.33, ratio))
assert abs(cal - want) <= 0.002 * want, (plain, cal, ratio, want)
assert abs(cal - plain) > 0.05 * plain, "the estimate did not move"' "$plain" "$cal" "$ratio" ||
    fail "calibrated $cal is not plain $plain x ratio $ratio"
est | python3 -c 'import json,sys; c=json.load(sys.stdin)["calibration"]["decode"]; assert c["runs"]==3 and c["run_ids"]==[1,2,3], c' ||
    fail "calibration basis"
"$bin" estimate --model Qwen/Qwen3-4B --chip "M3 Max 30c" --memory 36 --quant 4 | grep -q 'calibrated on 3 of your runs' ||
    fail "no basis line in Markdown"
[ "$(est --no-calibration | field decode_tok_s)" = "$plain" ] || fail "--no-calibration"

# fit and plan on the same machine: the same factor, labelled, the runs named
moved() { python3 -c '
import sys
plain, now, ratio = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
want = plain * min(3.0, max(0.33, ratio))
assert abs(now - want) <= 0.002 * want, (plain, now, ratio, want)' "$@"; }
set -- $(fit4); moved "${fit_plain%% *}" "$1" "$ratio" || fail "fit $1 is not plain ${fit_plain%% *} x $ratio"
[ "$2 $3" = "calibrated 1,2,3" ] || fail "fit label / runs: $2 $3"
"$bin" fit --model Qwen/Qwen3-4B --chip "M3 Max 30c" --memory 36 |
    grep -q '^- decode: calibrated on 3 of your runs on this machine (runs 1, 2, 3): x' ||
    fail "no basis line in the fit's Markdown"
[ "$(fit4 --no-calibration)" = "$fit_plain" ] || fail "fit --no-calibration: $(fit4 --no-calibration)"
set -- $(plan); moved "${plan_plain%% *}" "$1" "$ratio" || fail "plan $1 is not plain ${plan_plain%% *} x $ratio"
[ "$2 $3" = "calibrated True" ] || fail "plan label / runs in the basis: $2 $3"
"$bin" plan --no-detect "run Qwen3 4B 4-bit on my M3 Max 36GB" |
    grep -q '^- Your runs (decode speeds): calibrated on 3 of your runs on this machine (runs 1, 2, 3)' ||
    fail "no basis line in the plan's Sources"
[ "$(plan --no-calibration)" = "$plan_plain" ] || fail "plan --no-calibration: $(plan --no-calibration)"
# the slow-inference diagnosis judges against the model alone, never calibrated
"$bin" plan --no-detect "Qwen3 4B 4-bit gives only 9 tok/s on my M3 Max 36GB" --json | python3 -c '
import json, sys
n = json.load(sys.stdin)["numbers"]
assert n["expected_tok_s"]["label"] == "estimated" and n["measured_tok_s"]["value"] == 9, n' ||
    fail "the diagnosis was calibrated"
[ "$("$bin" estimate --model Qwen/Qwen3-4B --chip "M4 Max 40c" --memory 48 --quant 4 --json | field decode_label)" = absent ] ||
    fail "another machine was calibrated"
exact=$("$bin" estimate --model mlx-community/Qwen3-8B-4bit --chip "M3 Max 30c" --memory 36 --context 768 --prompt 512 --json)
echo "$exact" | python3 -c 'import json,sys; s=json.load(sys.stdin)["speed"]; assert s["decode_label"]=="measured" and abs(s["decode_total_tok_s"]-31.207)<1e-3, s' ||
    fail "the exact setup is not labelled measured"
"$bin" runs forget --all >/dev/null || fail "forget"
[ "$(est | field decode_tok_s)" = "$plain" ] || fail "forgetting did not restore the plain estimate"
[ "$(est | field decode_label)" = absent ] || fail "a label after forgetting"
[ "$(fit4)" = "$fit_plain" ] || fail "forgetting did not restore the plain fit: $(fit4)"
[ "$(plan)" = "$plan_plain" ] || fail "forgetting did not restore the plain plan: $(plan)"

# training: a LoRA log calibrates the training speeds of plan and fit there
ptrain() { "$bin" plan --no-detect "fine-tune Qwen3 4B on my support chats on my M3 Max 36GB" --json "$@" |
    python3 -c '
import json, sys
n = json.load(sys.stdin)["numbers"]
print(n["train_tok_s"]["value"], n["train_tok_s"]["label"], n["train_total_s"]["label"],
      "(run 4)" in n["train_tok_s"]["basis"])'; }
ftrain() { "$bin" fit --task lora --model Qwen/Qwen3-4B --chip "M3 Max 30c" --memory 36 --json "$@" |
    python3 -c '
import json, sys
o = json.load(sys.stdin)["options"][0]
print(o["tok_s"], o.get("speed_label", "absent"))'; }
tplain=$(ptrain) || fail "plain fine-tune plan"
fplain=$(ftrain) || fail "plain training fit"
[ "${tplain#* }" = "estimated estimated False" ] || fail "fine-tune plan labelled without runs: $tplain"
"$bin" runs add "$fx/good/lora-old-full.txt" --chip "M3 Max 30c" --memory 36 >/dev/null || fail "add lora"
tratio=$("$bin" runs list --json | python3 -c '
import json, sys
print([f["ratio"] for x in json.load(sys.stdin)["runs"] for f in x["figures"] if f["kind"] == "training"][0])')
set -- $(ptrain); moved "${tplain%% *}" "$1" "$tratio" || fail "train $1 is not plain ${tplain%% *} x $tratio"
[ "$2 $3 $4" = "calibrated calibrated True" ] || fail "fine-tune plan label / runs: $2 $3 $4"
set -- $(ftrain); moved "${fplain%% *}" "$1" "$tratio" || fail "fit train $1 is not plain x $tratio"
[ "$2" = calibrated ] || fail "training fit label: $2"
[ "$(ftrain --no-calibration)" = "$fplain" ] || fail "training fit --no-calibration"
"$bin" runs forget --all >/dev/null || fail "forget"
[ "$(ptrain)" = "$tplain" ] || fail "forgetting did not restore the fine-tune plan: $(ptrain)"
echo "calibration: ok"
