#!/usr/bin/env python3
"""Records diffusers' tiled VAE decode (AutoencoderKL.enable_tiling(), diffusers 0.28.2) on the tiny parity VAE, for
TiledDecodeParityTests. The VAE is the one in the parity pack (export_sd15 --random-weights --size tiny --seed 1001,
as make_fixtures.py builds it), so its ONNX decoder is tests/FaceStudio.Onnx.Tests/TestData/Parity/pack/vae_decoder.
The tile is shrunk to 32 pixels (4 latent cells) so a 7×11 latent spans a 3×4 grid of tiles with 1- and 2-cell edge
tiles; the overlap factor stays diffusers' 0.25.
    source ../shared/reference/env.sh && "$REFERENCE_PYTHON" tools/parity/record_tiled_decode.py
Writes components/vae_decoder_tiled/{latent_sample,sample_tiled,sample_untiled}.npy under the parity folder
(latent_sample is unscaled, as the ONNX decoder takes it).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "export"))
import common  # noqa: E402
import export_sd15  # noqa: E402

SEED_SD = 1001       # make_fixtures.py: export_sd15 --seed
SEED_LATENTS = 2031  # these latents
TILE_SAMPLE = 32


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "tests/FaceStudio.Onnx.Tests/TestData/Parity/components/vae_decoder_tiled")
    args = parser.parse_args()
    ns = argparse.Namespace(random_weights=True, size="tiny", seed=SEED_SD, opset=common.OPSET, model_id=None)
    _, _, vae, _ = export_sd15.load(ns)
    factor = 2 ** (len(vae.config.block_out_channels) - 1)
    latents = torch.randn(1, 4, 7, 11, generator=torch.Generator("cpu").manual_seed(SEED_LATENTS))
    with torch.no_grad():
        untiled = vae.decode(latents).sample
        vae.enable_tiling()
        vae.tile_sample_min_size = TILE_SAMPLE
        vae.tile_latent_min_size = TILE_SAMPLE // factor
        tiled = vae.decode(latents).sample
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "latent_sample.npy", latents.numpy().astype(np.float32))
    np.save(args.out / "sample_tiled.npy", tiled.numpy().astype(np.float32))
    np.save(args.out / "sample_untiled.npy", untiled.numpy().astype(np.float32))
    rel = float(torch.linalg.norm(tiled - untiled) / torch.linalg.norm(untiled))
    print(f"factor {factor}, tile {TILE_SAMPLE} px / {TILE_SAMPLE // factor} latent, out {tuple(tiled.shape)}, tiled vs untiled rel L2 {rel:.3e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
