"""Records diffusers' IPAdapterMaskProcessor.downsample (bicubic) for soft masks of several latent sizes, square and
not, so the SDK's BicubicMaskResampler is compared on fractional values, on size ratios that are not whole numbers,
and on diffusers' own mask-size arithmetic (a 9×16 mask for a 5×8 layer is resized to 4×10 and flattened).

    source ../shared/reference/env.sh && /usr/bin/python3 tools/parity/record_mask_downsample.py --out DIR

Writes DIR/<case>/masks.npy [N, h, w] and DIR/<case>/q<queries>.npy [N, queries] for each layer size, the way the
UNet halves the latent size (rounding up). Small (a few KB); part of tools/parity/make-fixtures.sh.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch
from diffusers.image_processor import IPAdapterMaskProcessor

CASES = {"soft_16x16": (16, 16), "soft_9x16": (9, 16), "soft_24x40": (24, 40), "soft_13x7": (13, 7)}
LEVELS = 4
SEED = 20240


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, type=Path)
    a = p.parse_args()
    torch.set_num_threads(1)
    g = torch.Generator("cpu").manual_seed(SEED)
    index = {"made_by": "tools/parity/record_mask_downsample.py", "torch": torch.__version__, "cases": {}}
    for name, (h, w) in CASES.items():
        masks = torch.rand(2, h, w, generator=g)
        masks[1] = (masks[1] > 0.5).float()  # one soft mask, one binary
        folder = a.out / name
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "masks.npy", masks.numpy().astype(np.float32), allow_pickle=False)
        lh, lw, layers = h, w, []
        for _ in range(1, LEVELS):
            lh, lw = (lh + 1) // 2, (lw + 1) // 2
            q = lh * lw
            out = torch.stack([IPAdapterMaskProcessor.downsample(masks[i:i + 1], 1, q, 1)[0, :, 0] for i in range(2)])
            np.save(folder / f"q{q}.npy", out.numpy().astype(np.float32), allow_pickle=False)
            layers.append({"layer": [lh, lw], "queries": q, "file": f"{name}/q{q}.npy"})
        index["cases"][name] = {"masks": f"{name}/masks.npy", "size": [h, w], "layers": layers}
    (a.out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
