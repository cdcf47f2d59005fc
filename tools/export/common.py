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


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True, help="model pack folder (created)")
    p.add_argument("--random-weights", action="store_true", help="build the published architecture with seeded random weights (no download)")
    p.add_argument("--seed", type=int, default=20231205)
    p.add_argument("--opset", type=int, default=OPSET)
    return p


def seed_all(seed: int) -> None:
    import torch

    torch.manual_seed(seed)


def export(module, args: tuple, path: Path, input_names: list[str], output_names: list[str], dynamic_axes: dict, opset: int = OPSET) -> None:
    """TorchScript-based export (dynamo=False) into a temporary folder, then saved as PATH with all weights, if over
    2 GB, in one PATH_data file (the layout docs/model-packs.md describes)."""
    import onnx
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        raw = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(module.eval(), args, str(raw), input_names=input_names, output_names=output_names,
                              dynamic_axes=dynamic_axes, opset_version=opset, do_constant_folding=True, dynamo=False)
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
