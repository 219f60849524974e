"""Token files: the corpus is tokenized once (prepare_data.py) into a flat
uint16 / uint32 file, and training reads random windows of it through a
memory map, so the hot loop does no Python work per token.

Each token file FILE.bin has FILE.bin.json beside it: its dtype, token count,
the vocabulary size it was made for and the tokenizer ("bytes" or a path to
a tokenizer.json).
"""
import json
import os

import mlx.core as mx
import numpy as np


def token_dtype(vocab_size: int):
    return np.uint16 if vocab_size <= 65536 else np.uint32


def write_tokens(path: str, ids, vocab_size: int, tokenizer: str):
    """Write token ids to `path` (atomically, through a .tmp file) with its .json."""
    ids = np.asarray(ids)
    if ids.size == 0:
        raise ValueError(f"{path}: no tokens to write")
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"{path}: token ids must lie in [0, {vocab_size}), "
                         f"got {ids.min()}..{ids.max()}")
    tmp = path + ".tmp"
    ids.astype(token_dtype(vocab_size)).tofile(tmp)
    with open(tmp + ".json", "w") as f:
        json.dump({"dtype": np.dtype(token_dtype(vocab_size)).name, "tokens": int(ids.size),
                   "vocab_size": vocab_size, "tokenizer": tokenizer}, f)
    os.replace(tmp, path)
    os.replace(tmp + ".json", path + ".json")


class TokenFile:
    """A token file as a read-only memory map, checked against the model's vocabulary."""

    def __init__(self, path: str, vocab_size: int):
        with open(path + ".json") as f:
            meta = json.load(f)
        if meta["vocab_size"] > vocab_size:
            raise ValueError(f"{path} was tokenized for {meta['vocab_size']} tokens, "
                             f"the model has {vocab_size}")
        self.path, self.meta = path, meta
        self.tokens = np.memmap(path, dtype=meta["dtype"], mode="r")

    def __len__(self):
        return len(self.tokens)


class Batches:
    """Random windows of context + 1 tokens.  The generator state is saved with
    each checkpoint, so a resumed run reads the stream an uninterrupted one would."""

    def __init__(self, tokens: TokenFile, batch_size: int, context: int, seed: int):
        if len(tokens) < context + 2:
            raise ValueError(f"{tokens.path}: {len(tokens)} tokens, fewer than one window "
                             f"of {context + 1}")
        self.tokens, self.batch_size, self.context = tokens.tokens, batch_size, context
        self.rng = np.random.default_rng(seed)
        self.offsets = np.arange(context + 1)

    def next(self):
        starts = self.rng.integers(0, len(self.tokens) - self.context - 1, size=self.batch_size)
        window = self.tokens[starts[:, None] + self.offsets].astype(np.int32)
        return mx.array(window[:, :-1]), mx.array(window[:, 1:])

    def state(self):
        return self.rng.bit_generator.state

    def set_state(self, state):
        self.rng.bit_generator.state = state


class ByteTokenizer:
    """UTF-8 bytes as tokens (256 ids): no download, for smoke runs and tests."""

    def encode(self, text: str):
        return list(text.encode("utf-8"))

    def decode(self, ids):
        return bytes(i for i in ids if i < 256).decode("utf-8", errors="replace")


def load_tokenizer(name: str):
    """The tokenizer a token file names: "bytes" or a tokenizer.json path."""
    if name == "bytes":
        return ByteTokenizer()
    from tokenizers import Tokenizer  # pip install tokenizers

    tok = Tokenizer.from_file(name)

    class Wrapped:
        def encode(self, text):
            return tok.encode(text).ids

        def decode(self, ids):
            return tok.decode(list(ids))

    return Wrapped()
