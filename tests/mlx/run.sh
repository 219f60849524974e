#!/bin/sh
# tests/mlx/run.sh - runs one test of the real-MLX tier (ctest label "mlx").
#
#   sh tests/mlx/run.sh NAME SCRIPT [ARGS...]
#
# Finds a real MLX and MLX-LM, then runs SCRIPT (a .py file with that Python,
# a .sh file with sh) with ARGS.  Where none is found it prints
# "skipped: REASON" and exits 77 (ctest's SKIP_RETURN_CODE for the tier).
#
# Where MLX comes from, first match wins:
#   1. $MLXPLAN_MLX_DIR, a folder laid out like ../shared/mlx-cpu (site/,
#      mlx-lm/, stubs/): put on PYTHONPATH.  Set to a missing folder it hides
#      the default below (that is how mlx.hidden.skips tests the skip);
#   2. $MLXPLAN_SRC/../shared/mlx-cpu, next to the source tree;
#   3. whatever the Python imports by itself (a Mac with `pip install mlx mlx-lm`).
# The Python is $MLXPLAN_PYTHON, else /usr/bin/python3 for a folder (its
# README: the build is for Debian's CPython), else python3 on PATH.
#
# What the script sees: PYTHONPATH and MLXPLAN_PYTHON set as above (a .sh
# script runs Python as "$MLXPLAN_PYTHON"); MLXPLAN_MLX_COUNTS, a file where
# it appends "KIND N" lines (KIND: plans, bytes or rules; tests/mlx/tier.py
# count() writes them) for the tier summary (tests/mlx/summary.sh);
# MLXPLAN_MLX_WORK, an empty scratch folder of its own; TMPDIR, a folder in
# it: MLX's CPU backend compiles mx.compile kernels into
# $TMPDIR/mlx/VERSION/cpu/ and loads a library another process is still
# writing there ("Could not load C++ shared library ...: file too short"), so
# each test has its own.  It starts with the kernels of the tests finished
# before it ($MLXPLAN_MLX_OUT/jit, hard links: complete files only) and adds
# its own there when it ends, so a kernel is compiled about once a tier run.
# Outcome files in $MLXPLAN_MLX_OUT (default: ./mlx-tier): NAME.counts,
# NAME.skipped (the reason), NAME.failed (the exit status), NAME.running
# (while it runs; left behind by a test that was killed), NAME.cpu (the
# CPU seconds, user + system, of the test's processes; the summary lists them).
set -u
name=${1:?usage: run.sh NAME SCRIPT [ARGS...]}
script=${2:?usage: run.sh NAME SCRIPT [ARGS...]}
shift 2
out=${MLXPLAN_MLX_OUT:-mlx-tier}
mkdir -p "$out" || exit 1
rm -f "$out/$name.counts" "$out/$name.skipped" "$out/$name.failed" "$out/$name.cpu"
# removed when the test ends: one left behind is a test killed (ctest's timeout)
: > "$out/$name.running"

# link_kernels FROM TO: hard-link each compiled kernel (mlx/VERSION/cpu/*.so) of
# folder FROM that TO lacks into TO (ln fails harmlessly where another test won)
link_kernels() {
    [ -d "$1/mlx" ] || return 0
    (cd "$1" && find mlx -name '*.so') | while IFS= read -r f; do
        [ -e "$2/$f" ] || { mkdir -p "$2/${f%/*}" && ln "$1/$f" "$2/$f" 2>/dev/null; }
    done
    return 0
}

skip() {
    rm -f "$out/$name.running"
    echo "skipped: $*"
    echo "$*" > "$out/$name.skipped"
    exit 77
}

dir=${MLXPLAN_MLX_DIR-${MLXPLAN_SRC:+$MLXPLAN_SRC/../shared/mlx-cpu}}
py=${MLXPLAN_PYTHON:-}
if [ -n "$dir" ] && [ -d "$dir/site/mlx" ]; then
    dir=$(cd "$dir" && pwd)
    PYTHONPATH="$dir/site:$dir/mlx-lm:$dir/stubs${PYTHONPATH:+:$PYTHONPATH}"
    export PYTHONPATH
    [ -n "$py" ] || { [ -x /usr/bin/python3 ] && py=/usr/bin/python3; }
    where="$dir"
else
    where="the Python's own packages (no MLX folder at ${dir:-\$MLXPLAN_MLX_DIR})"
fi
[ -n "$py" ] || py=python3
command -v "$py" >/dev/null 2>&1 || skip "no Python ($py) to run MLX"
err=$("$py" -c "import mlx.core, mlx_lm" 2>&1 >/dev/null) ||
    skip "cannot import mlx.core and mlx_lm from $where with $py: $(printf '%s\n' "$err" | tail -1)"

MLXPLAN_PYTHON=$py
MLXPLAN_MLX_COUNTS="$(cd "$out" && pwd)/$name.counts"
MLXPLAN_MLX_WORK="$(cd "$out" && pwd)/$name.work"
TMPDIR=$MLXPLAN_MLX_WORK/tmp
jit="$(cd "$out" && pwd)/jit"
rm -rf "$MLXPLAN_MLX_WORK" && mkdir -p "$TMPDIR" || exit 1
link_kernels "$jit" "$TMPDIR"
: > "$MLXPLAN_MLX_COUNTS"
export MLXPLAN_PYTHON MLXPLAN_MLX_COUNTS MLXPLAN_MLX_WORK TMPDIR
case "$script" in
*.py) "$py" "$script" "$@" ;;
*.sh) sh "$script" "$@" ;;
*) echo "run.sh: $script: not a .py or .sh script" >&2; false ;;
esac
rc=$?
link_kernels "$TMPDIR" "$jit"
# times: the shell's own user and system time, then its children's ("0m1.230000s 0m0.1s")
# (written to a file first: a pipe or $(...) would run `times` in a forked shell, all zeros)
times > "$out/$name.cpu"
awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, t, "m"); n += t[1] * 60 + t[2] }
              printf "%.1f\n", n }' "$out/$name.cpu" > "$out/$name.cpu.tmp" &&
    mv "$out/$name.cpu.tmp" "$out/$name.cpu"
if [ "$rc" = 77 ]; then
    echo "the script skipped itself" > "$out/$name.skipped"
elif [ "$rc" != 0 ]; then
    echo "$rc" > "$out/$name.failed"
else
    rm -rf "$MLXPLAN_MLX_WORK"
fi
rm -f "$out/$name.running"
exit "$rc"
