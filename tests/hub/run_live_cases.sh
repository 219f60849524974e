#!/bin/sh
# run_live_cases.sh - the CLI cases of cases-live.tsv against the fake Hub.
#
#   run_live_cases.sh RUN_E2E MLXPLAN CASES.tsv STATE_DIR
#
# The cases' own ENV= words set the rest; here only the endpoint (with the
# port the fixture chose) and a clean network environment: no proxy may
# catch requests meant for 127.0.0.1.
set -eu
port=$(cat "$4/port")
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export HF_ENDPOINT="http://127.0.0.1:$port" HF_HUB_OFFLINE=0 HF_TOKEN=
exec "$1" "$2" "$3"
