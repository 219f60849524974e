"""Check a JSONL file in mlx_lm's @FORMAT@ format, report its token lengths
and split it into data/train.jsonl, data/valid.jsonl and data/test.jsonl.
The lengths are mlx_lm's own: each example goes through the dataset class
mlx_lm.lora builds for it (mlx_lm.tuner.datasets.create_dataset), so chat
and completions data are counted with the chat template applied, text data
with the EOS token mlx_lm appends, and the prompt with --mask-prompt.
It stops where mlx_lm.lora would fail later: every split needs at least
batch_size examples (iterate_batches raises otherwise), and an empty split
file is never written.

usage: python prepare_data.py raw.jsonl
"""
import json
import random
import statistics
import sys
from pathlib import Path

FORMAT = "@FORMAT@"
BATCH = @BATCH@  # batch_size of lora_config.yaml
MAX_SEQ = @MAX_SEQ@  # max_seq_length of lora_config.yaml
MASK_PROMPT = @MASK_PROMPT@  # mask_prompt of lora_config.yaml
TOKENIZER = "@TOKENIZER@"  # the base model's tokenizer


def check(n, row):
    if FORMAT == "chat":
        msgs = row.get("messages")
        if not isinstance(msgs, list) or not msgs:
            sys.exit(f"line {n}: needs a non-empty 'messages' list")
        for m in msgs:
            if m.get("role") not in ("system", "user", "assistant", "tool"):
                sys.exit(f"line {n}: unknown role {m.get('role')!r}")
        if msgs[-1].get("role") != "assistant":
            sys.exit(f"line {n}: the last message must be the assistant's answer")
    elif FORMAT == "completions":
        if not isinstance(row.get("prompt"), str) or not isinstance(row.get("completion"), str):
            sys.exit(f"line {n}: needs string 'prompt' and 'completion' fields")
    elif not isinstance(row.get("text"), str) or not row["text"].strip():
        sys.exit(f"line {n}: needs a non-empty 'text' field")


src = Path(sys.argv[1] if len(sys.argv) > 1 else "raw.jsonl")
rows = []
for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
    if line.strip():
        row = json.loads(line)
        check(n, row)
        rows.append(row)
n_hold = max(BATCH, len(rows) // 10)  # validation and test: 10% each, one batch at least
if len(rows) - 2 * n_hold < BATCH:
    sys.exit(f"{src}: {len(rows)} examples, but training, validation and test need "
             f"{BATCH} each (the batch size): add examples or lower batch_size")

try:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(TOKENIZER)
except Exception as e:  # offline, or the tokenizer is gated
    tok = None
    print(f"token lengths skipped ({e})")
if tok is not None:
    from types import SimpleNamespace

    from mlx_lm.tuner.datasets import create_dataset

    # (tokens, offset) per example, as mlx_lm.lora's iterate_batches sees them
    ds = create_dataset(rows, tok, SimpleNamespace(mask_prompt=MASK_PROMPT))
    seen = [ds.process(r) for r in rows]
    lengths = sorted(len(t) for t, _ in seen)
    over = sum(n > MAX_SEQ for n in lengths)
    print(f"tokens per example: mean {statistics.mean(lengths):.0f}, median "
          f"{lengths[len(lengths) // 2]}, max {lengths[-1]}; {over} over {MAX_SEQ} "
          f"(cut to {MAX_SEQ})")
    if MASK_PROMPT:
        # the loss counts tokens after the prompt only: a prompt that fills
        # the window leaves none (a batch of such examples has loss nan)
        last = [MAX_SEQ - 1 if len(t) >= MAX_SEQ else len(t) for t, _ in seen]  # default_loss's mask
        empty = [n for n, ((_, off), hi) in enumerate(zip(seen, last), 1) if off > hi]
        if empty:
            sys.exit(f"{len(empty)} examples (first: example {empty[0]}) have a prompt of "
                     f"{MAX_SEQ} tokens or more: with --mask-prompt they train on no token; "
                     f"shorten them or raise max_seq_length")
    print(f"the plan's time assumes {MAX_SEQ} tokens per example: scale it by "
          f"{statistics.mean(min(n, MAX_SEQ) for n in lengths) / MAX_SEQ:.2f}")

random.Random(0).shuffle(rows)
splits = {
    "valid": rows[:n_hold],
    "test": rows[n_hold:2 * n_hold],
    "train": rows[2 * n_hold:],
}
out = Path("data")
out.mkdir(exist_ok=True)
for name, part in splits.items():
    with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
        for row in part:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{name}: {len(part)} examples")
