"""Shared pieces of the export scripts: arguments, SD1.5 configurations for --random-weights, ONNX export and
saving (one external-data file per model), the byte-level tokenizer for packs without CLIP's vocabulary."""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

SD15_ID = "stable-diffusion-v1-5/stable-diffusion-v1-5"
OPSET = 17
TWO_GB = 2 * 1024 ** 3

# diffusers' SD1.5 configurations (the published model_index components), used to build random-weight models.
UNET_CONFIG = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=768, attention_head_dim=8, norm_num_groups=32,
)
VAE_CONFIG = dict(
    in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
    down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4, sample_size=512,
    scaling_factor=0.18215,
)
CLIP_TEXT_CONFIG = dict(
    vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
    max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768,
)
CLIP_VISION_CONFIG = dict(  # ViT-L/14 (openai/clip-vit-large-patch14): 768-wide projected embedding
    hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16, image_size=224,
    patch_size=14, projection_dim=768, hidden_act="quick_gelu",
)
PROJECTOR_HIDDEN = 1024  # IP-Adapter-FaceID's MLPProjModel: 512 → 1024 → K·768

# --size tiny: the same classes and block types with reduced widths (a CPU-fast check of the real architectures):
# UNet 4 blocks of 32 channels (2.7 MiB fp32; 32/64/64/64 would be 8.2 MiB, too much for three UNets in the
# repository's 25 MB of parity fixtures), one layer per block, cross-attention width 32; VAE 4 blocks of 32; CLIP text
# 2 layers of width 32; CLIP vision 2 layers of width 32 (224 px, patch 14). The text vocabulary stays CLIP's 49,408
# so CLIP's start/end ids (49406/49407) are valid.
TINY_CONTEXT = 32
TINY = dict(
    unet=dict(UNET_CONFIG, sample_size=8, layers_per_block=1, block_out_channels=(32, 32, 32, 32),
              cross_attention_dim=TINY_CONTEXT),
    vae=dict(VAE_CONFIG, block_out_channels=(32, 32, 32, 32), layers_per_block=1, sample_size=64),
    clip_text=dict(CLIP_TEXT_CONFIG, hidden_size=TINY_CONTEXT, intermediate_size=64, num_hidden_layers=2,
                   num_attention_heads=4, projection_dim=TINY_CONTEXT),
    clip_vision=dict(CLIP_VISION_CONFIG, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                     num_attention_heads=4, projection_dim=TINY_CONTEXT),
    projector_hidden=512,  # a multiple of 512, so diffusers reads it as an IP-Adapter-FaceID projector (mult = 1)
)
FULL = dict(unet=UNET_CONFIG, vae=VAE_CONFIG, clip_text=CLIP_TEXT_CONFIG, clip_vision=CLIP_VISION_CONFIG,
            projector_hidden=PROJECTOR_HIDDEN)


def configs(size: str) -> dict:
    """The random-weight configurations for --size full|tiny."""
    return TINY if size == "tiny" else FULL


def context_dim(size: str) -> int:
    return int(configs(size)["unet"]["cross_attention_dim"])


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True, help="model pack folder (created)")
    p.add_argument("--random-weights", action="store_true", help="build the published architecture with seeded random weights (no download)")
    p.add_argument("--seed", type=int, default=20231205)
    p.add_argument("--opset", type=int, default=OPSET)
    p.add_argument("--size", choices=["full", "tiny"], default="full",
                   help="with --random-weights: 'tiny' builds the same classes with reduced widths (CPU-fast checks)")
    return p


def check_size(p: argparse.ArgumentParser, a) -> None:
    if a.size == "tiny" and not a.random_weights:
        p.error("--size tiny builds random-weight models; add --random-weights")


def seed_all(seed: int) -> None:
    import torch

    torch.manual_seed(seed)


def export_keywords(export_function=None) -> dict:
    """Keywords that select the TorchScript exporter: ``dynamo=False`` where torch.onnx.export accepts a ``dynamo``
    keyword (torch >= 2.1; torch 2.9+ defaults to the dynamo exporter), nothing on older torch (1.13 has no such
    keyword and only the TorchScript exporter)."""
    import inspect

    if export_function is None:
        import torch

        export_function = torch.onnx.export
    try:
        parameters = inspect.signature(export_function).parameters
    except (TypeError, ValueError):
        return {}
    return {"dynamo": False} if "dynamo" in parameters else {}


def export(module, args: tuple, path: Path, input_names: list[str], output_names: list[str], dynamic_axes: dict, opset: int = OPSET) -> None:
    """TorchScript-based export into a temporary folder, then saved as PATH with all weights, if over 2 GB, in one
    PATH_data file (the layout docs/model-packs.md describes)."""
    import onnx
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        raw = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(module.eval(), args, str(raw), input_names=input_names, output_names=output_names,
                              dynamic_axes=dynamic_axes, opset_version=opset, do_constant_folding=True,
                              **export_keywords(torch.onnx.export))
        model = onnx.load(str(raw))  # pulls external tensors in, if torch wrote any
        save(model, path)
    print(f"wrote {path} ({size_of(path) / 1024 ** 2:.1f} MiB)", flush=True)


def save(model, path: Path) -> None:
    import onnx

    for stale in path.parent.glob(path.name + "_data"):
        stale.unlink()
    if weight_bytes(model) < TWO_GB - 256 * 1024 ** 2:
        onnx.save_model(model, str(path))
    else:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=path.name + "_data", size_threshold=1024)


def weight_bytes(model) -> int:
    """Bytes of the initializers (ByteSize() itself fails on messages over 2 GB)."""
    return sum(len(t.raw_data) or 4 * len(t.float_data) or 8 * len(t.int64_data) for t in model.graph.initializer)


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.parent.glob(path.name + "*"))


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible byte → printable character map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def write_tokenizer(out: Path, source: Path | None) -> str:
    """Copies CLIP's vocab.json/merges.txt from SOURCE (a diffusers 'tokenizer' folder or the shared CLIP tokenizer),
    or, without one, writes a byte-level stand-in like the demo pack's (bytes 0–255, the same with </w>, no merges,
    CLIP's start/end ids 49406/49407), which only random-weight packs should use."""
    dest = out / "tokenizer"
    dest.mkdir(parents=True, exist_ok=True)
    if source is not None:
        for name in ["vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"]:
            if (source / name).exists():
                shutil.copyfile(source / name, dest / name)
        kind = f"copied from {source}"
    else:
        symbols = bytes_to_unicode()
        vocab = {symbols[b]: b for b in range(256)}
        vocab.update({symbols[b] + "</w>": 256 + b for b in range(256)})
        vocab["<|startoftext|>"] = 49406
        vocab["<|endoftext|>"] = 49407
        (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=True), encoding="utf-8")
        (dest / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
        kind = "byte-level stand-in (random-weight pack)"
    if not (dest / "tokenizer_config.json").exists():
        (dest / "tokenizer_config.json").write_text(json.dumps({
            "model_max_length": 77, "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
            "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "do_lower_case": True}, indent=2), encoding="utf-8")
    return kind
