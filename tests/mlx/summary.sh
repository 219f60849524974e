#!/bin/sh
# tests/mlx/summary.sh - the real-MLX tier's summary: its tests passed,
# skipped (with the reasons) and failed, and the summed counts (plans
# executed, bytes compared, rules confirmed) of what run.sh recorded, then
# the measured figures no test asserts ("bench TEXT" lines, tier.bench()) and
# the CPU seconds of each test that ran (run.sh's NAME.cpu), largest first.
#
#   sh tests/mlx/summary.sh OUTDIR [--require]
#
# OUTDIR is run.sh's MLXPLAN_MLX_OUT (build/tests/mlx-tier under ctest).
# Exit 1 if a test failed, or with --require if any skipped or none ran
# (.ci/run passes it where ../shared/mlx-cpu exists).
set -u
out=${1:?usage: summary.sh OUTDIR [--require]}
require=${2:-}
passed=0 skipped=0 failed=0
for f in "$out"/*.counts "$out"/*.skipped "$out"/*.failed "$out"/*.running; do
    [ -e "$f" ] || continue
    case "$f" in
    *.counts) [ -e "${f%.counts}.failed" ] || [ -e "${f%.counts}.running" ] ||
        passed=$((passed + 1)) ;;
    *.running) failed=$((failed + 1))
        echo "mlx tier: FAILED $(basename "${f%.running}") (killed before it ended: ctest's timeout?)" ;;
    *.skipped) skipped=$((skipped + 1))
        echo "mlx tier: skipped $(basename "${f%.skipped}"): $(cat "$f")" ;;
    *.failed) failed=$((failed + 1))
        echo "mlx tier: FAILED $(basename "${f%.failed}") (exit $(cat "$f"))" ;;
    esac
done
sum() { cat "$out"/*.counts 2>/dev/null | awk -v k="$1" '$1 == k { n += $2 } END { print n + 0 }'; }
echo "mlx tier: $passed passed, $skipped skipped, $failed failed;" \
     "plans executed $(sum plans), bytes compared $(sum bytes), rules confirmed $(sum rules)"
cat "$out"/*.counts 2>/dev/null | sed -n 's/^bench /mlx tier: benchmark (not asserted) /p'
for f in "$out"/*.cpu; do
    [ -e "$f" ] && printf '%s %s\n' "$(cat "$f")" "$(basename "${f%.cpu}")"
done | sort -rn | awk '{ t += $1; s = s sprintf("%s%s %s", NR > 1 ? ", " : "", $2, $1) }
    END { if (NR) printf "mlx tier: CPU seconds (measured, user + system, each test with the " \
                         "processes it ran): %.1f in all; %s\n", t, s }'
[ "$failed" = 0 ] || exit 1
if [ "$require" = --require ] && { [ "$skipped" != 0 ] || [ "$passed" = 0 ]; }; then
    echo "mlx tier: required here (the MLX folder exists) but did not run" >&2
    exit 1
fi
exit 0
