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
    """VmHWM: the peak since the last reset_peak() (or since the start)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def emit(config: str, kind: str, **fields) -> None:
    fields = {k: round(v, 4) if isinstance(v, float) else v for k, v in fields.items()}
    print(json.dumps({"side": "diffusers", "kind": kind, "config": config, **fields}), flush=True)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--size-config", choices=["full", "tiny"], default="full")
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--steps", type=int, default=6)
    p.add_argument("--label", default="glibc")
    p.add_argument("--identities", type=int, default=0,
                   help="N > 0: the two-identity path's UNet, export_identity_unet.py's masked identity attention on diffusers' "
                        "UNet (random to_k_ip/to_v_ip as copies of to_k/to_v), N identities of 4 tokens, one vertical band each")
    a = p.parse_args()

    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    config = f"{a.label}, {torch.get_num_threads()} threads"
    torch.manual_seed(0)
    cfg = common.configs(a.size_config)
    peaks = []
    t0 = time.perf_counter()
    with torch.no_grad():
        models = {}
        def make_unet():
            unet = UNet2DConditionModel(**cfg["unet"])
            if a.identities:
                import export_identity_unet

                export_identity_unet.install(unet, None, "bicubic")
            return unet

        for name, make in (("text_encoder", lambda: CLIPTextModel(CLIPTextConfig(**cfg["clip_text"]))),
                           ("unet", make_unet),
                           ("vae_decoder", lambda: AutoencoderKL(**cfg["vae"]))):
            before, t = rss_gib(), time.perf_counter()
            models[name] = make().eval()
            emit(config, "load", component=name, seconds=time.perf_counter() - t, rss_delta_gib=rss_gib() - before, peak_gib=peak_gib())
        load = time.perf_counter() - t0
        peaks.append(peak_gib())
        emit(config, "pipeline_load", seconds=load, rss_gib=rss_gib(), peak_gib=peaks[-1])

        # A pipeline's stages, each with its own peak: text encoder, UNet loop (CFG batch 2), VAE decode.
        latent = a.size // 8
        ids = torch.full((2, 77), 49407, dtype=torch.long)
        reset_peak()
        t = time.perf_counter()
        context = models["text_encoder"](ids)[0]
        text_seconds = time.perf_counter() - t
        peaks.append(peak_gib())
        emit(config, "stage", stage="EncodingText", seconds=text_seconds, peak_gib=peaks[-1])

        sample = torch.randn(2, 4, latent, latent)
        unet = models["unet"]
        kwargs = {}
        if a.identities:
            n = a.identities
            masks = torch.zeros(2, n, latent, latent)
            for i in range(n):
                masks[:, i, :, i * latent // n:(i + 1) * latent // n] = 1
            kwargs = {"cross_attention_kwargs": {"identity_tokens": torch.randn(2, n, 4, context.shape[-1]), "identity_masks": masks,
                                                 "identity_scales": torch.ones(2, n)}}
        times = []
        reset_peak()
        for i in range(a.steps):
            t = time.perf_counter()
            unet(sample, torch.tensor(500), encoder_hidden_states=context, **kwargs).sample
            times.append(time.perf_counter() - t)
        peaks.append(peak_gib())
        emit(config, "stage", stage="Denoising", seconds=sum(times), peak_gib=peaks[-1])

        reset_peak()
        t = time.perf_counter()
        models["vae_decoder"].decode(torch.randn(1, 4, latent, latent)).sample
        decode = time.perf_counter() - t
        peaks.append(peak_gib())
        emit(config, "stage", stage="Decoding", seconds=decode, peak_gib=peaks[-1])
        # The SDK's UNet step is the median of the steps after the first; the same here.
        step = statistics.median(times[1:]) if len(times) > 1 else times[0]
        first_image = load + text_seconds + sum(times) + decode
        emit(config, f"identities{a.identities}" if a.identities else "txt2img", size=a.size, load_seconds=load, first_image_seconds=first_image, steps=a.steps,
             unet_step_seconds=step, step_samples=max(len(times) - 1, 1), decode_seconds=decode, peak_gib=max(peaks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
