#!/usr/bin/env python3
"""Guidance projector → projector/model.onnx (docs/model-contract.md, "Guidance projector").

--flavor ip-adapter-faceid: IP-Adapter-FaceID's MLPProjModel, face_embeds [N,512] → tokens [N,4,768]
    (Linear 512→1024, GELU, Linear 1024→4·768, reshape, LayerNorm), weights from the checkpoint's "image_proj".
    The ArcFace embedding is used as InsightFace gives it (IP-Adapter-FaceID normalises upstream; the SDK passes
    L2-normalised embeddings).
--flavor facestudio: FaceStudio's Linear, face_embeds [N,512] + image_embeds [N,E] → tokens [N,K,768]
    (tokens = reshape([face ‖ image]·W + b)); no public weights: --weights FILE (a torch state dict with
    'weight' [K·768, 512+E] and 'bias'), or --random-weights.

    python tools/export/export_projector.py --out packs/fs --flavor ip-adapter-faceid --checkpoint ip-adapter-faceid_sd15.bin
    python tools/export/export_projector.py --out packs/rand --flavor facestudio --random-weights [--size tiny]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def build(flavor: str, tokens: int, image_dim: int, context: int = 768, hidden: int = 1024, face_dim: int = 512):
    """K (tokens) and D (context) are Python ints used with view(N, K, D), so the exported 'tokens' output keeps
    K and D fixed (write_manifest.py reads K from it); only N is dynamic."""
    import torch
    from torch import nn

    class FaceIdProjector(nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = nn.Sequential(nn.Linear(face_dim, hidden), nn.GELU(), nn.Linear(hidden, context * tokens))
            self.norm = nn.LayerNorm(context)

        def forward(self, face_embeds):
            x = self.proj(face_embeds)
            return self.norm(x.view(x.shape[0], tokens, context))

    class LinearProjector(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(face_dim + image_dim, tokens * context)

        def forward(self, face_embeds, image_embeds):
            x = self.linear(torch.cat([face_embeds, image_embeds], dim=-1))
            return x.view(x.shape[0], tokens, context)

    return FaceIdProjector() if flavor == "ip-adapter-faceid" else LinearProjector()


def arg_parser():
    p = common.parser(__doc__)
    p.add_argument("--flavor", choices=["ip-adapter-faceid", "facestudio"], required=True)
    p.add_argument("--checkpoint", type=Path, help="IP-Adapter-FaceID .bin/.safetensors (flavor ip-adapter-faceid)")
    p.add_argument("--weights", type=Path, help="torch state dict of the FaceStudio Linear (flavor facestudio)")
    p.add_argument("--tokens", type=int, help="K (default 4)")
    p.add_argument("--image-dim", type=int, help="E, the CLIP image embedding width (facestudio; default 768, 32 with --size tiny)")
    p.add_argument("--context-dim", type=int, help="D, the UNet's cross-attention width (default 768, 32 with --size tiny)")
    p.add_argument("--face-dim", type=int, default=512,
                   help="face embedding width (default 512, ArcFace); with --random-weights another embedder's, e.g. 256 for MobileFaceNet")
    p.add_argument("--folder", default="projector", help="pack subfolder (default projector/)")
    return p


def make_model(p, a):
    """The projector the arguments describe, with its weights (checkpoint, state dict or seeded random)."""
    import torch

    tokens = a.tokens or 4
    context = a.context_dim or common.context_dim(a.size)
    image_dim = a.image_dim or int(common.configs(a.size)["clip_vision"]["projection_dim"])
    hidden = int(common.configs(a.size)["projector_hidden"])
    common.seed_all(a.seed)
    if a.face_dim != 512 and not a.random_weights:
        p.error("--face-dim other than 512 needs --random-weights (the published weights take 512-wide ArcFace embeddings)")
    model = build(a.flavor, tokens, image_dim, context, hidden, a.face_dim).eval()
    if not a.random_weights:
        if a.flavor == "ip-adapter-faceid":
            if a.checkpoint is None:
                p.error("--checkpoint is required without --random-weights")
            if a.checkpoint.suffix == ".safetensors":
                from safetensors.torch import load_file

                state = {k.split(".", 1)[1]: v for k, v in load_file(str(a.checkpoint)).items() if k.startswith("image_proj.")}
            else:
                state = torch.load(str(a.checkpoint), map_location="cpu", weights_only=True)["image_proj"]
            model.load_state_dict(state)
        else:
            if a.weights is None:
                p.error("--weights is required for the facestudio flavour without --random-weights (no public weights exist)")
            model.linear.load_state_dict(torch.load(str(a.weights), map_location="cpu", weights_only=True))
    else:
        with torch.no_grad():  # small weights keep random tokens at text-token magnitudes
            for param in model.parameters():
                if param.dim() > 1:
                    param.mul_(0.1)
    return model, image_dim


def main(argv=None) -> int:
    p = arg_parser()
    a = p.parse_args(argv)  # --size sets the widths (with a checkpoint too: its widths must match)

    import torch

    model, image_dim = make_model(p, a)
    path = a.out / a.folder / "model.onnx"
    if a.flavor == "ip-adapter-faceid":
        common.export(model, (torch.randn(2, a.face_dim),), path, ["face_embeds"], ["tokens"],
                      {"face_embeds": {0: "n"}, "tokens": {0: "n"}}, a.opset)
    else:
        common.export(model, (torch.randn(2, a.face_dim), torch.randn(2, image_dim)), path, ["face_embeds", "image_embeds"],
                      ["tokens"], {"face_embeds": {0: "n"}, "image_embeds": {0: "n"}, "tokens": {0: "n"}}, a.opset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
