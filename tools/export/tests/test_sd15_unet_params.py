"""Checks sd15_unet.SD15UNet's construction without PyTorch: a stand-in for torch.nn that only counts parameters
must give diffusers' published SD1.5 UNet size, 859,520,964 (any wrong channel count in a block, skip connection or
projection changes it). Run: python3 tools/export/tests/test_sd15_unet_params.py"""
from __future__ import annotations

import contextlib
import importlib
import sys
import types
from pathlib import Path

SD15_PARAMETERS = 859_520_964  # diffusers UNet2DConditionModel, stable-diffusion-v1-5 config


def fake_torch() -> None:
    nn = types.ModuleType("torch.nn")

    class Module:
        _own = 0

        def __init__(self):
            pass

        def count(self) -> int:
            return self._own + sum(v.count() for v in vars(self).values() if isinstance(v, Module))

    class ModuleList(Module):
        def __init__(self, items=()):
            self.items = list(items)

        def count(self) -> int:
            return sum(i.count() for i in self.items)

    def leaf(params):
        class Leaf(Module):
            def __init__(self, *a, **k):
                self._own = params(*a, **k)
        return Leaf

    nn.Module = Module
    nn.ModuleList = ModuleList
    nn.Sequential = lambda *a: ModuleList(a)
    nn.Linear = leaf(lambda i, o, bias=True: i * o + (o if bias else 0))
    nn.Conv2d = leaf(lambda i, o, k, stride=1, padding=0: i * o * k * k + o)
    nn.GroupNorm = leaf(lambda g, c, eps=1e-5: 2 * c if c % g == 0 else (_ for _ in ()).throw(ValueError("groups")))
    nn.LayerNorm = leaf(lambda c: 2 * c)
    nn.Dropout = leaf(lambda p=0.0: 0)
    nn.GELU = leaf(lambda: 0)
    functional = types.ModuleType("torch.nn.functional")
    nn.functional = functional
    torch = types.ModuleType("torch")
    torch.nn = nn
    torch.no_grad = contextlib.nullcontext
    torch.Tensor = object
    sys.modules.update({"torch": torch, "torch.nn": nn, "torch.nn.functional": functional})


def test_parameter_count() -> None:
    fake_torch()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sd15 = importlib.import_module("sd15_unet")
    count = sd15.SD15UNet().count()
    assert count == SD15_PARAMETERS, f"SD15UNet has {count:,} parameters, SD1.5 has {SD15_PARAMETERS:,}"


if __name__ == "__main__":
    test_parameter_count()
    print(f"sd15_unet: {SD15_PARAMETERS:,} parameters, as SD1.5")
