#!/bin/sh
# ci.sh - the short fuzzing pass CI runs on every submission: every target
# for SECONDS (default 20), as many at a time as the machine has cores (at
# most 4), from the committed seeds.  Fails on any crash, leak, timeout or
# out-of-memory; prints executions per second and coverage per target.
# The long run is `fuzz/run.sh 600`.
#   usage: fuzz/ci.sh [SECONDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-20}
cores=$(nproc 2>/dev/null || echo 2)
[ "$cores" -gt 4 ] && cores=4
# a fresh corpus of its own, so the result depends on the commit only (and
# the long runs' corpus in fuzz/corpus-run is left alone)
export FUZZ_CORPUS_DIR="$here/corpus-ci"
rm -rf "$FUZZ_CORPUS_DIR"
FUZZ_JOBS=${FUZZ_JOBS:-$cores} exec "$here/run.sh" "$seconds"
