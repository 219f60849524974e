#!/bin/sh
# calib.sh BINARY FIXTURES TMP - local calibration end to end: with 3 runs of
# Qwen3-8B (4-bit) stored for an M3 Max 36 GB, the estimate of Qwen3-4B on
# that machine moves to the plain estimate x the median measured/estimated
# ratio of those runs and is labelled calibrated; --no-calibration and
# forgetting the runs give the plain estimate back; another machine is
# untouched; the exact setup of a run is labelled measured.
set -u
bin=$1 fx=$2/runs tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
MLXPLAN_HOME=$tmp/home
export MLXPLAN_HOME
fail() { echo "FAIL: $*"; exit 1; }
est() { "$bin" estimate --model Qwen/Qwen3-4B --chip "M3 Max 30c" --memory 36 --quant 4 --json "$@"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["speed"]; print(s.get(sys.argv[1], "absent"))' "$1"; }

plain=$(est | field decode_tok_s) || fail "plain estimate"
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
[ "$("$bin" estimate --model Qwen/Qwen3-4B --chip "M4 Max 40c" --memory 48 --quant 4 --json | field decode_label)" = absent ] ||
    fail "another machine was calibrated"
exact=$("$bin" estimate --model mlx-community/Qwen3-8B-4bit --chip "M3 Max 30c" --memory 36 --context 768 --prompt 512 --json)
echo "$exact" | python3 -c 'import json,sys; s=json.load(sys.stdin)["speed"]; assert s["decode_label"]=="measured" and abs(s["decode_total_tok_s"]-31.207)<1e-3, s' ||
    fail "the exact setup is not labelled measured"
"$bin" runs forget --all >/dev/null || fail "forget"
[ "$(est | field decode_tok_s)" = "$plain" ] || fail "forgetting did not restore the plain estimate"
[ "$(est | field decode_label)" = absent ] || fail "a label after forgetting"
echo "calibration: ok"
