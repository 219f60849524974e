#!/usr/bin/env python3
"""import.py - add the source_group and use columns to a calibration table.

    python3 tools/calib/import.py IN.tsv OUT.tsv

source_group names the source a row comes from, for leave-one-source-out
validation (bench/accuracy.c): a GitHub issue, pull request or discussion
thread is one source; a community-submission file (one person's machine) is
one source (rows of one day and one chip of a submission
directory count as one machine); any other file of a third-party repository is that repository;
a file of ml-explore's repositories is that file; a web article is its page;
the project's own device runs are one source per run date.
use is 'validation' for the sources issue 19 keeps for independent
validation (never fitted), else 'fit'.
"""
import re
import sys

VALIDATION = [
    "stared/benching-local-llms-on-apple-silicon", "waybarrios/vllm-mlx/",
    "NathanMaine/qwen-mlx-offline", "localmaxxing", "inferencerlabs", "armbues/SiLLM",
    "magicnight/Mac-MLX", "0xBakeer/inference-atlas", "jitesh.dev", "macstories.net",
    "benchmarking-apples-mlx-vs-llama", "ml-explore/mlx/pull/3077", "ml-explore/mlx-lm/pull/839",
    "ml-explore/mlx-lm/issues/1206", "ml-explore/mlx-examples/issues/127",
    "ml-explore/mlx-examples/issues/1029", "unslothai/unsloth/pull/1289", "mlx-tune",
    "karpathy/autoresearch", "ricable/ultimate-ai-agent", "manjunathshiva/turboquant-mlx",
]


def group_of(src):
    s = src.split(" ")[0]
    if src.startswith("mlxplan project's own run"):
        m = re.search(r"(\d{4}-\d{2}-\d{2})", src)
        return "mlxplan-device-run-" + (m.group(1) if m else "undated")
    m = re.match(r"https://github\.com/([^/]+/[^/]+)/(issues|pull|discussions)/(\d+)", s)
    if m:
        return "%s#%s" % (m.group(1), m.group(3))
    m = re.match(r"https://github\.com/([^/]+/[^/]+)/blob/[^/]+/(.*)", s)
    if m:
        repo, path = m.group(1), m.group(2)
        if "/submissions/" in path:
            # DATE-apple-CHIP-MODEL-HASH.json: one submitter's machine on one day
            name = path.rsplit("/", 1)[-1]
            m = re.match(r"(\d{8}-apple-m\d+(-(pro|max|ultra))?)-", name)
            return "%s:%s" % (repo, m.group(1) if m else name)
        if "/community/" in path:
            return "%s:%s" % (repo, path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1])
        if repo.startswith("ml-explore/"):
            return "%s:%s" % (repo, path)
        return repo
    m = re.match(r"https?://([^ ]+)", s)
    if m:
        return m.group(1).rstrip("/")
    return s


def main():
    src, dst = sys.argv[1], sys.argv[2]
    out = []
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = None
    for ln in lines:
        if not ln:
            continue
        if ln.startswith("#"):
            out.append(ln)
            continue
        cells = ln.split("\t")
        if header is None:
            header = cells
            if "source_group" in header:
                sys.exit("%s: already has source_group" % src)
            out.append(ln + "\tsource_group\tuse")
            continue
        source = cells[header.index("source")]
        g = group_of(source)
        use = "validation" if any(v in source for v in VALIDATION) else "fit"
        out.append(ln + "\t" + g + "\t" + use)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


main()
