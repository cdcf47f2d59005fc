#!/usr/bin/env python3
"""Builds the tiny real-architecture parity pack with tools/export and records PyTorch / diffusers reference outputs.
Run through tools/parity/make-fixtures.sh (which sets up ../shared/reference). Everything is seeded: re-running
reproduces the same files.

Output folder (default tests/FaceStudio.Onnx.Tests/TestData/Parity):
    pack/                      the ONNX pack (export scripts + write_manifest.py); extra folders unet_identity/,
                               unet_identity_bicubic/, projector_facestudio/ (not in the manifest)
    components/<name>.npz-like folders of .npy: inputs and PyTorch outputs per component
    pipelines/<case>/*.npy     diffusers runs: initial noise, every randn draw, latents per step, final latents, image
    identity/*.npy             the masked IP-Adapter (FaceID) reference
    index.json                 what each file is, shapes, configs, versions
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "tools" / "export"
sys.path.insert(0, str(EXPORT))
import common  # noqa: E402
import export_clip_vision  # noqa: E402
import export_identity_unet  # noqa: E402
import export_projector  # noqa: E402
import export_sd15  # noqa: E402

def nan_safe_attention_scores() -> None:
    """torch 1.13's CPU baddbmm does not ignore its input when beta = 0, and diffusers' Attention.get_attention_scores
    (used by AttnProcessor and IPAdapterAttnProcessor, the processors torch < 2 gets) passes an uninitialised
    torch.empty buffer with beta = 0: NaN or garbage from that memory leaks into the scores, differently on each run.
    Same computation with a zero buffer (what beta = 0 means)."""
    from diffusers.models.attention_processor import Attention

    def get_attention_scores(self, query, key, attention_mask=None):
        dtype = query.dtype
        if self.upcast_attention:
            query, key = query.float(), key.float()
        if attention_mask is None:
            base, beta = torch.zeros(query.shape[0], query.shape[1], key.shape[1], dtype=query.dtype, device=query.device), 0
        else:
            base, beta = attention_mask, 1
        scores = torch.baddbmm(base, query, key.transpose(-1, -2), beta=beta, alpha=self.scale)
        if self.upcast_softmax:
            scores = scores.float()
        return scores.softmax(dim=-1).to(dtype)

    Attention.get_attention_scores = get_attention_scores


SEED_SD = 1001          # export_sd15 --seed (text encoder, UNet, VAE in that order)
SEED_IDENTITY = 1002    # export_identity_unet --seed (its base UNet)
SEED_IP = 1003          # the random IP-Adapter-FaceID checkpoint (projector + to_k_ip/to_v_ip)
SEED_FACESTUDIO = 1004  # export_projector --flavor facestudio --seed
SEED_VISION = 1005      # export_clip_vision --seed
SEED_INPUTS = 2024      # fixed component inputs
TOKENS = 4              # K
BOS, EOS = 49406, 49407
PROMPT = "a photo"
# CLIP BPE over the byte-level stand-in vocabulary (tools/export/common.py write_tokenizer: bytes 0-255, the same
# with </w> at 256-511, no merges): "a" -> a</w> (256+97), "photo" -> p h o t o</w>.
PROMPT_IDS = [BOS, 256 + ord("a"), ord("p"), ord("h"), ord("o"), ord("t"), 256 + ord("o"), EOS]
NEGATIVE_IDS = [BOS, EOS]
STEPS = 8
GUIDANCE = 7.5
SIZE = 64


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def padded(ids: list[int]) -> list[int]:
    return ids + [EOS] * (77 - len(ids))  # SD1.5's tokenizer pads with <|endoftext|>


class Recorder:
    def __init__(self, out: Path):
        self.out = out
        self.index: dict = {}

    def save(self, rel: str, array, note: str | None = None) -> str:
        a = array.detach().cpu().numpy() if isinstance(array, torch.Tensor) else np.asarray(array)
        if a.dtype == np.float64:
            a = a.astype(np.float64)
        elif a.dtype.kind == "f":
            a = a.astype(np.float32)
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, np.ascontiguousarray(a), allow_pickle=False)
        self.index[rel] = {"shape": list(a.shape), "dtype": str(a.dtype), **({"note": note} if note else {})}
        return rel


def run(cmd: list[str]) -> float:
    t = time.time()
    log(" ".join(str(c) for c in cmd[1:]))
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.time() - t


def ns(**kw) -> argparse.Namespace:
    base = dict(random_weights=True, size="tiny", seed=0, opset=common.OPSET, model_id=None)
    base.update(kw)
    return argparse.Namespace(**base)


def random_ip_adapter(identity_unet_names: list[str], attn_shapes: dict, context: int) -> dict:
    """A random IP-Adapter-FaceID checkpoint in the published layout: image_proj (MLPProjModel: proj.0, proj.2, norm)
    and ip_adapter '{index}.to_k_ip.weight' / '.to_v_ip.weight' for every attn2 (index in attn_processors order)."""
    g = torch.Generator("cpu").manual_seed(SEED_IP)
    hidden = int(common.TINY["projector_hidden"])

    def rnd(*shape, scale):
        return torch.randn(*shape, generator=g) * scale

    image_proj = {
        "proj.0.weight": rnd(hidden, 512, scale=512 ** -0.5), "proj.0.bias": rnd(hidden, scale=0.02),
        "proj.2.weight": rnd(TOKENS * context, hidden, scale=hidden ** -0.5), "proj.2.bias": rnd(TOKENS * context, scale=0.02),
        "norm.weight": 1 + rnd(context, scale=0.1), "norm.bias": rnd(context, scale=0.1),
    }
    ip = {}
    for index, name in enumerate(identity_unet_names):
        if name.endswith("attn2.processor"):
            out_features = attn_shapes[name]
            ip[f"{index}.to_k_ip.weight"] = rnd(out_features, context, scale=context ** -0.5)
            ip[f"{index}.to_v_ip.weight"] = rnd(out_features, context, scale=context ** -0.5)
    return {"image_proj": image_proj, "ip_adapter": ip}


def build_pack(out: Path, work: Path, timings: dict) -> dict:
    pack = out / "pack"
    if pack.exists():
        shutil.rmtree(pack)
    py = sys.executable
    tiny = ["--random-weights", "--size", "tiny"]
    # The IP-Adapter checkpoint needs the identity UNet's processor order and widths.
    base = export_identity_unet.build_unet(ns(seed=SEED_IDENTITY))
    modules = dict(base.named_modules())
    names = list(base.attn_processors.keys())
    shapes = {n: modules[n.rsplit(".processor", 1)[0]].to_q.out_features for n in names}
    context = int(base.config.cross_attention_dim)
    ckpt = random_ip_adapter(names, shapes, context)
    ckpt_path = work / "ip-adapter-faceid-tiny.bin"
    torch.save(ckpt, ckpt_path)

    timings["export_sd15"] = run([py, EXPORT / "export_sd15.py", "--out", pack, *tiny, "--seed", str(SEED_SD)])
    # The same UNet with --attention mha (issue 20), outside the pack: TestData/Attention/unet_mha/model.onnx.
    timings["export_sd15(mha)"] = run([py, EXPORT / "export_sd15.py", "--out", work / "mha", *tiny, "--seed", str(SEED_SD),
                                       "--components", "unet", "--attention", "mha", "--unet-folder", "unet_mha"])
    mha = out.parent / "Attention" / "unet_mha"
    mha.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(work / "mha" / "unet_mha" / "model.onnx", mha / "model.onnx")
    timings["export_identity_unet(area)"] = run([py, EXPORT / "export_identity_unet.py", "--out", pack, *tiny, "--seed", str(SEED_IDENTITY),
                                                 "--ip-adapter", ckpt_path, "--folder", "unet_identity", "--mask-downsample", "area"])
    # The area identity UNet with --attention mha (issue 20): TestData/Attention/unet_identity_mha/model.onnx.
    timings["export_identity_unet(mha)"] = run([py, EXPORT / "export_identity_unet.py", "--out", work / "mha", *tiny, "--seed", str(SEED_IDENTITY),
                                                "--ip-adapter", ckpt_path, "--folder", "unet_identity_mha", "--mask-downsample", "area",
                                                "--attention", "mha"])
    identity_mha = out.parent / "Attention" / "unet_identity_mha"
    identity_mha.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(work / "mha" / "unet_identity_mha" / "model.onnx", identity_mha / "model.onnx")
    timings["export_identity_unet(bicubic)"] = run([py, EXPORT / "export_identity_unet.py", "--out", pack, *tiny, "--seed", str(SEED_IDENTITY),
                                                    "--ip-adapter", ckpt_path, "--folder", "unet_identity_bicubic", "--mask-downsample", "bicubic"])
    timings["export_projector(faceid)"] = run([py, EXPORT / "export_projector.py", "--out", pack, "--size", "tiny", "--flavor", "ip-adapter-faceid",
                                               "--checkpoint", ckpt_path])
    timings["export_projector(facestudio)"] = run([py, EXPORT / "export_projector.py", "--out", pack, *tiny, "--flavor", "facestudio",
                                                   "--seed", str(SEED_FACESTUDIO), "--folder", "projector_facestudio"])
    timings["export_clip_vision"] = run([py, EXPORT / "export_clip_vision.py", "--out", pack, *tiny, "--seed", str(SEED_VISION)])
    timings["write_manifest"] = run([py, EXPORT / "write_manifest.py", "--pack", pack, "--name", "tiny parity pack (random weights, real architectures)"])
    return ckpt


def set_default(unet):
    from diffusers.models.attention_processor import AttnProcessor

    unet.set_attn_processor(AttnProcessor())  # what set_default_attn_processor picks (no SDPA on torch 1.13 anyway)
    return unet


@torch.no_grad()
def record_components(rec: Recorder, ckpt: dict) -> dict:
    text, unet, vae, _ = export_sd15.load(ns(seed=SEED_SD))
    unet = set_default(unet)
    g = torch.Generator("cpu").manual_seed(SEED_INPUTS)
    context = int(unet.config.cross_attention_dim)

    ids = torch.tensor([padded(PROMPT_IDS), padded(NEGATIVE_IDS)], dtype=torch.int64)
    o = text(input_ids=ids, return_dict=True)
    rec.save("components/text_encoder/input_ids.npy", ids)
    rec.save("components/text_encoder/last_hidden_state.npy", o.last_hidden_state)
    rec.save("components/text_encoder/pooler_output.npy", o.pooler_output)

    sample = torch.randn(2, 4, 8, 8, generator=g)
    timestep = torch.tensor([981, 500], dtype=torch.int64)
    ehs = torch.randn(2, 77, context, generator=g)
    rec.save("components/unet/sample.npy", sample)
    rec.save("components/unet/timestep.npy", timestep)
    rec.save("components/unet/encoder_hidden_states.npy", ehs)
    rec.save("components/unet/out_sample.npy", unet(sample, timestep, ehs, return_dict=False)[0])
    ehs_short = torch.randn(1, 10, context, generator=g)  # the token axis is dynamic
    sample_wide = torch.randn(1, 4, 8, 16, generator=g)
    rec.save("components/unet/sample_8x16.npy", sample_wide)
    rec.save("components/unet/encoder_hidden_states_10.npy", ehs_short)
    rec.save("components/unet/timestep_1.npy", torch.tensor([250], dtype=torch.int64))
    rec.save("components/unet/out_sample_8x16_tokens10.npy", unet(sample_wide, torch.tensor([250]), ehs_short, return_dict=False)[0])

    latents = torch.randn(1, 4, 8, 8, generator=g)
    rec.save("components/vae_decoder/latent_sample.npy", latents)
    rec.save("components/vae_decoder/sample.npy", vae.decoder(vae.post_quant_conv(latents)))
    image = torch.rand(1, 3, 64, 64, generator=g) * 2 - 1
    rec.save("components/vae_encoder/sample.npy", image)
    rec.save("components/vae_encoder/latent_parameters.npy", vae.quant_conv(vae.encoder(image)))

    vision = export_clip_vision.load_model(ns(seed=SEED_VISION))
    pixels = torch.randn(1, 3, 224, 224, generator=g)  # one image: 0.6 MB of the 25 MB budget
    rec.save("components/image_encoder/pixel_values.npy", pixels)
    rec.save("components/image_encoder/image_embeds.npy", vision(pixel_values=pixels, return_dict=True).image_embeds)

    p = export_projector.arg_parser()
    # What export_projector.py --flavor ip-adapter-faceid --checkpoint builds: MLPProjModel with the checkpoint's image_proj.
    faceid = export_projector.build("ip-adapter-faceid", TOKENS, context, context, int(common.TINY["projector_hidden"])).eval()
    faceid.load_state_dict(ckpt["image_proj"])
    face = torch.nn.functional.normalize(torch.randn(2, 512, generator=g), dim=-1)
    rec.save("components/projector/face_embeds.npy", face)
    rec.save("components/projector/tokens.npy", faceid(face))
    fs, image_dim = export_projector.make_model(p, ns(flavor="facestudio", checkpoint=None, weights=None, tokens=None, image_dim=None,
                                                      context_dim=None, seed=SEED_FACESTUDIO))
    img = torch.randn(2, image_dim, generator=g)
    rec.save("components/projector_facestudio/face_embeds.npy", face)
    rec.save("components/projector_facestudio/image_embeds.npy", img)
    rec.save("components/projector_facestudio/tokens.npy", fs(face, img))

    # Identity UNets: our masked processor (area / bicubic), same inputs.
    n = 2
    tokens = torch.randn(2, n, TOKENS, context, generator=g)
    masks = torch.zeros(2, n, 8, 8)
    masks[:, 0, :, :4] = 1
    masks[:, 1, :, 4:] = 1
    masks[:, 1, 2:5, 2:6] = 0.5  # a soft overlap
    scales = torch.tensor([[0.8, 0.6], [1.0, 0.3]])
    rec.save("components/unet_identity/sample.npy", sample)
    rec.save("components/unet_identity/timestep.npy", timestep)
    rec.save("components/unet_identity/encoder_hidden_states.npy", ehs)
    rec.save("components/unet_identity/identity_tokens.npy", tokens)
    rec.save("components/unet_identity/identity_masks.npy", masks)
    rec.save("components/unet_identity/identity_scales.npy", scales)
    for mode, folder in [("area", "unet_identity"), ("bicubic", "unet_identity_bicubic")]:
        u = export_identity_unet.build_unet(ns(seed=SEED_IDENTITY))
        export_identity_unet.install(u, ckpt["ip_adapter"], mode)
        kw = {"identity_tokens": tokens, "identity_masks": masks, "identity_scales": scales}
        rec.save(f"components/{folder}/out_sample.npy", u(sample, timestep, ehs, cross_attention_kwargs=kw, return_dict=False)[0])
    return {"text": text, "unet": unet, "vae": vae, "faceid": faceid}


def scheduler_cases(base_config: dict):
    from diffusers import (DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                           EulerDiscreteScheduler)

    return {
        "euler": lambda: EulerDiscreteScheduler.from_config(base_config),
        "euler-a": lambda: EulerAncestralDiscreteScheduler.from_config(base_config),
        "dpmpp-2m": lambda: DPMSolverMultistepScheduler.from_config(base_config),
        "ddim": lambda: DDIMScheduler.from_config(base_config),
        "dpmpp-2m-karras": lambda: DPMSolverMultistepScheduler.from_config(base_config, use_karras_sigmas=True),
    }


class DrawRecorder:
    """Wraps diffusers' randn_tensor where the pipelines and schedulers imported it, recording every draw in order."""

    MODULES = [
        "diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion",
        "diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img",
        "diffusers.schedulers.scheduling_euler_ancestral_discrete",
        "diffusers.schedulers.scheduling_euler_discrete",
        "diffusers.schedulers.scheduling_dpmsolver_multistep",
        "diffusers.schedulers.scheduling_ddim",
    ]

    def __init__(self):
        import importlib

        self.draws = []
        self.saved = []
        for name in self.MODULES:
            m = importlib.import_module(name)
            original = m.randn_tensor
            self.saved.append((m, original))
            m.randn_tensor = self._wrap(original, name.rsplit(".", 1)[1])

    def _wrap(self, original, where):
        def wrapped(shape, generator=None, device=None, dtype=None, layout=None):
            t = original(shape, generator=generator, device=device, dtype=dtype, layout=layout)
            self.draws.append((where, t.clone()))
            return t
        return wrapped

    def close(self):
        for m, original in self.saved:
            m.randn_tensor = original


@torch.no_grad()
def record_pipelines(rec: Recorder, models: dict, pack: Path) -> dict:
    from diffusers import StableDiffusionImg2ImgPipeline, StableDiffusionPipeline

    base_config = json.loads((pack / "scheduler" / "scheduler_config.json").read_text())
    text, unet, vae = models["text"], models["unet"], models["vae"]
    ids = torch.tensor([padded(PROMPT_IDS)], dtype=torch.int64)
    neg = torch.tensor([padded(NEGATIVE_IDS)], dtype=torch.int64)
    prompt_embeds = text(input_ids=ids)[0]
    negative_embeds = text(input_ids=neg)[0]
    rec.save("pipelines/prompt_ids.npy", ids)
    rec.save("pipelines/negative_prompt_ids.npy", neg)
    rec.save("pipelines/prompt_embeds.npy", prompt_embeds)
    rec.save("pipelines/negative_prompt_embeds.npy", negative_embeds)
    cases = {}
    seeds = {"euler": 1, "euler-a": 2, "dpmpp-2m": 3, "ddim": 4, "dpmpp-2m-karras": 5}
    for name, make in scheduler_cases(base_config).items():
        cases[name] = run_case(rec, name, StableDiffusionPipeline, make, dict(text=text, unet=unet, vae=vae), seeds[name],
                               dict(prompt_embeds=prompt_embeds, negative_prompt_embeds=negative_embeds))

    # img2img (strength 0.5): the init image encoded with the VAE mean (× scaling factor) and handed to diffusers as
    # latents (4 channels), so that diffusers does not draw a latent_dist.sample() from the generator first.
    g = torch.Generator("cpu").manual_seed(SEED_INPUTS + 1)
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, SIZE), torch.linspace(-1, 1, SIZE), indexing="ij")
    image = torch.stack([xx, yy, xx * yy]).unsqueeze(0) * 0.8 + 0.1 * torch.randn(1, 3, SIZE, SIZE, generator=g)
    image = image.clamp(-1, 1)
    params = vae.quant_conv(vae.encoder(image))
    init_latents = params[:, :4] * vae.config.scaling_factor
    rec.save("pipelines/img2img-euler-a/init_image.npy", image, "[-1,1] NCHW, what the SDK's VAE encoder gets")
    rec.save("pipelines/img2img-euler-a/init_latents.npy", init_latents, "VAE mean × scaling_factor (handed to diffusers as `image`)")
    make = scheduler_cases(base_config)["euler-a"]
    cases["img2img-euler-a"] = run_case(rec, "img2img-euler-a", StableDiffusionImg2ImgPipeline, make, dict(text=text, unet=unet, vae=vae), 6,
                                        dict(prompt_embeds=prompt_embeds, negative_prompt_embeds=negative_embeds, image=init_latents, strength=0.5))
    return cases


def run_case(rec: Recorder, name: str, cls, make_scheduler, parts: dict, seed: int, kwargs: dict, extra_unet=None) -> dict:
    scheduler = make_scheduler()
    pipe = cls(vae=parts["vae"], text_encoder=parts["text"], tokenizer=None, unet=extra_unet or parts["unet"], scheduler=scheduler,
               safety_checker=None, feature_extractor=None, image_encoder=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    steps_latents = []

    def on_step(p, i, t, cb):
        steps_latents.append(cb["latents"].clone())
        return cb

    common_kw = dict(num_inference_steps=STEPS, guidance_scale=GUIDANCE, callback_on_step_end=on_step)
    if cls.__name__ == "StableDiffusionPipeline" or "height" in kwargs:
        common_kw.update(height=kwargs.pop("height", SIZE), width=kwargs.pop("width", SIZE))
    draws = DrawRecorder()
    try:
        latents = pipe(**kwargs, **common_kw, output_type="latent", generator=torch.Generator("cpu").manual_seed(seed)).images
        timesteps = pipe.scheduler.timesteps.clone()
        sigmas = getattr(pipe.scheduler, "sigmas", None)
        draw_list = list(draws.draws)
        draws.draws.clear()
        steps_latents.clear()
        image = pipe(**kwargs, **common_kw, output_type="np", generator=torch.Generator("cpu").manual_seed(seed)).images
    finally:
        draws.close()
    for label, value in [("final latents", latents), ("image", torch.as_tensor(image))] + [(f"draw {i}", t) for i, (_, t) in enumerate(draw_list)]:
        if not torch.isfinite(value).all():
            raise SystemExit(f"{name}: non-finite values in the {label}; not writing a reference with NaN/inf")
    if steps_latents and not all(torch.isfinite(x).all() for x in steps_latents):
        raise SystemExit(f"{name}: non-finite latents in a step")
    folder = f"pipelines/{name}"
    rec.save(f"{folder}/final_latents.npy", latents, "output_type='latent': the denoised latents (not divided by the scaling factor)")
    rec.save(f"{folder}/image.npy", image, "output_type='np': [1,H,W,3] in [0,1] (VaeImageProcessor.postprocess)")
    rec.save(f"{folder}/image_uint8.npy", np.round(image * 255).astype(np.uint8), "numpy_to_pil rounding: (image*255).round()")
    rec.save(f"{folder}/timesteps.npy", timesteps)
    if sigmas is not None:
        rec.save(f"{folder}/sigmas.npy", sigmas)
    rec.save(f"{folder}/latents_per_step.npy", torch.stack(steps_latents) if steps_latents else torch.zeros(0))
    draw_files = []
    for i, (where, t) in enumerate(draw_list):
        draw_files.append({"file": rec.save(f"{folder}/draw_{i:02d}.npy", t), "drawn_in": where})
    return {"class": cls.__name__, "scheduler_class": type(scheduler).__name__, "scheduler_config": dict(scheduler.config),
            "seed": seed, "generator": "torch.Generator('cpu').manual_seed(seed)", "steps": STEPS, "guidance_scale": GUIDANCE,
            "height": SIZE, "width": SIZE, "draws_in_order": draw_files,
            **({"strength": kwargs["strength"]} if "strength" in kwargs else {})}


@torch.no_grad()
def record_identity(rec: Recorder, models: dict, ckpt: dict, pack: Path) -> dict:
    """diffusers' IP-Adapter-FaceID with ip_adapter_masks: one adapter, two identity embeddings, region masks at
    latent size, per-identity scales, CFG with zero negative embeddings (diffusers' FaceID example)."""
    from diffusers import StableDiffusionPipeline
    from diffusers.image_processor import IPAdapterMaskProcessor
    from diffusers.models.attention_processor import AttnProcessor, IPAdapterAttnProcessor

    unet = export_identity_unet.build_unet(ns(seed=SEED_IDENTITY))
    unet.set_attn_processor(AttnProcessor())
    unet._load_ip_adapter_weights([ckpt])
    procs = [p for p in unet.attn_processors.values() if isinstance(p, IPAdapterAttnProcessor)]
    scales = [0.9, 0.6]
    for p in procs:
        p.scale = [scales]  # one IP-Adapter, one scale per image (identity)
    size = 128
    h = w = size // 8
    g = torch.Generator("cpu").manual_seed(SEED_INPUTS + 2)
    face = torch.nn.functional.normalize(torch.randn(2, 512, generator=g), dim=-1)  # two L2-normalised "ArcFace" embeddings
    embeds = torch.stack([torch.zeros(1, 2, 512), face.unsqueeze(0)]).squeeze(1)  # [2 (negative, positive), N=2, 512]
    masks = torch.zeros(1, 2, h, w)
    masks[:, 0, :, : w // 2] = 1
    masks[:, 1, :, w // 2:] = 1
    base_config = json.loads((pack / "scheduler" / "scheduler_config.json").read_text())
    make = scheduler_cases(base_config)["dpmpp-2m"]
    text = models["text"]
    prompt_embeds = text(input_ids=torch.tensor([padded(PROMPT_IDS)]))[0]
    negative_embeds = text(input_ids=torch.tensor([padded(NEGATIVE_IDS)]))[0]
    rec.save("identity/face_embeds.npy", face, "the two identities' embeddings (positive row); the negative row is zeros")
    rec.save("identity/ip_adapter_image_embeds.npy", embeds, "diffusers ip_adapter_image_embeds[0]: [negative; positive] × N × 512")
    rec.save("identity/masks_latent.npy", masks, "ip_adapter_masks[0] [1,N,h,w] at latent size (binary left/right halves)")
    rec.save("identity/scales.npy", torch.tensor(scales))
    proj = unet.encoder_hid_proj.image_projection_layers[0]
    rec.save("identity/tokens_positive.npy", proj(face), "[N,K,D] projector output for the positive row")
    rec.save("identity/tokens_negative.npy", proj(torch.zeros(2, 512)), "[N,K,D] projector output for the zero negative embeddings")

    # The masks each attention resolution gets (diffusers' IPAdapterMaskProcessor.downsample, bicubic), from masks at
    # latent size (what this run passes) and from masks at pixel size (diffusers' usual IPAdapterMaskProcessor.preprocess).
    pixel_masks = IPAdapterMaskProcessor().preprocess(
        [torch.nn.functional.interpolate(masks[:, i:i + 1], size=(size, size), mode="nearest")[0] for i in range(2)], height=size, width=size)
    rec.save("identity/masks_pixel_preprocessed.npy", pixel_masks, "IPAdapterMaskProcessor.preprocess of the nearest-upsampled masks: [N,1,H,W]")
    for d in [1, 2, 4, 8]:
        q = (h // d) * (w // d)
        rec.save(f"identity/mask_downsample_from_latent_d{d}.npy", torch.stack(
            [IPAdapterMaskProcessor.downsample(masks[:, i], 1, q, 1)[..., 0] for i in range(2)], dim=1).reshape(1, 2, h // d, w // d))
        rec.save(f"identity/mask_downsample_from_pixel_d{d}.npy", torch.stack(
            [IPAdapterMaskProcessor.downsample(pixel_masks[i], 1, q, 1)[..., 0] for i in range(2)], dim=1).reshape(1, 2, h // d, w // d))

    # One UNet call (component level): diffusers' IP-Adapter processors vs the exported identity UNet.
    sample = torch.randn(2, 4, h, w, generator=g)
    t = torch.tensor([700, 700])
    ehs = torch.cat([negative_embeds, prompt_embeds])
    out = unet(sample, t, ehs, added_cond_kwargs={"image_embeds": [embeds]},
               cross_attention_kwargs={"ip_adapter_masks": [masks]}, return_dict=False)[0]
    rec.save("identity/unet_call/sample.npy", sample)
    rec.save("identity/unet_call/timestep.npy", t)
    rec.save("identity/unet_call/encoder_hidden_states.npy", ehs)
    rec.save("identity/unet_call/out_sample.npy", out, "diffusers UNet with IPAdapterAttnProcessor + ip_adapter_masks (rows: negative, positive)")

    case = run_case(rec, "identity-dpmpp-2m", StableDiffusionPipeline, make, dict(text=text, unet=unet, vae=models["vae"]), 7,
                    dict(prompt_embeds=prompt_embeds, negative_prompt_embeds=negative_embeds, ip_adapter_image_embeds=[embeds],
                         cross_attention_kwargs={"ip_adapter_masks": [masks]}, height=size, width=size),
                    extra_unet=unet)
    # run_case saved under pipelines/; move the identity run's files under identity/.
    src = rec.out / "pipelines" / "identity-dpmpp-2m"
    dst = rec.out / "identity" / "run"
    if dst.exists():
        shutil.rmtree(dst)
    shutil.move(str(src), str(dst))
    for key in [k for k in rec.index if k.startswith("pipelines/identity-dpmpp-2m/")]:
        rec.index[key.replace("pipelines/identity-dpmpp-2m/", "identity/run/")] = rec.index.pop(key)
    for dfile in case["draws_in_order"]:
        dfile["file"] = dfile["file"].replace("pipelines/identity-dpmpp-2m/", "identity/run/")
    case.update(scales=scales, tokens_per_identity=TOKENS, mask_note="masks given at latent size; each attn2 downsamples "
                "them with IPAdapterMaskProcessor.downsample (bicubic): the exported unet_identity_bicubic does the same in its graph")
    return case


def strict_json(value):
    """Plain JSON for any reader: non-finite floats (e.g. DPMSolver's lambda_min_clipped = -inf) as strings "inf",
    "-inf", "nan"; tuples as lists; other objects as str."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def write_index(path: Path, index: dict) -> None:
    path.write_text(json.dumps(strict_json(index), indent=1, allow_nan=False) + "\n", encoding="utf-8")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=ROOT / "tests" / "FaceStudio.Onnx.Tests" / "TestData" / "Parity")
    p.add_argument("--work", type=Path, required=True, help="scratch folder (the random IP-Adapter checkpoint)")
    a = p.parse_args()
    # One thread for the recordings: with 2 threads torch 1.13 gave sporadic NaN latents in the pipeline runs (different
    # runs, different cases); the guard below refuses to write any non-finite reference.
    torch.set_num_threads(1)
    nan_safe_attention_scores()
    a.out.mkdir(parents=True, exist_ok=True)
    for stale in ["components", "pipelines", "identity"]:
        if (a.out / stale).exists():
            shutil.rmtree(a.out / stale)
    timings: dict = {}
    rec = Recorder(a.out)
    t0 = time.time()
    ckpt = build_pack(a.out, a.work, timings)
    t = time.time()
    models = record_components(rec, ckpt)
    timings["components"] = time.time() - t
    t = time.time()
    cases = record_pipelines(rec, models, a.out / "pack")
    timings["pipelines"] = time.time() - t
    t = time.time()
    identity = record_identity(rec, models, ckpt, a.out / "pack")
    timings["identity"] = time.time() - t
    timings["total"] = time.time() - t0
    import diffusers
    import onnx
    import transformers

    index = {
        "made_by": "tools/parity/make-fixtures.sh",
        "versions": {"torch": torch.__version__, "diffusers": diffusers.__version__, "transformers": transformers.__version__,
                     "onnx": onnx.__version__, "numpy": np.__version__, "python": platform.python_version()},
        "seeds": {"export_sd15": SEED_SD, "export_identity_unet": SEED_IDENTITY, "ip_adapter_checkpoint": SEED_IP,
                  "projector_facestudio": SEED_FACESTUDIO, "clip_vision": SEED_VISION, "inputs": SEED_INPUTS},
        "prompt": PROMPT, "prompt_ids": PROMPT_IDS, "negative_prompt": "", "negative_prompt_ids": NEGATIVE_IDS,
        "pipelines": cases, "identity": identity,
        "files": dict(sorted(rec.index.items())),
    }
    write_index(a.out / "index.json", index)
    log("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
