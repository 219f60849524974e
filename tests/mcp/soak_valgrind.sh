#!/bin/sh
# soak_valgrind.sh - the soak's messages (soak.c) through the real binary,
# `mlxplan mcp`, under valgrind memcheck: no invalid access, no leak, and one
# answer for every request.  The first MLXPLAN_SOAK_VALGRIND_MESSAGES of the
# 10,000 (default 1000: every kind of message dozens of times; all 10,000
# take five minutes of CPU under memcheck, and mcp.soak sends all of them to
# the server in process).  Exits 77 (ctest: skipped) when valgrind is not
# installed.
#   usage: soak_valgrind.sh MCP_SOAK MLXPLAN_BINARY FIXTURES_DIR WORK_DIR
set -eu
soak=$1 bin=$2 fixtures=$3 work=$4
if ! command -v valgrind >/dev/null 2>&1; then
    echo "skipped: valgrind is not installed (apt-get install valgrind)"
    exit 77
fi
mkdir -p "$work"
n=${MLXPLAN_SOAK_VALGRIND_MESSAGES:-1000}
want=$("$soak" write "$work/soak.jsonl" "$n")
MLXPLAN_PROC_ROOT="$fixtures/host-linux" MLXPLAN_NVIDIA_SMI= \
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$bin" mcp < "$work/soak.jsonl" > "$work/soak.out"
got=$(wc -l < "$work/soak.out")
if [ "$got" -ne "$want" ]; then
    echo "soak: $got answers, want $want"
    exit 1
fi
echo "soak under valgrind: $want answers to $n messages, no memory errors or leaks"
