#!/bin/sh
# run.sh - build the libFuzzer targets with clang and run each for a bounded
# time; fail on any crash, leak, timeout or out-of-memory.
#
#   fuzz/run.sh SECONDS [TARGET...]      e.g. fuzz/run.sh 600   (the long run)
#                                             fuzz/run.sh 30 config mcp
#
# TARGET is a name from fuzz/fuzz_<name>.c; default: every target, one after
# another (FUZZ_JOBS=N runs N at a time).  Each run starts from
# fuzz/seeds/<name>/ (and the folders fuzz/seeds/<name>.also lists) plus
# the corpus earlier runs grew in
# fuzz/corpus-run/<name>/ (not committed), uses fuzz/<name>.dict when there
# is one, and prints the executions per second and the coverage reached
# (cov: edges, ft: features).  A crash leaves its input in
# fuzz/corpus-run/artifacts/; replay it with the printed command, fix the
# bug, and copy the input to fuzz/regressions/<name>/ so every build replays
# it (ctest -L fuzz-replay).
#
# Environment: BUILD_DIR (default build-fuzz), CC (default clang),
# FUZZ_CORPUS_DIR (grown corpus, logs, crashes; default fuzz/corpus-run),
# FUZZ_JOBS (targets run at the same time; default 1),
# FUZZ_TIMEOUT_S (one input longer than this is a hang; default 10),
# FUZZ_RSS_MB (memory limit per target; default 2048).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
if [ $# -lt 1 ]; then
    sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 2
fi
seconds=$1
shift
case $seconds in
    ''|*[!0-9]*) echo "run.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
build=${BUILD_DIR:-$src/build-fuzz}
cc=${CC:-clang}
timeout_s=${FUZZ_TIMEOUT_S:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "run.sh: $cc not found; libFuzzer needs clang (Debian: apt-get install clang libclang-rt-14-dev)" >&2
    exit 1
fi

if [ $# -gt 0 ]; then
    targets="$*"
else
    targets=$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi
for t in $targets; do
    [ -f "$here/fuzz_$t.c" ] || { echo "run.sh: no target fuzz/fuzz_$t.c" >&2; exit 2; }
done

# Build: the library with -fsanitize=fuzzer-no-link,address,undefined and
# only the targets asked for (tests off: they are not needed here).
# (configured every time, so targets added since the last run are known)
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=$cc cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DMLXPLAN_FUZZ=ON -DMLXPLAN_TESTS=OFF >/dev/null
else
    cmake -S "$src" -B "$build" >/dev/null
fi
names=""
for t in $targets; do names="$names fuzz_$t"; done
runs=${FUZZ_CORPUS_DIR:-$src/fuzz/corpus-run}
mkdir -p "$runs/artifacts"
# shellcheck disable=SC2086
if ! cmake --build "$build" -j"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)" --target $names >"$runs/build.log" 2>&1; then
    cat "$runs/build.log"
    exit 1
fi

# run_one TARGET: fuzz it; leave its table line (and, on failure, what to do
# next) in $runs/TARGET.result and a marker $runs/TARGET.failed
run_one() {
    t=$1
    corpus=$runs/$t
    log=$runs/$t.log
    result_file=$runs/$t.result
    rm -f "$runs/$t.failed"
    mkdir -p "$corpus"
    dict=""
    [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
    # read-only seed folders: seeds/<name>/ and those seeds/<name>.also lists
    seeds=""
    [ -d "$here/seeds/$t" ] && seeds="$here/seeds/$t"
    if [ -f "$here/seeds/$t.also" ]; then
        for d in $(grep -v '^#' "$here/seeds/$t.also"); do seeds="$seeds $src/$d"; done
    fi
    status=0
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="$timeout_s" \
        -rss_limit_mb="$rss_mb" -print_final_stats=1 $dict \
        -artifact_prefix="$runs/artifacts/$t-" "$corpus" $seeds \
        >"$log" 2>&1 || status=$?
    ran=$(($(date +%s) - start))
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    result=ok
    if [ "$status" -ne 0 ] || grep -qE '^==[0-9]+==ERROR|^SUMMARY: |runtime error:' "$log"; then
        result="FAILED (exit $status)"
        : > "$runs/$t.failed"
    fi
    {
        printf '%-14s %8s %12s %10s %8s %8s %s\n' "$t" "$ran" "${execs:-?}" "${rate:-?}" \
            "${cov:-?}" "${ft:-?}" "$result"
        if [ "$result" != ok ]; then
            grep -E 'ERROR|SUMMARY|runtime error|Test unit written|deadly|timeout' "$log" |
                head -n 8 | sed 's/^/    /'
            artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
            [ -n "$artifact" ] && echo "    replay: $build/fuzz/fuzz_$t $artifact"
            echo "    log: $log"
        fi
    } > "$result_file"
}

# FUZZ_JOBS targets at a time (default 1: the long runs share the machine)
jobs=${FUZZ_JOBS:-1}
n=0
for t in $targets; do
    run_one "$t" &
    n=$((n + 1))
    [ $((n % jobs)) -eq 0 ] && wait
done
wait
printf '%-14s %8s %12s %10s %8s %8s %s\n' target seconds executions execs/s cov ft result
failed=0
for t in $targets; do
    cat "$runs/$t.result"
    [ -f "$runs/$t.failed" ] && failed=$((failed + 1))
done
if [ "$failed" -ne 0 ]; then
    echo "run.sh: $failed target(s) failed"
    exit 1
fi
