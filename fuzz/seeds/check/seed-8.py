# Syntax that must not confuse the checker: tabs, Unicode identifiers,
# f-strings with nested quotes and braces, line continuations, decorators,
# match statements, walrus, async code, type aliases, every string prefix.
from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field

import mlx.core as mx
import mlx.nn as nn
from mlx import nn as neural
from mlx.utils import tree_flatten as flatten, \
    tree_map

type Shape = tuple[int, ...]

größe: int = 4
π = 3.14159
データ = mx.ones((größe, größe))


@dataclass(frozen=True)
class Config:
	dims: int = 64
	heads: int = 4
	names: list[str] = field(default_factory=list)

	@property
	def head_dim(self) -> int:
		return self.dims // self.heads


def traced(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@traced
@functools.lru_cache(maxsize=None)
def table(n: int, /, *, scale: float = 1.0) -> mx.array:
    return mx.arange(n, dtype=mx.float32) * scale


class Block(neural.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.proj = nn.Linear(cfg.dims, cfg.dims)

    def __call__(self, x: mx.array) -> mx.array:
        return nn.gelu(self.proj(x)) + \
            x


def describe(x: mx.array) -> str:
    width = 8
    d = {"k": 1}
    s = f"{x.shape!r:>{width}} {x.dtype} {mx.sum(x).item():.{3}f} {d['k']} {'nested ' f'{1 + 1}'}"
    s += f"""{
        mx.max(x).item()  # a comment inside a multi-line field
    }"""
    s += f"{{literal braces}} {x.size=} {'a' if x.ndim else 'b'} {[i for i in range(3)]}"
    s += rf"\d+{x.ndim}" + Rb"\x00".decode() + u"ü" + br'\n'.decode() + f'{"double" + "quotes"}'
    s += "escaped \" quote" + 'and \' this' + """triple "quoted" text""" + "\N{EM DASH}"
    s += f"{x.ndim:{'>' if x.ndim else '<'}10}" + f"{d["k"]}"
    return s


def route(value):
    match value:
        case {"op": "sum", "axis": axis}:
            return mx.sum(データ, axis=axis)
        case [first, *rest] if (n := len(rest)) > 0:
            return first + n
        case mx.array():
            return value
        case _:
            return None


async def fetch_all(items):
    async with asyncio.timeout(1):
        results = [await asyncio.sleep(0, result=i) async for i in agen(items)]
    return results


async def agen(items):
    for i in items:
        yield i


def brackets():
    matrix = [
        [1, 2, 3],
        [4, 5, 6],   # trailing comment
    ]
    total = (sum(
        row[0] for row in matrix
    ) + len({k: v for k, v in zip("ab", (1, 2))})
        + len({*matrix[0], *matrix[1]}))
    lam = lambda a, b=2, *c, d, **e: (a, b, c, d, e)
    sliced = matrix[0][::2], matrix[1][1:], matrix[0][:-1]
    global größe
    größe = total if total > 0 else -total
    try:
        raise ValueError("x") from None
    except* ValueError as group:
        print(len(group.exceptions))
    finally:
        pass
    return lam, sliced, flatten(mx.zeros((2, 2))), tree_map(lambda v: v, [π])


if __name__ == "__main__":
    print(describe(table(4)), route({"op": "sum", "axis": 0}), brackets()[1])
