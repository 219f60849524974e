"""Model tests: shapes, the causal mask, the loss at initialisation, the KV
cache, checkpointed gradients, quantization and the configured size."""
import math

import common  # noqa: F401  (puts the project on sys.path)
import mlx.core as mx
import mlx.nn as nn
from mlx.utils import tree_flatten

import config
from model import Transformer, count_parameters


def tiny_model(**kw):
    mx.random.seed(0)
    mc = config.tiny()[0]
    model = Transformer(mc, **kw)
    mx.eval(model.parameters())
    return model, mc


def test_output_shape():
    model, mc = tiny_model()
    x = mx.random.randint(0, mc.vocab_size, (3, mc.context))
    assert model(x).shape == (3, mc.context, mc.vocab_size)


def test_causal_mask():
    """Changing token t+1 never changes the logits at positions up to t."""
    model, mc = tiny_model()
    x = mx.random.randint(0, mc.vocab_size, (1, mc.context))
    t = mc.context // 2
    y = x.tolist()
    y[0][t + 1] = (y[0][t + 1] + 1) % mc.vocab_size
    a, b = model(x), model(mx.array(y))
    assert mx.allclose(a[:, : t + 1], b[:, : t + 1], atol=1e-5).item()
    assert not mx.allclose(a[:, t + 1], b[:, t + 1], atol=1e-5).item()


def test_initial_loss_near_ln_vocab():
    model, mc = tiny_model()
    x = mx.random.randint(0, mc.vocab_size, (4, mc.context + 1))
    logits = model(x[:, :-1])
    loss = nn.losses.cross_entropy(logits, x[:, 1:], reduction="mean").item()
    assert abs(loss - math.log(mc.vocab_size)) < 0.5, loss


def test_kv_cache_matches_full_forward():
    model, mc = tiny_model()
    x = mx.random.randint(0, mc.vocab_size, (1, 12))
    full = model(x)
    cache = model.make_cache(1)
    first = model(x[:, :8], cache=cache)
    steps = [model(x[:, i:i + 1], cache=cache) for i in range(8, 12)]
    incremental = mx.concatenate([first] + steps, axis=1)
    assert mx.allclose(full, incremental, atol=1e-4).item()


def test_checkpointed_gradients_equal_plain_ones():
    """nn.utils.checkpoint keeps every weight's gradient (mx.checkpoint on the
    bound block would give the block's weights zero gradients)."""
    plain, mc = tiny_model()
    ckpt, _ = tiny_model(grad_checkpoint=True)
    x = mx.random.randint(0, mc.vocab_size, (2, mc.context + 1))

    def loss(model, inputs, targets):
        return nn.losses.cross_entropy(model(inputs), targets, reduction="mean")

    _, g1 = nn.value_and_grad(plain, loss)(plain, x[:, :-1], x[:, 1:])
    _, g2 = nn.value_and_grad(ckpt, loss)(ckpt, x[:, :-1], x[:, 1:])
    for (name, a), (_, b) in zip(tree_flatten(g1), tree_flatten(g2)):
        assert mx.abs(a).sum().item() > 0, f"{name}: zero gradient"
        assert mx.allclose(a, b, atol=1e-5).item(), name


def test_quantized_model_runs():
    model, mc = tiny_model()
    x = mx.random.randint(0, mc.vocab_size, (1, 8))
    ref = model(x)
    nn.quantize(model, group_size=64, bits=8)
    out = model(x)
    assert out.shape == ref.shape
    assert mx.abs(out - ref).max().item() < 0.1


def test_configured_size():
    """The configuration of config.py has the size the plan states."""
    model = Transformer(config.ModelConfig())  # arrays stay lazy: nothing is allocated
    total, embed = count_parameters(model)
    assert total == @PARAMS@, total
    assert embed == @EMBED_PARAMS@, embed


if __name__ == "__main__":
    common.run_all(globals())
