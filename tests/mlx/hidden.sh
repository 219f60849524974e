#!/bin/sh
# tests/mlx/hidden.sh - the real-MLX tier skips cleanly where there is no MLX.
#
#   sh tests/mlx/hidden.sh SCRATCH
#
# Runs tests/mlx/run.sh on smoke.py twice with the MLX folder hidden (once
# through MLXPLAN_MLX_DIR naming a missing folder, once from a source tree
# with no ../shared next to it) and PYTHONPATH cleared: each must exit 77
# with "skipped: cannot import ..." and leave NAME.skipped; summary.sh must
# then report "0 passed, 2 skipped" and exit 0, and exit 1 under --require.
# Where this Python imports MLX by itself (a Mac with mlx installed) nothing
# can be hidden: exit 77.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=${1:?usage: hidden.sh SCRATCH}
rm -rf "$tmp" && mkdir -p "$tmp/src/repo" "$tmp/out" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
py=${MLXPLAN_PYTHON:-python3}
if PYTHONPATH= "$py" -c "import mlx.core" 2>/dev/null; then
    echo "skipped: $py imports mlx.core without any folder: nothing to hide"
    exit 77
fi

for how in dir src; do
    if [ $how = dir ]; then
        got=$(env -u MLXPLAN_PYTHON PYTHONPATH= MLXPLAN_MLX_DIR="$tmp/hidden" \
              MLXPLAN_MLX_OUT="$tmp/out" sh "$here/run.sh" $how "$here/smoke.py" 2>&1)
    else
        got=$(env -u MLXPLAN_PYTHON -u MLXPLAN_MLX_DIR PYTHONPATH= MLXPLAN_SRC="$tmp/src/repo" \
              MLXPLAN_MLX_OUT="$tmp/out" sh "$here/run.sh" $how "$here/smoke.py" 2>&1)
    fi
    rc=$?
    [ "$rc" = 77 ] || fail "$how: exit $rc, want 77 (skipped); output: $got"
    case "$got" in
    "skipped: cannot import mlx.core and mlx_lm from "*) ;;
    *) fail "$how: output '$got', want one line 'skipped: cannot import mlx.core and mlx_lm from ...'" ;;
    esac
    [ -s "$tmp/out/$how.skipped" ] || fail "$how: no $how.skipped with the reason"
    [ ! -e "$tmp/out/$how.counts" ] || fail "$how: a skipped test left counts"
    echo "$how: $got"
done

sum=$(sh "$here/summary.sh" "$tmp/out") || fail "summary exits non-zero on a skipped tier: $sum"
case "$sum" in
*"mlx tier: 0 passed, 2 skipped, 0 failed; plans executed 0, bytes compared 0, rules confirmed 0") ;;
*) fail "summary: $sum" ;;
esac
if sh "$here/summary.sh" "$tmp/out" --require >/dev/null 2>&1; then
    fail "summary --require exits 0 on a skipped tier"
fi
echo "$sum"
echo "ok: the tier skips cleanly without MLX"
