#!/bin/sh
# run_client.sh - run the MCP client test (client.test.mjs) against the
# built binary.  Installs the pinned SDK from package-lock.json with `npm ci`
# when node_modules is missing.  Exits 77 (ctest: skipped) with a message
# when node or npm is not installed.
#   usage: run_client.sh MLXPLAN_BINARY FIXTURES_DIR
#          run_client.sh --bench MLXPLAN_BINARY FIXTURES_DIR [N]
#            prints the SDK round trip per tool call (bench_sdk.mjs) instead
set -eu
script="--test --test-reporter=spec client.test.mjs"
if [ "${1:-}" = --bench ]; then
    shift
    script=bench_sdk.mjs
    MLXPLAN_BENCH_N=${3:-50}
    export MLXPLAN_BENCH_N
fi
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "skipped: node and npm are needed for the MCP client test (apt-get install nodejs npm)"
    exit 77
fi
if [ ! -d "$here/node_modules/@modelcontextprotocol/sdk" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
# absolute paths: node runs in this folder
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fixtures=$(cd "$2" && pwd)
cd "$here"
# shellcheck disable=SC2086
MLXPLAN_BIN=$bin MLXPLAN_FIXTURES=$fixtures exec node $script
