#!/usr/bin/env python3
"""Records torch.randn on CPU generators (fixed seeds, shapes and call sequences) as JSON for the C# noise tests
(tests/FaceStudio.Core.Tests/Randomness). Every case seeds a fresh torch.Generator("cpu") and makes the listed
torch.randn calls on it in order (so the stream continuation, the <16-element scalar path with its cached second
value, the 16-wide Box–Muller fill and its tail rule are all covered).

    python3 tools/parity/record_noise.py --out tests/FaceStudio.Core.Tests/TestData/Parity/torch_cpu_randn.json
"""
from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import numpy as np
import torch

# (name, seed, [(shape, dtype), ...]) -- shapes below, at and above 16 elements and not multiples of 16.
CASES = [
    ("single_1", 0, [((1,), "float32")]),
    ("single_3", 0, [((3,), "float32")]),
    ("single_15", 1, [((15,), "float32")]),
    ("single_16", 1, [((16,), "float32")]),
    ("single_17", 2, [((17,), "float32")]),
    ("single_31", 3, [((31,), "float32")]),
    ("single_33", 4, [((33,), "float32")]),
    ("latent_4x8x8", 42, [((1, 4, 8, 8), "float32")]),
    ("latent_4x9x7", 42, [((1, 4, 9, 7), "float32")]),          # 252 = 15·16 + 12: tail rule
    ("latent_4x64x64", 12345, [((1, 4, 64, 64), "float32")]),
    ("latent_2x4x8x8", 7, [((2, 4, 8, 8), "float32")]),
    ("seed_over_32_bits", 2 ** 32 + 7, [((20,), "float32")]),   # only the low 32 bits reach mt19937
    ("seed_large", 2 ** 40 + 123456789, [((5,), "float32"), ((40,), "float32")]),
    ("stream_mixed", 2024, [((3,), "float32"), ((5,), "float32"), ((16,), "float32"), ((1,), "float32"),
                            ((20,), "float32"), ((2,), "float32"), ((1, 4, 8, 8), "float32"), ((7,), "float32")]),
    ("stream_scheduler_like", 31337, [((1, 4, 8, 8), "float32")] * 4),
    ("float64_5", 5, [((5,), "float64")]),
    ("float64_16", 5, [((16,), "float64")]),
    ("float64_21", 6, [((21,), "float64")]),
    ("float64_mixed_with_float32", 8, [((3,), "float64"), ((3,), "float32"), ((40,), "float64")]),
]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    cases = []
    for name, seed, calls in CASES:
        g = torch.Generator("cpu").manual_seed(seed)
        recorded = []
        for shape, dtype in calls:
            t = torch.randn(shape, generator=g, dtype=getattr(torch, dtype))
            values = t.flatten().numpy()
            recorded.append({"shape": list(shape), "dtype": dtype,
                             "values": [float(v) for v in values]})  # float32 → double is exact; repr round-trips
        cases.append({"name": name, "seed": seed, "calls": recorded})
    doc = {"what": "torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed), dtype=dtype), calls in order on one generator",
           "torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
           "machine": platform.machine(), "cases": cases}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {a.out} ({a.out.stat().st_size / 1024:.0f} KiB, {len(cases)} cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
