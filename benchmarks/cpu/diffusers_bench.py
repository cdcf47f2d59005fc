"""The diffusers side of benchmarks/cpu/run.sh: the same architecture (tools/export/common.py's configs, random
weights) built with diffusers/transformers classes, held together as a pipeline holds them, timed stage by stage.
Prints one JSON object per line. Run with ../shared/reference/env.sh's "$REFERENCE_PYTHON" and OMP_NUM_THREADS."""
import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "export"))
import common  # noqa: E402


def rss_gib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def emit(config: str, kind: str, **fields) -> None:
    fields = {k: round(v, 4) if isinstance(v, float) else v for k, v in fields.items()}
    print(json.dumps({"side": "diffusers", "kind": kind, "config": config, **fields}), flush=True)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--size-config", choices=["full", "tiny"], default="full")
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--label", default="glibc")
    a = p.parse_args()

    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    config = f"{a.label}, {torch.get_num_threads()} threads"
    torch.manual_seed(0)
    cfg = common.configs(a.size_config)
    t0 = time.perf_counter()
    with torch.no_grad():
        models = {}
        for name, make in (("text_encoder", lambda: CLIPTextModel(CLIPTextConfig(**cfg["clip_text"]))),
                           ("unet", lambda: UNet2DConditionModel(**cfg["unet"])),
                           ("vae_decoder", lambda: AutoencoderKL(**cfg["vae"]))):
            before, t = rss_gib(), time.perf_counter()
            models[name] = make().eval()
            emit(config, "load", component=name, seconds=time.perf_counter() - t, rss_delta_gib=rss_gib() - before)
        load = time.perf_counter() - t0

        latent = a.size // 8
        ids = torch.full((2, 77), 49407, dtype=torch.long)
        t = time.perf_counter()
        context = models["text_encoder"](ids)[0]
        text_seconds = time.perf_counter() - t
        emit(config, "run", component="text_encoder", seconds=text_seconds, peak_gib=peak_gib())

        sample = torch.randn(2, 4, latent, latent)
        unet = models["unet"]
        times = []
        for i in range(max(a.runs, a.steps) + 1):
            t = time.perf_counter()
            unet(sample, torch.tensor(500), encoder_hidden_states=context).sample
            if i > 0:
                times.append(time.perf_counter() - t)
        emit(config, "run", component="unet", seconds=statistics.median(times), runs=len(times), peak_gib=peak_gib())

        t = time.perf_counter()
        models["vae_decoder"].decode(torch.randn(1, 4, latent, latent)).sample
        decode = time.perf_counter() - t
        emit(config, "run", component="vae_decoder", seconds=decode, peak_gib=peak_gib())
        # Text-to-image holds the three models together: the end-to-end peak is the process's high-water mark.
        first_image = load + text_seconds + a.steps * statistics.median(times) + decode
        emit(config, "txt2img", load_seconds=load, first_image_seconds=first_image, steps=a.steps, peak_gib=peak_gib())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
