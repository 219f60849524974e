#!/bin/sh
# bad_cells.sh GEN DATA_DIR - the generator turns the typed cells (memory
# options, tiers, deprecations, the facts of calibration notes) into values
# at build time, so a bad cell must
# stop the build with a message naming file:line and the cell.  Each case
# edits one cell of a scratch copy of data/ and runs mlxplan-gen on it.
set -u
gen=$1
data=$2
tmp=${TMPDIR:-/tmp}/mlxplan-gen-bad.$$
trap 'rm -rf "$tmp"' EXIT
fail=0
# case FILE SED-EXPR WANT
case_() {
    rm -rf "$tmp" && mkdir -p "$tmp" && cp -r "$data" "$tmp/data" || exit 1
    sed "$2" "$data/$1" >"$tmp/data/$1" || exit 1
    if "$gen" "$tmp/data" "$tmp/out.c" "$tmp/out.h" 2>"$tmp/err"; then
        echo "FAIL $1 '$2': accepted"; fail=1
    elif ! grep -qF "$3" "$tmp/err"; then
        echo "FAIL $1 '$2': $(cat "$tmp/err")"; fail=1
    fi
}
case_ hw/apple-silicon.tsv '0,/\t36,96\t/s/\t36,96\t/\t96,36\t/' \
    "column 'memory_gb' needs ascending sizes in GB ('36,96' or '24-64', at most 8), got '96,36'"
case_ hw/apple-silicon.tsv '0,/\t36,96\t/s/\t36,96\t/\t36;96\t/' "column 'memory_gb': bad separator in '36;96'"
case_ hw/apple-silicon.tsv '0,/\t24-64\t/s/\t24-64\t/\t24-48-64\t/' "column 'memory_gb': a range is LO-HI, got '24-48-64'"
case_ hw/apple-silicon.tsv '0,/\tMax\t/s/\tMax\t/\tmax\t/' "column 'tier' needs base, Pro, Max or Ultra, got 'max'"
case_ mlx/mlx-api.tsv '0,/use mlx.core.get_active_memory/s/use mlx.core.get_active_memory/see it/' \
    "a deprecated name needs 'use <qualified name>' in 'notes'"
case_ calibration/mlx-eval.tsv '0,/--max-kv-size [0-9]*/s/--max-kv-size [0-9]*/--max-kv-size lots/' \
    "column 'notes' needs a whole number after '--max-kv-size ', got '"
# the data as it is generates
"$gen" "$data" "$tmp/ok.c" "$tmp/ok.h" 2>"$tmp/err" || { echo "FAIL data/: $(cat "$tmp/err")"; fail=1; }
exit $fail
