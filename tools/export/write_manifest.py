#!/usr/bin/env python3
"""Writes facestudio.json (docs/model-packs.md) for a pack folder from what is in it:

    components   the known files present (text_encoder/, unet/, vae_decoder/, vae_encoder/, image_encoder/,
                 projector/ model.onnx; identity/ detector and embedder, by --detector/--embedder or by name; a landmarker by
                 --landmarker)
    tokenizer    tokenizer/vocab.json, merges.txt, tokenizer_config.json
    options      vaeScalingFactor from vae_decoder/config.json; guidance from the projector's inputs
                 (image_embeds → facestudio, else ip-adapter-faceid); identityTokens from its output [N,K,D];
                 maskDownsample (area | bicubic) for a UNet with identity_masks: the rule export_identity_unet.py
                 recorded beside it (facestudio_identity.json) or --mask-downsample

    python tools/export/write_manifest.py --pack packs/fs --name "SD1.5 + IP-Adapter-FaceID"

Needs the onnx package only (reads graph headers, not weights).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import onnx

FIXED = {
    "textEncoder": "text_encoder/model.onnx",
    "unet": "unet/model.onnx",
    "vaeDecoder": "vae_decoder/model.onnx",
    "vaeEncoder": "vae_encoder/model.onnx",
    "imageEncoder": "image_encoder/model.onnx",
    "projector": "projector/model.onnx",
}
DETECTOR_NAMES = ["face_detector.onnx", "det_10g.onnx", "scrfd_10g_bnkps.onnx", "det_2.5g.onnx", "det_500m.onnx"]
EMBEDDER_NAMES = ["face_embedder.onnx", "w600k_r50.onnx", "glintr100.onnx", "w600k_mbf.onnx"]


def graph_header(path: Path) -> onnx.GraphProto:
    return onnx.load(str(path), load_external_data=False).graph


def first_present(pack: Path, folder: str, names: list[str]) -> str | None:
    return next((f"{folder}/{n}" for n in names if (pack / folder / n).exists()), None)


def mask_rule(pack: Path, unet: str, given: str | None) -> str | None:
    """The rule an identity UNet applies to identity_masks: recorded by export_identity_unet.py, or given."""
    g = graph_header(pack / unet)
    if "identity_masks" not in {i.name for i in g.input}:
        return None
    sidecar = (pack / unet).parent / "facestudio_identity.json"
    recorded = json.loads(sidecar.read_text())["maskDownsample"] if sidecar.exists() else None
    if recorded and given and recorded != given:
        raise SystemExit(f"{unet}: exported with --mask-downsample {recorded} ({sidecar.name}) but --mask-downsample {given} was given")
    rule = given or recorded
    if rule is None:
        raise SystemExit(f"{unet} takes identity_masks: pass --mask-downsample area|bicubic (the rule it was exported with)")
    return rule


def manifest(pack: Path, name: str, detector: str | None, embedder: str | None, demo: bool, mask_downsample: str | None = None,
             landmarker: str | None = None) -> dict:
    components = {key: rel for key, rel in FIXED.items() if (pack / rel).exists()}
    for required in ("textEncoder", "unet", "vaeDecoder"):
        if required not in components:
            raise SystemExit(f"{pack}: {FIXED[required]} is missing (required)")
    detector = detector or first_present(pack, "identity", DETECTOR_NAMES)
    embedder = embedder or first_present(pack, "identity", EMBEDDER_NAMES)
    if (detector is None) != (embedder is None):
        raise SystemExit("identity models: found only one of detector and embedder; pass --detector and --embedder")
    if detector is not None:
        components["faceDetector"], components["faceEmbedder"] = detector, embedder
        if landmarker is not None:
            components["faceLandmarker"] = landmarker

    options: dict = {}
    config = pack / "vae_decoder" / "config.json"
    if config.exists():
        options["vaeScalingFactor"] = float(json.loads(config.read_text())["scaling_factor"])
    if "projector" in components:
        g = graph_header(pack / components["projector"])
        inputs = {i.name for i in g.input} - {i.name for i in g.initializer}
        options["guidance"] = "facestudio" if "image_embeds" in inputs else "ip-adapter-faceid"
        tokens = next((o for o in g.output if o.name == "tokens"), None)
        if tokens is None:
            raise SystemExit(f"{components['projector']}: no output named 'tokens'")
        k = tokens.type.tensor_type.shape.dim[1].dim_value
        if k <= 0:
            raise SystemExit(f"{components['projector']}: 'tokens' must have a fixed K (dimension 1)")
        options["identityTokens"] = k
    rule = mask_rule(pack, components["unet"], mask_downsample)
    if rule is not None:
        options["maskDownsample"] = rule

    tokenizer = {"vocab": "tokenizer/vocab.json", "merges": "tokenizer/merges.txt"}
    if (pack / "tokenizer" / "tokenizer_config.json").exists():
        tokenizer["config"] = "tokenizer/tokenizer_config.json"
    for rel in tokenizer.values():
        if not (pack / rel).exists():
            raise SystemExit(f"{pack}: {rel} is missing")
    return {"formatVersion": 1, "name": name, "demo": demo, "components": components, "tokenizer": tokenizer, "options": options}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", type=Path, required=True)
    p.add_argument("--name", default=None)
    p.add_argument("--detector", help="pack-relative path of the face detector")
    p.add_argument("--embedder", help="pack-relative path of the face embedder")
    p.add_argument("--landmarker", help="pack-relative path of the landmark model a BlazeFace detector needs (FaceMesh)")
    p.add_argument("--demo", action="store_true", help="mark as a demo pack (random weights, noise-like pictures)")
    p.add_argument("--mask-downsample", choices=["area", "bicubic"], default=None,
                   help="identity UNet only: the rule its graph applies to identity_masks (default: what export_identity_unet.py recorded)")
    a = p.parse_args(argv)
    m = manifest(a.pack, a.name or a.pack.name, a.detector, a.embedder, a.demo, a.mask_downsample, a.landmarker)
    (a.pack / "facestudio.json").write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(m, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
