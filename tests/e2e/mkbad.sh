#!/bin/sh
# mkbad.sh - generate the bad-input fixtures that cannot be committed: too
# big (a 5 MiB config.json, a 5 MiB MCP line), binary (safetensors files
# with hostile headers) or things git cannot hold (mode 000, a FIFO,
# symlink loops, empty folders).  The e2e cases reach them as {gen}
# (cases-badinput.tsv); ctest runs this first (test e2e.gen).
#   usage: mkbad.sh OUTDIR        (OUTDIR is emptied first)
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
bad=$here/../fixtures/bad
rm -rf "$out"
mkdir -p "$out"
cd "$out"

# repeat TEXT N: TEXT written N times
repeat() { awk -v t="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", t }'; }
# st DIR LENGTH_BYTES_ESCAPED HEADER [DATA_BYTES]: DIR/model.safetensors with
# an 8-byte little-endian length (given as printf escapes), the header text
# and DATA_BYTES zero bytes of tensor data
st() {
    mkdir -p "$1"
    cp "$bad/ok-llama.json" "$1/config.json"
    { printf "$2"; printf '%s' "$3"; head -c "${4:-0}" /dev/zero; } > "$1/model.safetensors"
}
# le8 N: N as 8 little-endian bytes in printf escapes (N < 2^32)
le8() { printf '\\%03o\\%03o\\%03o\\%03o\\000\\000\\000\\000' $(($1 % 256)) \
            $(($1 / 256 % 256)) $(($1 / 65536 % 256)) $(($1 / 16777216 % 256)); }

# config.json nested 10,000 levels deep
{ repeat '{"a":' 10000; printf '1'; repeat '}' 10000; } > deep.json
# a config.json of 5 MiB (the limit is 4 MiB)
{ printf '{"model_type":"llama"}'; head -c 5242880 /dev/zero | tr '\0' ' '; } > big.json
# unreadable, a FIFO, a symlink loop, a dangling symlink, a folder
cp "$bad/ok-llama.json" unreadable.json
chmod 000 unreadable.json
mkfifo fifo.json
ln -s loop.json loop.json
ln -s does-not-exist.json dangling.json
mkdir dir.json noconfig readonly
chmod 555 readonly
mkdir -p config-is-dir/config.json

# safetensors headers
ok='{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}'
st st-ok "$(le8 ${#ok})" "$ok" 16
st st-2pow63 '\000\000\000\000\000\000\000\200' '{}'
st st-over-limit "$(le8 104857601)" '{}'
st st-past-eof "$(le8 4096)" '{}'
st st-short '\020\000\000' ''
st st-not-json "$(le8 8)" 'not json'
h='{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,15]}}'
st st-bad-offsets "$(le8 ${#h})" "$h" 16
h='{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}'
st st-unknown-dtype "$(le8 ${#h})" "$h" 16
h='{"w":{"dtype":"F32","shape":[-2,2],"data_offsets":[0,16]}}'
st st-negative-shape "$(le8 ${#h})" "$h" 16
h='{"w":{"dtype":"F32","shape":"2x2","data_offsets":[0,16]}}'
st st-shape-string "$(le8 ${#h})" "$h" 16
h=$(repeat '[' 10000; repeat ']' 10000)
st st-deep "$(le8 ${#h})" "$h"
mkdir st-none && cp "$bad/ok-llama.json" st-none/config.json
mkdir -p st-dir/model.safetensors && cp "$bad/ok-llama.json" st-dir/config.json
mkdir st-fifo && cp "$bad/ok-llama.json" st-fifo/config.json && mkfifo st-fifo/model.safetensors
st st-index-missing "$(le8 ${#ok})" "$ok" 16
printf '{"weight_map":{"w":"model-00002-of-00002.safetensors"}}' \
    > st-index-missing/model.safetensors.index.json
st st-index-escape "$(le8 ${#ok})" "$ok" 16
printf '{"weight_map":{"w":"../st-ok/model.safetensors"}}' \
    > st-index-escape/model.safetensors.index.json
st st-index-not-json "$(le8 ${#ok})" "$ok" 16
printf '{"weight_map":' > st-index-not-json/model.safetensors.index.json

# project journals (plan --journal DIR [--write]); write cases copy them
# into their scratch folder (@copy=) so any change is seen
mkdir journal-ok journal-symlink-plan journal-symlink-log journal-big journal-latin1 \
    journal-fifo journal-dir-log
printf '# Project\nA support chatbot: fine-tune Qwen3-8B with LoRA on an M3 Max 36GB.\n' \
    > journal-ok/PROJECT-DESCRIPTION.md
printf '# Changelog\n- 2026-01-02 started\n' > journal-ok/CHANGELOG.md
for d in journal-symlink-plan journal-symlink-log journal-dir-log; do
    cp journal-ok/PROJECT-DESCRIPTION.md "$d/"
done
printf 'an older plan that must stay as it is\n' > journal-symlink-plan/elsewhere.md
ln -s elsewhere.md journal-symlink-plan/OUR-PLAN.md
printf 'a log that must stay as it is\n' > journal-symlink-log/elsewhere.md
ln -s elsewhere.md journal-symlink-log/CHANGELOG.md
mkdir journal-dir-log/CHANGELOG.md
{ printf '# PRD\n'; repeat 'Serve it to many users. ' 70000; } > journal-big/PRD.md
printf '# Stack\nMLX on a Mac, caf\351 edition\n' > journal-latin1/TECH-STACK.md
mkfifo journal-fifo/PRD.md

# Python for `check`: nested 5,000 deep, and 3 MiB (the limit is 2 MiB)
{ printf 'x = '; repeat '(' 5000; printf '1'; repeat ')' 5000; printf '\n'; } > deep.py
{ printf 'import mlx.core as mx\n'; head -c 3145728 /dev/zero | tr '\0' '#'; printf '\n'; } > big.py

# MCP input: a 5 MiB line (the limit is 4 MiB), then a ping that must still
# be answered; binary junk
{ printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"'; repeat x 5242880;
  printf '"}}\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n'; } > mcp-long-line.jsonl
{ printf '\377\376\000\001{"jsonrpc"\n'; printf '{"jsonrpc":"2.0","id":3,"method":"ping"}\n'; } > mcp-junk.jsonl
# --data: one example of 4 MiB + 100 bytes (the line limit is 4 MiB)
{ printf '{"text": "'; repeat aaaaaaaaaa 419440; printf '"}\n'; } > data-long-line.jsonl
# `plan -` requests: exactly 64 KiB of words (the limit), one byte over it,
# Latin-1 bytes, control characters and escape sequences, nothing at all
repeat 'run qwen3 8b on my m2 max 64gb with a long system prompt about support tickets. ' 1000 |
    head -c 65536 > request-64k.txt
{ cat request-64k.txt; printf 'x'; } > request-over.txt
printf 'run qwen3 8b on my M2 Max 64GB at the caf\351\n' > request-latin1.txt
printf 'run qwen3 8b\001\007 on my \033[31mM2 Max 64GB\033[0m\r\n\t\b' > request-control.txt
: > request-empty.txt
echo "bad-input fixtures written to $out"
