"""Tokenize a text corpus once, offline, into data/train.bin and data/valid.bin.

python prepare_data.py corpus/*.txt                 train a byte-level BPE of
                                                    the model's vocabulary size
                                                    (pip install tokenizers)
python prepare_data.py --tokenizer bytes corpus.txt  UTF-8 bytes (256 ids, no
                                                    download: smoke runs)

The last --valid-share of the documents (one per file, or per blank-line
separated block with --split-blank) goes to data/valid.bin.
"""
import argparse
import os

import numpy as np

import config
from data import load_tokenizer, token_dtype, write_tokens


def documents(paths, split_blank):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for doc in (text.split("\n\n") if split_blank else [text]):
            if doc.strip():
                yield doc


def train_bpe(paths, vocab_size, out_path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train(paths, trainer)
    tok.save(out_path)
    return tok.token_to_id("<|endoftext|>")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--tokenizer", default="bpe", help="bpe (train one), bytes, or a tokenizer.json")
    ap.add_argument("--valid-share", type=float, default=0.01)
    ap.add_argument("--split-blank", action="store_true")
    ap.add_argument("--tiny", action="store_true", help="size for config.tiny()")
    args = ap.parse_args()
    mc = config.tiny()[0] if args.tiny else config.ModelConfig()
    out_dir = config.TrainConfig().data_dir
    os.makedirs(out_dir, exist_ok=True)
    if args.tokenizer == "bytes":
        name, eos = "bytes", 0
    elif args.tokenizer == "bpe":
        name = os.path.join(out_dir, "tokenizer.json")
        eos = train_bpe(args.files, mc.vocab_size, name)
    else:
        name, eos = args.tokenizer, 0
    tok = load_tokenizer(name)
    docs = list(documents(args.files, args.split_blank))
    if len(docs) < 2:
        raise SystemExit(f"need at least 2 documents (train and valid), found {len(docs)}")
    n_valid = max(1, int(len(docs) * args.valid_share))
    for split, part in (("train", docs[:-n_valid]), ("valid", docs[-n_valid:])):
        dtype = token_dtype(mc.vocab_size)  # 2 or 4 bytes a token in memory
        ids = np.concatenate([np.array(tok.encode(d) + [eos], dtype=dtype) for d in part])
        write_tokens(os.path.join(out_dir, f"{split}.bin"), ids, mc.vocab_size, name)
        print(f"{split}: {len(part)} documents, {ids.size:,} tokens")


if __name__ == "__main__":
    main()
