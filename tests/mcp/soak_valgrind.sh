#!/bin/sh
# soak_valgrind.sh - the 10,000-message soak (soak.c) through the real
# binary, `mlxplan mcp`, under valgrind memcheck: no invalid access, no
# leak, and one answer for every request.  Exits 77 (ctest: skipped) when
# valgrind is not installed.
#   usage: soak_valgrind.sh MCP_SOAK MLXPLAN_BINARY FIXTURES_DIR WORK_DIR
set -eu
soak=$1 bin=$2 fixtures=$3 work=$4
if ! command -v valgrind >/dev/null 2>&1; then
    echo "skipped: valgrind is not installed (apt-get install valgrind)"
    exit 77
fi
mkdir -p "$work"
want=$("$soak" write "$work/soak.jsonl")
MLXPLAN_PROC_ROOT="$fixtures/host-linux" MLXPLAN_NVIDIA_SMI= \
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$bin" mcp < "$work/soak.jsonl" > "$work/soak.out"
got=$(wc -l < "$work/soak.out")
if [ "$got" -ne "$want" ]; then
    echo "soak: $got answers, want $want"
    exit 1
fi
echo "soak under valgrind: $want answers to 10000 messages, no memory errors or leaks"
