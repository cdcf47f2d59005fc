#!/usr/bin/env python3
"""Stable Diffusion 1.5 → ONNX in the diffusers/optimum layout FaceStudio loads (docs/model-packs.md):

    text_encoder/model.onnx   input_ids int64 [batch, 77] → last_hidden_state [batch, 77, 768], pooler_output [batch, 768]
    unet/model.onnx           sample [batch, 4, h, w], timestep int64 [batch], encoder_hidden_states [batch, T, 768] → out_sample
    vae_encoder/model.onnx    sample [batch, 3, H, W] → latent_parameters [batch, 8, H/8, W/8] (mean ‖ log-variance)
    vae_decoder/model.onnx    latent_sample [batch, 4, h, w] (unscaled) → sample [batch, 3, 8h, 8w]
    vae_decoder/config.json   scaling_factor
    tokenizer/, scheduler/scheduler_config.json

Needs torch, diffusers and transformers. Examples:

    python tools/export/export_sd15.py --out packs/sd15                      # downloads stable-diffusion-v1-5
    python tools/export/export_sd15.py --out packs/sd15 --model-id /path/to/local/sd15
    python tools/export/export_sd15.py --out packs/rand --random-weights     # published shapes, random weights
    python tools/export/export_sd15.py --out packs/tiny --random-weights --size tiny   # same classes, reduced widths

Then fuse and convert to fp16 with optimize_fp16.py, and write the manifest with write_manifest.py.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def load(args):
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    if args.random_weights:
        cfg = common.configs(args.size)
        common.seed_all(args.seed)
        text = CLIPTextModel(CLIPTextConfig(**cfg["clip_text"]))
        unet = UNet2DConditionModel(**cfg["unet"])
        vae = AutoencoderKL(**cfg["vae"])
        scheduler = None
    else:
        text = CLIPTextModel.from_pretrained(args.model_id, subfolder="text_encoder", torch_dtype=torch.float32)
        unet = UNet2DConditionModel.from_pretrained(args.model_id, subfolder="unet", torch_dtype=torch.float32)
        vae = AutoencoderKL.from_pretrained(args.model_id, subfolder="vae", torch_dtype=torch.float32)
        from diffusers import EulerAncestralDiscreteScheduler

        scheduler = EulerAncestralDiscreteScheduler.from_pretrained(args.model_id, subfolder="scheduler")
    return text.eval(), unet.eval(), vae.eval(), scheduler


def export_text_encoder(text, out: Path, opset: int) -> None:
    import torch

    class TextEncoder(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids):
            o = self.model(input_ids=input_ids, return_dict=True)
            return o.last_hidden_state, o.pooler_output

    ids = torch.zeros(2, 77, dtype=torch.int64)
    common.export(TextEncoder(text), (ids,), out / "text_encoder" / "model.onnx", ["input_ids"],
                  ["last_hidden_state", "pooler_output"],
                  {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}, "pooler_output": {0: "batch"}}, opset)


class UNetWrapper:
    """Positional (sample, timestep, encoder_hidden_states) → out_sample, as the SDK's contract names them."""

    @staticmethod
    def make(unet):
        import torch

        class Wrapped(torch.nn.Module):
            def __init__(self, model):
                super().__init__()
                self.model = model

            def forward(self, sample, timestep, encoder_hidden_states):
                return self.model(sample, timestep, encoder_hidden_states, return_dict=False)[0]

        return Wrapped(unet)


def export_unet(unet, out: Path, opset: int, attention: str = "plain", folder: str = "unet") -> None:
    import torch

    if attention == "mha":
        import mha_attention

        mha_attention.use_mha(unet)  # one com.microsoft::MultiHeadAttention node per attention (flash path on CPU)
    elif hasattr(unet, "set_default_attn_processor"):
        unet.set_default_attn_processor()  # plain attention math exports into the patterns ORT fuses
    latent = min(64, int(unet.config.sample_size))
    args = (torch.randn(2, 4, latent, latent), torch.full((2,), 500, dtype=torch.int64),
            torch.randn(2, 77, int(unet.config.cross_attention_dim)))
    common.export(UNetWrapper.make(unet), args, out / folder / "model.onnx",
                  ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
                  {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                   "encoder_hidden_states": {0: "batch", 1: "tokens"}, "out_sample": {0: "batch", 2: "height", 3: "width"}}, opset)


def export_vae(vae, out: Path, opset: int) -> None:
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, sample):
            # Mean and log-variance channels ("latent_parameters"); the SDK takes the mean and applies the scaling factor.
            return self.model.quant_conv(self.model.encoder(sample))

    class Decoder(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, latent_sample):
            return self.model.decoder(self.model.post_quant_conv(latent_sample))

    pixels = min(512, int(vae.config.sample_size))
    common.export(Encoder(vae), (torch.randn(1, 3, pixels, pixels),), out / "vae_encoder" / "model.onnx", ["sample"], ["latent_parameters"],
                  {"sample": {0: "batch", 2: "height", 3: "width"}, "latent_parameters": {0: "batch", 2: "h", 3: "w"}}, opset)
    common.export(Decoder(vae), (torch.randn(1, 4, pixels // 8, pixels // 8),), out / "vae_decoder" / "model.onnx", ["latent_sample"], ["sample"],
                  {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "H", 3: "W"}}, opset)
    scaling = float(getattr(vae.config, "scaling_factor", 0.18215))
    (out / "vae_decoder" / "config.json").write_text(json.dumps({"scaling_factor": scaling}, indent=2))


def write_scheduler(scheduler, out: Path) -> None:
    folder = out / "scheduler"
    folder.mkdir(parents=True, exist_ok=True)
    if scheduler is not None:
        scheduler.save_config(str(folder))
        return
    (folder / "scheduler_config.json").write_text(json.dumps({
        "_class_name": "EulerAncestralDiscreteScheduler", "num_train_timesteps": 1000, "beta_start": 0.00085,
        "beta_end": 0.012, "beta_schedule": "scaled_linear", "prediction_type": "epsilon", "steps_offset": 1,
        "timestep_spacing": "leading"}, indent=2))


def main(argv=None) -> int:
    p = common.parser(__doc__)
    p.add_argument("--model-id", default=common.SD15_ID, help="diffusers checkpoint (hub id or local folder)")
    p.add_argument("--tokenizer-dir", type=Path, help="CLIP vocab.json + merges.txt (default: the checkpoint's tokenizer/)")
    p.add_argument("--components", default="text_encoder,unet,vae", help="comma-separated subset")
    p.add_argument("--attention", choices=["plain", "mha"], default="plain",
                   help="UNet attention: plain MatMul/Softmax nodes, or ONNX Runtime's com.microsoft MultiHeadAttention "
                        "(fused; its CPU kernel never materialises the score matrix; needs ONNX Runtime to run)")
    p.add_argument("--unet-folder", default="unet", help="pack folder the UNet is written to")
    a = p.parse_args(argv)
    common.check_size(p, a)
    parts = set(a.components.split(","))
    text, unet, vae, scheduler = load(a)
    a.out.mkdir(parents=True, exist_ok=True)
    if "text_encoder" in parts:
        export_text_encoder(text, a.out, a.opset)
    if "unet" in parts:
        export_unet(unet, a.out, a.opset, a.attention, a.unet_folder)
    if "vae" in parts:
        export_vae(vae, a.out, a.opset)
    tokenizer = a.tokenizer_dir
    if tokenizer is None and not a.random_weights:
        from huggingface_hub import snapshot_download

        local = Path(a.model_id) if Path(a.model_id).exists() else Path(snapshot_download(a.model_id, allow_patterns=["tokenizer/*"]))
        tokenizer = local / "tokenizer"
    print("tokenizer:", common.write_tokenizer(a.out, tokenizer))
    write_scheduler(scheduler, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
