"""Checks tools/export/sd15_unet.py without PyTorch, through a stand-in for torch that counts parameters and
propagates shapes only:
- construction: the parameter count must be diffusers' published SD1.5 UNet size, 859,520,964 (a wrong channel
  count in any block, skip connection or projection changes it);
- forward: sample [2,4,64,64] (and a non-square [1,4,96,64]) with timestep [B] and context [B,77,768] must come out
  as [B,4,h,w], every Linear/Conv/Norm seeing the width it was built for and every skip concatenation matching.
Run: python3 tools/export/tests/test_sd15_unet.py"""
from __future__ import annotations

import contextlib
import importlib
import math
import sys
import types
from pathlib import Path

SD15_PARAMETERS = 859_520_964  # diffusers UNet2DConditionModel, stable-diffusion-v1-5 config


def broadcast(a: tuple, b: tuple) -> tuple:
    out = []
    for x, y in zip((1,) * (len(b) - len(a)) + a, (1,) * (len(a) - len(b)) + b):
        assert x == y or x == 1 or y == 1, f"cannot broadcast {a} and {b}"
        out.append(max(x, y))
    return tuple(out)


class T:
    """A tensor that has only a shape."""

    dtype = "float32"
    device = "cpu"

    def __init__(self, *shape):
        self.shape = tuple(int(s) for s in shape)

    def _resolve(self, *shape):
        shape = list(shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)
        total = math.prod(self.shape)
        if -1 in shape:
            i = shape.index(-1)
            shape[i] = total // math.prod(s for s in shape if s != -1)
        assert math.prod(shape) == total, f"cannot view {self.shape} as {shape}"
        return T(*shape)

    view = reshape = _resolve

    def transpose(self, a, b):
        s = list(self.shape)
        s[a], s[b] = s[b], s[a]
        return T(*s)

    def permute(self, *dims):
        return T(*(self.shape[d] for d in dims))

    def chunk(self, n, dim=-1):
        s = list(self.shape)
        assert s[dim] % n == 0
        s[dim] //= n
        return [T(*s) for _ in range(n)]

    def __getitem__(self, index):
        index = index if isinstance(index, tuple) else (index,)
        out, i = [], 0
        for item in index:
            if item is None:
                out.append(1)
            else:
                assert item == slice(None), "only [:, None] style indexing is modelled"
                out.append(self.shape[i])
                i += 1
        return T(*out, *self.shape[i:])

    def _binary(self, other):
        return T(*broadcast(self.shape, other.shape)) if isinstance(other, T) else self

    __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __truediv__ = _binary

    def contiguous(self):
        return self

    def float(self):
        return self

    def to(self, *args, **kwargs):
        return self


def fake_torch():
    nn = types.ModuleType("torch.nn")

    class Module:
        _own = 0

        def __init__(self):
            pass

        def count(self) -> int:
            return self._own + sum(v.count() for v in vars(self).values() if isinstance(v, Module))

        def __call__(self, *args, **kwargs):
            return self.forward(*args, **kwargs)

        def eval(self):
            return self

    class ModuleList(Module):
        def __init__(self, items=()):
            self.items = list(items)

        def count(self):
            return sum(i.count() for i in self.items)

        def __getitem__(self, i):
            return self.items[i]

        def __iter__(self):
            return iter(self.items)

        def __len__(self):
            return len(self.items)

    class Linear(Module):
        def __init__(self, i, o, bias=True):
            self.i, self.o, self._own = i, o, i * o + (o if bias else 0)

        def forward(self, x):
            assert x.shape[-1] == self.i, f"Linear({self.i}, {self.o}) got {x.shape}"
            return T(*x.shape[:-1], self.o)

    class Conv2d(Module):
        def __init__(self, i, o, k, stride=1, padding=0):
            self.i, self.o, self.k, self.s, self.p = i, o, k, stride, padding
            self._own = i * o * k * k + o

        def forward(self, x):
            b, c, h, w = x.shape
            assert c == self.i, f"Conv2d({self.i}, {self.o}) got {x.shape}"
            f = lambda n: (n + 2 * self.p - self.k) // self.s + 1  # noqa: E731
            return T(b, self.o, f(h), f(w))

    class GroupNorm(Module):
        def __init__(self, g, c, eps=1e-5):
            assert c % g == 0
            self.c, self._own = c, 2 * c

        def forward(self, x):
            assert x.shape[1] == self.c, f"GroupNorm({self.c}) got {x.shape}"
            return x

    class LayerNorm(Module):
        def __init__(self, c):
            self.c, self._own = c, 2 * c

        def forward(self, x):
            assert x.shape[-1] == self.c, f"LayerNorm({self.c}) got {x.shape}"
            return x

    class Identity(Module):
        def __init__(self, *a, **k):
            pass

        def forward(self, x):
            return x

    def sdpa(q, k, v):
        assert q.shape[:-2] == k.shape[:-2] == v.shape[:-2] and q.shape[-1] == k.shape[-1] and k.shape[-2] == v.shape[-2], (q.shape, k.shape, v.shape)
        return T(*q.shape[:-1], v.shape[-1])

    def interpolate(x, scale_factor, mode):
        b, c, h, w = x.shape
        return T(b, c, int(h * scale_factor), int(w * scale_factor))

    def cat(tensors, dim):
        shapes = [list(t.shape) for t in tensors]
        total = sum(s[dim] for s in shapes)
        for s in shapes:
            s[dim] = 0
        assert all(s == shapes[0] for s in shapes), f"cat of {[t.shape for t in tensors]} along {dim}"
        out = list(tensors[0].shape)
        out[dim] = total
        return T(*out)

    functional = types.ModuleType("torch.nn.functional")
    functional.silu = functional.gelu = lambda x: x
    functional.scaled_dot_product_attention = sdpa
    functional.interpolate = interpolate
    nn.Module, nn.ModuleList, nn.Linear, nn.Conv2d = Module, ModuleList, Linear, Conv2d
    nn.GroupNorm, nn.LayerNorm, nn.Dropout, nn.GELU = GroupNorm, LayerNorm, Identity, Identity
    nn.Sequential = lambda *a: ModuleList(a)
    nn.functional = functional
    torch = types.ModuleType("torch")
    torch.nn = nn
    torch.Tensor = T
    torch.float32, torch.float16, torch.int64 = "float32", "float16", "int64"
    torch.no_grad = contextlib.nullcontext
    torch.arange = lambda n, dtype=None, device=None: T(n)
    torch.exp = torch.cos = torch.sin = lambda x: x
    torch.cat = cat
    sys.modules.update({"torch": torch, "torch.nn": nn, "torch.nn.functional": functional})


def load():
    fake_torch()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.modules.pop("sd15_unet", None)
    return importlib.import_module("sd15_unet")


def test_parameter_count(sd15) -> None:
    count = sd15.SD15UNet().count()
    assert count == SD15_PARAMETERS, f"SD15UNet has {count:,} parameters, SD1.5 has {SD15_PARAMETERS:,}"


def test_forward_shapes(sd15) -> None:
    model = sd15.SD15UNet()
    for b, h, w in [(2, 64, 64), (1, 96, 64)]:
        out = model(T(b, 4, h, w), T(b), T(b, 77, 768))
        assert out.shape == (b, 4, h, w), f"out_sample {out.shape} for sample {(b, 4, h, w)}"


if __name__ == "__main__":
    module = load()
    test_parameter_count(module)
    test_forward_shapes(module)
    print(f"sd15_unet: {SD15_PARAMETERS:,} parameters as SD1.5; forward shapes [2,4,64,64] and [1,4,96,64] pass")
