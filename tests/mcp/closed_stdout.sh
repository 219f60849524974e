#!/bin/sh
# closed_stdout.sh - `mlxplan mcp` whose client stops reading must exit at
# once with status 1 and a one-line message, neither looping nor dying of
# SIGPIPE: once with stdout closed, once with a pipe whose reader has exited.
#   usage: closed_stdout.sh MLXPLAN_BINARY
set -u
bin=$1
tmp=${TMPDIR:-/tmp}/mlxplan-mcp-closed.$$
trap 'rm -f "$tmp".*' EXIT
i=0
while [ $i -lt 2000 ]; do
    echo '{"jsonrpc":"2.0","id":'$i',"method":"ping"}'
    i=$((i + 1))
done > "$tmp.in"

# 1. stdout closed
timeout 10 "$bin" mcp < "$tmp.in" >&- 2> "$tmp.err"
st=$?
if [ $st -ne 1 ] || [ "$(cat "$tmp.err")" != "mlxplan: cannot write to the client: Bad file descriptor" ]; then
    echo "closed stdout: status $st, stderr: $(cat "$tmp.err")"; exit 1
fi

# 2. a pipe whose reader exits before the server writes
( sleep 0.2; timeout 10 "$bin" mcp < "$tmp.in" 2> "$tmp.err2"; echo $? > "$tmp.st" ) | true
sleep 0.5
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp.st" ] && break; sleep 0.5; done
st=$(cat "$tmp.st" 2>/dev/null || echo none)
if [ "$st" != 1 ] || [ "$(cat "$tmp.err2")" != "mlxplan: cannot write to the client: Broken pipe" ]; then
    echo "broken pipe: status $st, stderr: $(cat "$tmp.err2" 2>/dev/null)"; exit 1
fi
echo "ok: closed stdout and broken pipe both end the server with status 1"
