# Idiomatic MLX training: nn.value_and_grad, an optimizer, a compiled step
# with the model and optimizer state as inputs and outputs, one mx.eval per
# step, reporting after the evaluation.
import time
from functools import partial

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
import numpy as np
from mlx.utils import tree_flatten


class MLP(nn.Module):
    """A small multi-layer perceptron."""

    def __init__(self, num_layers: int, input_dim: int, hidden_dim: int, output_dim: int):
        super().__init__()
        dims = [input_dim] + [hidden_dim] * num_layers + [output_dim]
        self.layers = [nn.Linear(i, o) for i, o in zip(dims[:-1], dims[1:])]
        self.dropout = nn.Dropout(p=0.1)

    def __call__(self, x):
        for layer in self.layers[:-1]:
            x = self.dropout(nn.relu(layer(x)))
        return self.layers[-1](x)


def loss_fn(model, X, y):
    return nn.losses.cross_entropy(model(X), y, reduction="mean")


def batch_iterate(batch_size, X, y):
    perm = mx.array(np.random.permutation(y.size))
    for s in range(0, y.size, batch_size):
        ids = perm[s : s + batch_size]
        yield X[ids], y[ids]


def main(seed: int = 0):
    np.random.seed(seed)
    mx.random.seed(seed)
    num_features, num_classes = 32, 10
    X = mx.random.normal((1024, num_features))
    y = mx.random.randint(0, num_classes, (1024,))

    model = MLP(2, num_features, 64, num_classes)
    mx.eval(model.parameters())
    n_params = sum(v.size for _, v in tree_flatten(model.parameters()))
    print(f"parameters: {n_params / 1e3:.1f}K")

    optimizer = optim.AdamW(learning_rate=optim.cosine_decay(1e-3, 1000), weight_decay=0.01)
    loss_and_grad_fn = nn.value_and_grad(model, loss_fn)
    state = [model.state, optimizer.state, mx.random.state]

    @partial(mx.compile, inputs=state, outputs=state)
    def step(X, y):
        loss, grads = loss_and_grad_fn(model, X, y)
        grads, _ = optim.clip_grad_norm(grads, max_norm=1.0)
        optimizer.update(model, grads)
        return loss

    model.train()
    for epoch in range(3):
        tic = time.perf_counter()
        losses = []
        for Xb, yb in batch_iterate(128, X, y):
            loss = step(Xb, yb)
            mx.eval(state)
            losses.append(loss.item())
        toc = time.perf_counter()
        print(f"epoch {epoch}: loss {np.mean(losses):.3f}, {toc - tic:.2f} s")

    model.eval()
    accuracy = mx.mean(mx.argmax(model(X), axis=1) == y)
    print(f"accuracy {accuracy.item():.3f}")
    model.save_weights("mlp.safetensors")


if __name__ == "__main__":
    main()
