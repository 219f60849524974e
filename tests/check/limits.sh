#!/bin/sh
# limits.sh MLXPLAN - inputs under the 2 MiB source limit that reach the
# checker's other limits: each gets one line on stderr and exit status 1,
# never a crash.  The inputs are generated (megabytes), not stored.
#   - a 2,000,000-byte file of one million statements: its syntax tree passes
#     MP_PY_TREE_MAX_BYTES (256 MiB);
#   - chains of 6000 calls, attributes, subscripts and additions, and 500
#     elif branches: deeper than the parser's MAX_CHAIN / MAX_RECURSION.
set -u
bin=$1
tmp=${TMPDIR:-/tmp}/mlxplan-check-limits.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
# expect NAME WANT: run `check` on $tmp/NAME.py; stderr must be WANT exactly
expect() {
    "$bin" check "$tmp/$1.py" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    got=$(cat "$tmp/err")
    if [ "$rc" != 1 ] || [ "$got" != "mlxplan: $tmp/$2" ]; then
        echo "FAIL $1: exit $rc, stderr: $(head -c 300 "$tmp/err")"
        fail=1
    fi
}
rep() { awk -v s="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }
{ rep 'a;' 1000000; echo; } >"$tmp/statements.py"
expect statements "statements.py: its syntax tree needs more than 256 MiB, the checker's limit"
{ printf 'x = f'; rep '()' 6000; echo; } >"$tmp/calls.py"
expect calls "calls.py:1:10000: not valid Python: too deeply nested expression or statement"
{ printf 'x = a'; rep '.b' 6000; echo; } >"$tmp/attrs.py"
expect attrs "attrs.py:1:10000: not valid Python: too deeply nested expression or statement"
{ printf 'x = a'; rep '[0]' 6000; echo; } >"$tmp/subscripts.py"
expect subscripts "subscripts.py:1:14997: not valid Python: too deeply nested expression or statement"
{ printf 'x = a'; rep '+a' 6000; echo; } >"$tmp/sums.py"
expect sums "sums.py:1:10002: not valid Python: too deeply nested expression or statement"
{ echo 'if a: pass'; rep 'elif a: pass\n' 500; } >"$tmp/elifs.py"
expect elifs "elifs.py:399:6: not valid Python: too deeply nested expression or statement"
# just under the chain limit is fine
{ printf 'x = f'; rep '()' 4000; echo; } >"$tmp/ok.py"
"$bin" check "$tmp/ok.py" >/dev/null 2>"$tmp/err" || { echo "FAIL ok: $(cat "$tmp/err")"; fail=1; }
exit $fail
