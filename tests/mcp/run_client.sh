#!/bin/sh
# run_client.sh - run the MCP client test (client.test.mjs) against the
# built binary.  Installs the pinned SDK from package-lock.json with `npm ci`
# when node_modules is missing.  Exits 77 (ctest: skipped) with a message
# when node or npm is not installed.
#   usage: run_client.sh MLXPLAN_BINARY FIXTURES_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "skipped: node and npm are needed for the MCP client test (apt-get install nodejs npm)"
    exit 77
fi
if [ ! -d "$here/node_modules/@modelcontextprotocol/sdk" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$here"
MLXPLAN_BIN=$1 MLXPLAN_FIXTURES=$2 exec node --test --test-reporter=spec client.test.mjs
