#!/bin/sh
# hub_server.sh - start or stop the fake Hub (fake_hub.py) for the ctest
# fixture "hub_server".
#
#   hub_server.sh start STATE_DIR PYTHON3    writes STATE_DIR/port and pid
#   hub_server.sh stop STATE_DIR             stops the server it started
#
# The server binds a free port on 127.0.0.1 only and exits by itself after
# ten idle minutes, should the stop step never run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
state=$2
case $1 in
start)
    python=$3
    mkdir -p "$state"
    rm -f "$state/port" "$state/pid"
    "$python" "$here/fake_hub.py" --port-file "$state/port" --idle-exit 600 \
        >"$state/server.log" 2>&1 &
    echo $! >"$state/pid"
    i=0
    while [ ! -s "$state/port" ]; do
        i=$((i + 1))
        if [ $i -gt 100 ] || ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
            echo "hub_server: the fake Hub did not start:" >&2
            cat "$state/server.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "fake Hub on 127.0.0.1:$(cat "$state/port") (pid $(cat "$state/pid"))"
    ;;
stop)
    if [ -s "$state/pid" ]; then
        kill "$(cat "$state/pid")" 2>/dev/null || true
        rm -f "$state/pid" "$state/port"
    fi
    ;;
*)
    echo "usage: hub_server.sh start|stop STATE_DIR [PYTHON3]" >&2
    exit 2
    ;;
esac
