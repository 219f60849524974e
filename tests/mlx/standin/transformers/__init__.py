"""tests/mlx/standin/transformers - the tier's tokenizer stand-in (see tests/mlx/standins.py).

mlx_lm loads every tokenizer through transformers.AutoTokenizer, which the
tier does not have (../shared/mlx-cpu/stubs holds an empty transformers that
raises on use).  This package goes first on PYTHONPATH for the plans' own
commands and scripts and gives AutoTokenizer.from_pretrained one real
tokenizer: ByteChatTokenizer, byte-level (ids 0-255 are the UTF-8 bytes) with
three special tokens and a ChatML chat template, loaded from any folder that
holds its marker file (FILE, written by save_pretrained).  Any other folder
or Hub id raises, as the stub does; every other name of transformers is the
stub's (fails loudly when used).
"""
import json
import os

from _stubbase import _Unavailable, install

__version__ = "5.7.0.tier-standin"
FILE = "tier_tokenizer.json"
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
                 "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


class PreTrainedTokenizer:
    """The base class mlx_lm names in type hints (and subclasses)."""

    def __init__(self, *args, **kwargs):
        pass


class PreTrainedTokenizerFast(PreTrainedTokenizer):
    pass


class ByteChatTokenizer(PreTrainedTokenizerFast):
    """UTF-8 bytes plus <|endoftext|>, <|im_start|>, <|im_end|> (ids 256-258)."""

    def __init__(self):
        self.vocab_size = 256 + len(SPECIALS)
        self.eos_token = "<|im_end|>"
        self.eos_token_id = 256 + SPECIALS.index(self.eos_token)
        self.bos_token = None
        self.bos_token_id = None
        self.pad_token_id = 256
        self.chat_template = CHAT_TEMPLATE
        self.init_kwargs = {}
        self.all_special_ids = list(range(256, self.vocab_size))

    def get_vocab(self):
        vocab = {bytes([i]).decode("latin-1"): i for i in range(256)}
        vocab.update({s: 256 + i for i, s in enumerate(SPECIALS)})
        return vocab

    def convert_tokens_to_ids(self, token):
        return self.get_vocab().get(token)

    def encode(self, text, add_special_tokens=True, **kwargs):
        ids, i = [], 0
        while i < len(text):
            for n, s in enumerate(SPECIALS):
                if text.startswith(s, i):
                    ids.append(256 + n)
                    i += len(s)
                    break
            else:
                ids.extend(text[i].encode("utf-8"))
                i += 1
        return ids

    def __call__(self, text, add_special_tokens=True, **kwargs):
        return {"input_ids": self.encode(text, add_special_tokens)}

    def decode(self, ids, skip_special_tokens=False, **kwargs):
        if isinstance(ids, int):
            ids = [ids]
        out, raw = [], bytearray()
        for t in ids:
            if t < 256:
                raw.append(t)
                continue
            out.append(raw.decode("utf-8", errors="replace"))
            raw = bytearray()
            if not skip_special_tokens and t < self.vocab_size:
                out.append(SPECIALS[t - 256])
        out.append(raw.decode("utf-8", errors="replace"))
        return "".join(out)

    def convert_ids_to_tokens(self, ids):
        return [self.decode([t]) for t in ids]

    def apply_chat_template(self, messages, tools=None, add_generation_prompt=False,
                            tokenize=True, return_dict=False, **kwargs):
        text = "".join("<|im_start|>%s\n%s<|im_end|>\n" % (m["role"], m["content"])
                       for m in messages)
        if add_generation_prompt:
            text += "<|im_start|>assistant\n"
        return self.encode(text) if tokenize else text

    def save_pretrained(self, path):
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, FILE), "w") as f:
            json.dump({"class": "ByteChatTokenizer", "specials": SPECIALS}, f)
        with open(os.path.join(path, "tokenizer_config.json"), "w") as f:
            json.dump({"chat_template": CHAT_TEMPLATE, "eos_token": self.eos_token}, f)


class AutoTokenizer:
    @staticmethod
    def register(*args, **kwargs):
        pass

    @staticmethod
    def from_pretrained(path, *args, **kwargs):
        if os.path.isfile(os.path.join(str(path), FILE)):
            return ByteChatTokenizer()
        raise _Unavailable("transformers.AutoTokenizer.from_pretrained(%r): the tier's stand-in "
                           "loads only folders with %s (offline)" % (str(path), FILE))


install(globals(), "transformers")
