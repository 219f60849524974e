"""Generation and export tests: the cached generator's tokens equal greedy
decoding without a cache, top-p keeps ids in the vocabulary, and the exported
folder loads in mlx_lm with the same logits."""
import os
import pathlib

import common
import mlx.core as mx

import config
import export
import train
from generate import generate, sample
from model import Transformer


def tiny_model():
    mx.random.seed(0)
    model = Transformer(config.tiny()[0])
    mx.eval(model.parameters())
    return model


def test_greedy_generation_matches_uncached_decoding():
    model = tiny_model()
    prompt = [5, 17, 42, 7]
    cached = list(generate(model, prompt, max_tokens=10, temp=0))
    ids = list(prompt)
    for _ in range(10):
        ids.append(mx.argmax(model(mx.array(ids)[None])[0, -1]).item())
    assert cached == ids[len(prompt):], (cached, ids[len(prompt):])


def test_top_p_sampling_stays_in_vocabulary():
    mx.random.seed(1)
    logits = mx.random.normal((3, 256))
    for _ in range(20):
        ids = sample(logits, temp=0.8, top_p=0.9).tolist()
        assert all(0 <= i < 256 for i in ids)
    # top_p this small keeps only the most likely token
    assert sample(logits, temp=1.0, top_p=1e-6).tolist() == mx.argmax(logits, -1).tolist()


def test_generation_refuses_more_than_the_context():
    model = tiny_model()
    try:
        list(generate(model, [1] * 30, max_tokens=10))
    except ValueError:
        return
    raise AssertionError("generated past the context")


def test_export_loads_in_mlx_lm(tmp_path):
    try:
        from mlx_lm.utils import load_model
    except ImportError:
        print("skipped: mlx_lm is not installed")
        return
    data = os.path.join(tmp_path, "data")
    common.make_corpus(data)
    ckpts = os.path.join(tmp_path, "ckpt")
    train.main(["--tiny", "--updates", "3", "--data-dir", data, "--out-dir", ckpts])
    mc = config.tiny()[0]
    out = os.path.join(tmp_path, "exported")
    export.export(train.latest_checkpoint(ckpts), out, mc)
    ours = Transformer(mc)
    ours.load_weights(os.path.join(train.latest_checkpoint(ckpts), "model.safetensors"))
    theirs, _ = load_model(pathlib.Path(out))  # load_model takes a Path, not a str
    x = mx.array([[3, 1, 4, 1, 5, 9, 2, 6]])
    assert mx.allclose(ours(x), theirs(x), atol=1e-4).item()


if __name__ == "__main__":
    common.run_all(globals())
