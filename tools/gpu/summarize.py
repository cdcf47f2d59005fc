#!/usr/bin/env python3
"""Combines OUT/torch.json, OUT/sdk.json, OUT/model-info.json and OUT/machine.txt into one markdown summary with the
issue's targets checked: at most 10 ms per step through the SDK loop, at least 2.5x faster than PyTorch eager in the
same call, the SDK's own overhead at most 2 % of a step."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def load(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def main(out: Path) -> int:
    torch, sdk, info = load(out / "torch.json"), load(out / "sdk.json"), load(out / "model-info.json") or {}
    machine = (out / "machine.txt").read_text().strip() if (out / "machine.txt").exists() else "unknown"
    print("### GPU run\n")
    print("```\n" + machine + "\n```\n")
    print(f"Model: SD1.5-shaped UNet, random weights (seed 20231205), {info.get('variant', 'unknown variant')}; "
          f"fp16 {info.get('fp16_bytes', 0) / 1024 ** 3:.2f} GiB; export {info.get('export_seconds', '?')} s, "
          f"optimisation {info.get('optimize_seconds', '?')} s.\n")
    base = torch.get("median_ms") if torch else None
    if torch:
        print(f"PyTorch eager ({torch['torch']}, {torch['device']}): median {torch['median_ms']:.2f} ms/step "
              f"(mean {torch['mean_ms']:.2f}, p90 {torch['p90_ms']:.2f}) over {torch['steps_timed']} steps.\n")
    else:
        print("PyTorch eager: no result.\n")
    if not sdk:
        print("SDK loop: no result.")
        return 1
    modes = {m["mode"]: m for m in sdk["modes"]}
    print("| Mode | ms/step (loop) | UNet median ms | overhead µs/step | overhead % | SDK total vs bare ORT | vs PyTorch eager | session ms | warm-up ms | ≤10 ms | ≥2.5× | ≤2 % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|:-:|")
    ok = lambda c: "yes" if c else "no"  # noqa: E731
    for m in sdk["modes"]:
        if m["mode"].startswith("raw"):
            continue
        speedup = base / m["loop_ms_per_step"] if base else float("nan")
        raw = modes.get("rawgraph" if m["mode"] == "cudagraph" else "raw")
        total = f"{(m['loop_ms_per_step'] - raw['loop_ms_per_step']) * 1000:.0f} µs ({(m['loop_ms_per_step'] / raw['loop_ms_per_step'] - 1) * 100:.1f} %)" if raw else "-"
        print(f"| {m['mode']} | {m['loop_ms_per_step']:.2f} | {m['unet_median_ms']:.2f} | {m['overhead_us_per_step']:.0f} | "
              f"{m['overhead_percent']:.2f} | {total} | {speedup:.2f}× | {m['session_create_ms']:.0f} | {m['warmup_ms']:.0f} | "
              f"{ok(m['loop_ms_per_step'] <= 10)} | {ok(speedup >= 2.5)} | {ok(m['overhead_percent'] <= 2)} |")
    for m in sdk["modes"]:
        if m["mode"].startswith("raw"):
            print(f"\nBare ONNX Runtime ({m['mode']}, {m['binding']}): median {m['step_median_ms']:.2f} ms, mean "
                  f"{m['loop_ms_per_step']:.2f} ms per run; session {m['session_create_ms']:.0f} ms; finite {m['finite']}.")
    print("\noverhead = denoise-stage time minus time inside the UNet (scheduler, CFG, checks, progress); "
          "SDK total vs bare ORT = loop ms/step minus a bare IOBinding loop on the same model (adds the binding, "
          "host↔device copies and fp16 conversion).")
    print(f"\n{sdk['steps']} steps {sdk['scheduler']}, CFG batch 2, {sdk['size']}x{sdk['size']}, {sdk['runs']} timed generations per mode, {sdk['utc']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
