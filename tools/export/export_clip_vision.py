#!/usr/bin/env python3
"""CLIP vision encoder with projection → image_encoder/model.onnx:
pixel_values float32 [N,3,224,224] (CLIP-normalised) → image_embeds [N,E] (E = 768 for ViT-L/14, the text space of
SD1.5's CLIP, which FaceStudio's hybrid guidance mixes with).

    python tools/export/export_clip_vision.py --out packs/fs                       # openai/clip-vit-large-patch14
    python tools/export/export_clip_vision.py --out packs/rand --random-weights [--size tiny]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def load_model(a):
    import torch
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    if a.random_weights:
        common.seed_all(a.seed)
        return CLIPVisionModelWithProjection(CLIPVisionConfig(**common.configs(a.size)["clip_vision"])).eval()
    return CLIPVisionModelWithProjection.from_pretrained(a.model_id, torch_dtype=torch.float32).eval()


def main(argv=None) -> int:
    p = common.parser(__doc__)
    p.add_argument("--model-id", default="openai/clip-vit-large-patch14")
    a = p.parse_args(argv)
    common.check_size(p, a)

    import torch

    model = load_model(a)

    class Wrapped(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, pixel_values):
            return self.inner(pixel_values=pixel_values, return_dict=True).image_embeds

    side = int(model.config.image_size)
    common.export(Wrapped(model), (torch.randn(1, 3, side, side),), a.out / "image_encoder" / "model.onnx",
                  ["pixel_values"], ["image_embeds"], {"pixel_values": {0: "n"}, "image_embeds": {0: "n"}}, a.opset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
