"""Helpers of the tests: the project on sys.path, a small corpus, a runner
for machines without pytest (python tests/test_model.py)."""
import os
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import config  # noqa: E402
from data import ByteTokenizer, write_tokens  # noqa: E402

TEXT = ("the cat sat on the mat. the dog sat on the log. a bird sang in the tree. "
        "the sun rose over the hill and the cat slept. ")


def make_corpus(data_dir: str, repeats: int = 60):
    """Byte-token train/valid files for config.tiny() in data_dir."""
    mc = config.tiny()[0]
    ids = ByteTokenizer().encode(TEXT * repeats)
    os.makedirs(data_dir, exist_ok=True)
    write_tokens(os.path.join(data_dir, "train.bin"), ids, mc.vocab_size, "bytes")
    write_tokens(os.path.join(data_dir, "valid.bin"), ids[: len(ids) // 10], mc.vocab_size,
                 "bytes")


def run_all(namespace):
    """Run every test_* function of a module; exit 1 if one fails."""
    failed = 0
    tests = [(n, f) for n, f in namespace.items() if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        try:
            if "tmp_path" in fn.__code__.co_varnames[: fn.__code__.co_argcount]:
                with tempfile.TemporaryDirectory() as d:
                    fn(d)
            else:
                fn()
            print(f"PASS {name}")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"{len(tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
