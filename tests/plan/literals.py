#!/usr/bin/env python3
"""Write the text mlxplan can print, for the guard: every C string literal in
src/ (adjacent literals joined as C joins them, escapes decoded, format
directives left as they are) and the rule and why columns
of data/mlx/practices.tsv.

usage: literals.py SOURCE_DIR OUT_FILE
"""
import pathlib
import re
import sys

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
RUN = re.compile(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*')
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'", "0": ""}


def decode(s):
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), s)


def main():
    src, out = pathlib.Path(sys.argv[1]), sys.argv[2]
    parts = []
    for path in sorted((src / "src").rglob("*.c")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)  # comments say nothing printed
        text = re.sub(r"^\s*#\s*include.*$", "", text, flags=re.M)
        # adjacent literals (only white space between them) are one string in C
        for run in RUN.finditer(text):
            parts.append("".join(decode(m.group(1)) for m in LITERAL.finditer(run.group(0))))
    for line in (src / "data/mlx/practices.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        parts.extend(cols[2:4])
    with open(out, "w", encoding="utf-8") as f:
        for p in parts:
            f.write(p.replace("```", "'''") + "\n")
    print(f"{len(parts)} strings")


if __name__ == "__main__":
    main()
