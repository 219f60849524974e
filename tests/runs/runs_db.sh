#!/bin/sh
# runs_db.sh BINARY FIXTURES TMP - the runs database end to end: add, list,
# show, forget; nothing stored when input is refused; two processes adding
# at once lose nothing.  Every step checks its output; any mismatch fails.
set -u
bin=$1 fx=$2/runs tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
MLXPLAN_HOME=$tmp/home
export MLXPLAN_HOME
fail() { echo "FAIL: $*"; exit 1; }
count() { "$bin" runs list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))'; }
mac() { "$bin" runs add "$@" --chip "M3 Max 30c" --memory 36; }

# an empty database lists nothing and creates no file
[ "$(count)" = 0 ] || fail "fresh home lists runs"
[ ! -e "$MLXPLAN_HOME" ] || fail "list created $MLXPLAN_HOME"

# refused input stores nothing
for bad in "$fx"/bad/*.txt; do
    mac "$bad" >/dev/null 2>"$tmp/err" && fail "bad input accepted: $bad"
    [ "$(wc -l <"$tmp/err")" = 1 ] || fail "not a one-line error for $bad: $(cat "$tmp/err")"
done
mac "$fx/good/cap-generate-verbose.txt" >/dev/null 2>"$tmp/err" && fail "a run without a model was stored"
grep -q "names no model" "$tmp/err" || fail "no-model message: $(cat "$tmp/err")"
[ "$(count)" = 0 ] || fail "a refused input was stored"

# add, list, show, forget
mac "$fx/good/gen-bf16-8b.txt" >"$tmp/add.md" || fail "add: $(cat "$tmp/add.md")"
grep -q '^# Run 1 added: generate' "$tmp/add.md" || fail "add output: $(head -3 "$tmp/add.md")"
mac "$fx/good/gen-32k-prompt.txt" --json >"$tmp/add.json" || fail "add --json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["id"]==2 and d["run"]["prompt_tokens"]>30000, d' "$tmp/add.json" || fail "add --json content"
mac "$fx/good/lora-old-full.txt" >/dev/null || fail "add lora"
[ "$(count)" = 3 ] || fail "3 runs expected, got $(count)"
"$bin" runs show 3 | grep -q 'task qlora' || fail "show 3 is not the QLoRA run (4-bit base)"
"$bin" runs show 9 2>"$tmp/err" && fail "show of a missing id"
[ "$(cat "$tmp/err")" = "mlxplan: no run with id 9 (see 'mlxplan runs list')" ] || fail "show 9: $(cat "$tmp/err")"
"$bin" runs forget 2 >"$tmp/out" || fail "forget 2"
[ "$(cat "$tmp/out")" = "Forgot 1 run." ] || fail "forget output: $(cat "$tmp/out")"
[ "$(count)" = 2 ] || fail "forget 2 left $(count)"
"$bin" runs forget 2 2>/dev/null && fail "forgot run 2 twice"
"$bin" runs forget --all >/dev/null || fail "forget --all"
[ "$(count)" = 0 ] || fail "forget --all left runs"

# two processes adding 20 runs each at once: all 40 stored
add20() { i=0; while [ $i -lt 20 ]; do mac "$fx/good/gen-bf16-8b.txt" >/dev/null || echo "add failed" >>"$tmp/conc.err"; i=$((i + 1)); done; }
: >"$tmp/conc.err"
add20 & p1=$!
add20 & p2=$!
wait $p1; wait $p2
[ ! -s "$tmp/conc.err" ] || fail "concurrent adds failed: $(sort "$tmp/conc.err" | uniq -c)"
[ "$(count)" = 40 ] || fail "concurrent adds stored $(count) of 40"
ids=$("$bin" runs list --json | python3 -c 'import json,sys; r=json.load(sys.stdin)["runs"]; print(len(set(x["id"] for x in r)))')
[ "$ids" = 40 ] || fail "ids not unique: $ids"
echo "runs database: ok"
