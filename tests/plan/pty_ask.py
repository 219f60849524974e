#!/usr/bin/env python3
"""pty_ask.py - `mlxplan plan` asking at a real terminal (a pseudo-terminal).

Usage: pty_ask.py MLXPLAN

Each case runs mlxplan with its standard input, output and error on a fresh
pty, answers each numbered question ("N. ... [default] ") as it appears, and
checks which questions were asked and what was planned:
  - asked, then defaulted (Enter), then answered (a machine, a task);
  - the end of input (Ctrl-D) keeps the defaults;
  - a request with nothing to plan asks the task first;
  - never asked: not a terminal (pipes), --no-input, --json, `plan -`.
Every run has a deadline, so a program waiting for input fails the test
instead of hanging it.
"""
import os
import pty
import re
import select
import subprocess
import sys
import time

DEADLINE_S = 30
QUESTION = re.compile(rb"(\d)\. [^\n]*\[[^\n]*\] $")


def on_pty(argv, answers):
    """Run argv on a pty; answer each question with the next of `answers`
    (bytes, sent as typed; b"" = Enter).  Returns (rc, output, asked) with
    asked the question lines in order."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    out = b""
    asked = []
    pending = list(answers)
    end = time.monotonic() + DEADLINE_S
    while True:
        left = end - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            raise SystemExit("FAIL: %s still running after %d s; output so far:\n%s"
                             % (argv, DEADLINE_S, out.decode(errors="replace")))
        r, _, _ = select.select([master], [], [], min(left, 0.5))
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                break
            out += chunk
            tail = out.rsplit(b"\n", 1)[-1]
            m = QUESTION.search(tail)
            if m and int(m.group(1)) == len(asked) + 1 and m.start() == 0:
                asked.append(tail)
                if not pending:
                    proc.kill()
                    raise SystemExit("FAIL: unexpected question %r" % tail)
                os.write(master, pending.pop(0))
        elif proc.poll() is not None:
            break
    rc = proc.wait()
    os.close(master)
    return rc, out.decode(errors="replace").replace("\r\n", "\n"), asked


def expect(cond, what, out):
    if not cond:
        raise SystemExit("FAIL: %s\n--- output ---\n%s" % (what, out[:3000]))


def main():
    exe = sys.argv[1]
    base = [exe, "plan", "--no-detect"]

    # asked, every default kept with Enter: the plan is the one assumed
    rc, out, asked = on_pty(base + ["Qwen3 8B"], [b"\n", b"\n"])
    expect(rc == 0, "defaults: exit 0, got %d" % rc, out)
    expect(len(asked) == 2, "defaults: two questions (task, machine), got %r" % asked, out)
    expect(asked[0].startswith(b"1. What should the plan do") and asked[0].endswith(b"[run] "),
           "defaults: question 1 is the task with default 'run'", out)
    expect(asked[1].startswith(b"2. Which machine") and b"[M4 Pro 20c, 48 GB] " in asked[1],
           "defaults: question 2 is the machine with the assumed one as default", out)
    expect("# Plan: Run Qwen/Qwen3-8B on M4 Pro 20c, 48 GB" in out,
           "defaults: the assumed plan", out)

    # answered: the machine and the task, read with the request's words
    rc, out, asked = on_pty(base + ["Qwen3 8B"], [b"fine-tune\n", b"M2 Max 64GB\n"])
    expect(rc == 0, "answered: exit 0, got %d" % rc, out)
    expect(len(asked) == 2, "answered: two questions, got %r" % asked, out)
    expect("# Plan: Fine-tune Qwen/Qwen3-8B on M2 Max 30c, 64 GB" in out,
           "answered: the plan uses both answers", out)
    expect(re.search(r"\| chip +\| m2 max +\| request", out) is not None,
           "answered: the chip is the answer, not an assumption", out)

    # the end of input (Ctrl-D) at the first question keeps every default
    rc, out, asked = on_pty(base + ["Qwen3 8B"], [b"\x04"])
    expect(rc == 0, "eof: exit 0, got %d" % rc, out)
    expect(len(asked) == 1, "eof: no question after the end of input, got %r" % asked, out)
    expect("# Plan: Run Qwen/Qwen3-8B on M4 Pro 20c, 48 GB" in out, "eof: the assumed plan",
           out)

    # nothing to plan: the task is asked first, then what is still open (3 at most)
    rc, out, asked = on_pty(base + ["hello"], [b"\n", b"Llama 3.1 8B\n", b"\n"])
    expect(rc == 0, "nothing: exit 0, got %d" % rc, out)
    expect("found nothing to plan in 'hello'" in out, "nothing: says what was not found", out)
    expect(len(asked) == 3, "nothing: three questions, got %r" % asked, out)
    expect(asked[1].startswith(b"2. Which model"), "nothing: question 2 is the model", out)
    expect("# Plan: Run meta-llama/Llama-3.1-8B-Instruct on M4 Pro 20c, 48 GB" in out,
           "nothing: plans the answered model", out)

    # never asked at a terminal with --no-input or --json, nor for `plan -`
    for extra in (["--no-input"], ["--json"]):
        rc, out, asked = on_pty(base + extra + ["Qwen3 8B"], [])
        expect(rc == 0 and not asked, "%s: no question, exit 0 (rc %d)" % (extra, rc), out)
    rc, out, asked = on_pty(base + ["--no-input", "hello"], [])
    expect(rc != 0 and not asked and "found nothing to plan" in out,
           "--no-input with nothing to plan: the one-line error", out)

    # never asked when not a terminal (pipes), also for `plan -`
    p = subprocess.run(base + ["Qwen3 8B"], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=DEADLINE_S)
    expect(p.returncode == 0 and b"] " not in p.stderr and
           b"# Plan: Run Qwen/Qwen3-8B on M4 Pro 20c, 48 GB" in p.stdout,
           "pipe: planned without a question", p.stderr.decode(errors="replace"))
    p = subprocess.run(base + ["-"], input=b"Qwen3 8B on an M2 Max 64GB", capture_output=True,
                       timeout=DEADLINE_S)
    expect(p.returncode == 0 and b"] " not in p.stderr and
           b"# Plan: Run Qwen/Qwen3-8B on M2 Max 30c, 64 GB" in p.stdout,
           "plan -: the request from standard input", p.stderr.decode(errors="replace"))
    print("pty_ask: 9 cases passed")


if __name__ == "__main__":
    main()
