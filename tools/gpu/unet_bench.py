#!/usr/bin/env python3
"""GPU-host side of the SD1.5-shaped UNet run (see tools/gpu/README.md). Three stages, each idempotent:

    python3 tools/gpu/unet_bench.py export   --work /tmp/fs-gpu     # random-weight SD1.5 UNet -> fp32 ONNX (dynamo=False)
    python3 tools/gpu/unet_bench.py optimize --work /tmp/fs-gpu     # ORT unet fusions + fp16, Resize scales kept fp32
    python3 tools/gpu/unet_bench.py baseline --work /tmp/fs-gpu --json OUT.json   # PyTorch eager fp16, same weights

The weights are random but seeded, so 'baseline' rebuilds exactly the model 'export' wrote. If the fused fp16
optimisation fails, 'optimize' falls back to a plain fp16 export from PyTorch and says so in WORK/model-info.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "export"))

SEED = 20231205


def build(device: str = "cpu", dtype=None):
    import torch
    from sd15_unet import SD15UNet, parameter_count

    torch.manual_seed(SEED)
    t0 = time.perf_counter()
    model = SD15UNet().eval()
    if dtype is not None:
        model = model.to(dtype)
    model = model.to(device)
    print(f"built SD1.5-shaped UNet: {parameter_count(model) / 1e6:.1f} M parameters in {time.perf_counter() - t0:.1f} s", flush=True)
    return model


def info_path(work: Path) -> Path:
    return work / "model-info.json"


def update_info(work: Path, **values) -> None:
    path = info_path(work)
    info = json.loads(path.read_text()) if path.exists() else {}
    info.update(values)
    path.write_text(json.dumps(info, indent=2))


def stage_export(work: Path) -> None:
    from sd15_unet import export_onnx

    target = work / "fp32" / "unet.onnx"
    if target.exists():
        print(f"export: {target} exists, skipped")
        return
    # Written into a scratch folder and renamed when complete, so a killed export never looks finished.
    import shutil

    scratch = work / "fp32.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    model = build()
    t0 = time.perf_counter()
    export_onnx(model, str(scratch / "unet.onnx"))
    shutil.rmtree(target.parent, ignore_errors=True)
    scratch.rename(target.parent)
    seconds = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in target.parent.iterdir())
    print(f"export: fp32 ONNX {size / 1024 ** 3:.2f} GiB in {seconds:.1f} s", flush=True)
    update_info(work, export_seconds=round(seconds, 1), fp32_bytes=size)


def stage_optimize(work: Path) -> None:
    target = work / "fp16" / "unet" / "model.onnx"
    if target.exists():
        print(f"optimize: {target} exists, skipped")
        return
    source = work / "fp32" / "unet.onnx"
    final = target
    import shutil

    shutil.rmtree(work / "fp16.partial", ignore_errors=True)
    target = work / "fp16.partial" / "unet" / "model.onnx"  # renamed to fp16/ when complete
    t0 = time.perf_counter()
    try:
        import optimize_fp16 as opt

        model = opt.ort_optimize(source, "unet", fuse=True, fp16=True)
        before = opt.resize_scale_types(model)
        fixed = opt.keep_resize_scales_fp32(model)
        opt.save(model, target)
        variant = "fused fp16 (onnxruntime.transformers unet fusions)"
        print(f"optimize: Resize scales {before} -> fixed {fixed}", flush=True)
    except Exception as e:  # noqa: BLE001 - fall back so the SDK loop still has a model to time
        print(f"optimize: fused fp16 failed ({type(e).__name__}: {e}); falling back to a plain fp16 export", flush=True)
        import torch

        model = build("cuda" if torch.cuda.is_available() else "cpu", torch.float16)
        target.parent.mkdir(parents=True, exist_ok=True)
        export_fp16(model, target)
        variant = f"plain fp16 export (fusions failed: {type(e).__name__})"
    shutil.rmtree(work / "fp16", ignore_errors=True)
    (work / "fp16.partial").rename(work / "fp16")
    target = final
    seconds = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in target.parent.iterdir())
    print(f"optimize: {variant}, {size / 1024 ** 3:.2f} GiB in {seconds:.1f} s", flush=True)
    update_info(work, optimize_seconds=round(seconds, 1), fp16_bytes=size, variant=variant)


def export_fp16(model, target: Path) -> None:
    import torch

    device = next(model.parameters()).device
    sample = torch.randn(2, 4, 64, 64, device=device, dtype=torch.float16)
    timestep = torch.full((2,), 500, dtype=torch.int64, device=device)
    context = torch.randn(2, 77, 768, device=device, dtype=torch.float16)
    with torch.no_grad():
        torch.onnx.export(model, (sample, timestep, context), str(target),
                          input_names=["sample", "timestep", "encoder_hidden_states"], output_names=["out_sample"],
                          dynamic_axes={"sample": {0: "batch"}, "timestep": {0: "batch"},
                                        "encoder_hidden_states": {0: "batch"}, "out_sample": {0: "batch"}},
                          opset_version=17, do_constant_folding=True, dynamo=False)


def stage_baseline(work: Path, json_path: Path | None, steps: int, warmup: int) -> None:
    import torch

    assert torch.cuda.is_available(), "the baseline needs a CUDA GPU"
    torch.backends.cudnn.benchmark = True
    model = build("cuda", torch.float16)
    g = torch.Generator(device="cuda").manual_seed(1)
    sample = torch.randn(2, 4, 64, 64, device="cuda", dtype=torch.float16, generator=g)
    context = torch.randn(2, 77, 768, device="cuda", dtype=torch.float16, generator=g) * 0.1
    timestep = torch.full((2,), 500, dtype=torch.int64, device="cuda")
    times = []
    with torch.inference_mode():
        t0 = time.perf_counter()
        for _ in range(warmup):
            model(sample, timestep, context)
        torch.cuda.synchronize()
        warm = time.perf_counter() - t0
        for i in range(steps):
            t = time.perf_counter()
            out = model(sample, timestep - i, context)
            torch.cuda.synchronize()
            times.append((time.perf_counter() - t) * 1000)
    finite = bool(torch.isfinite(out).all().item())
    result = {
        "what": "PyTorch eager, SDPA attention, fp16, batch 2 (CFG), 64x64 latents, one UNet call per step",
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device": torch.cuda.get_device_name(0),
        "steps_timed": steps,
        "warmup_steps": warmup,
        "warmup_seconds": round(warm, 2),
        "median_ms": statistics.median(times),
        "mean_ms": statistics.fmean(times),
        "p90_ms": sorted(times)[int(0.9 * (len(times) - 1))],
        "finite": finite,
    }
    print(json.dumps(result, indent=2), flush=True)
    if json_path is not None:
        json_path.write_text(json.dumps(result, indent=2))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stage", choices=["export", "optimize", "baseline"])
    p.add_argument("--work", type=Path, default=Path(os.environ.get("FS_GPU_WORK", "/tmp/fs-gpu")))
    p.add_argument("--json", type=Path)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--warmup", type=int, default=10)
    a = p.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    if a.stage == "export":
        stage_export(a.work)
    elif a.stage == "optimize":
        stage_optimize(a.work)
    else:
        stage_baseline(a.work, a.json, a.steps, a.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
