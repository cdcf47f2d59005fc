#!/usr/bin/env python3
"""Copies InsightFace's detector and recogniser into a pack as they are (no conversion) and checks their shape
against docs/model-contract.md: SCRFD-style detector (one input, nine outputs: scores, boxes, keypoints for strides
8/16/32) and ArcFace-style embedder ([N,3,112,112] → [N,512]).

    python tools/export/copy_insightface.py --out packs/fs                       # ~/.insightface/models/buffalo_l
    python tools/export/copy_insightface.py --out packs/fs --detector det_10g.onnx --embedder w600k_r50.onnx
    python tools/export/copy_insightface.py --out packs/rand --from-pack DEMO_PACK  # stand-ins for random-weight packs

buffalo_l holds det_10g.onnx (SCRFD-10GF) and w600k_r50.onnx (ArcFace R50, WebFace600K). InsightFace's pretrained
models are for non-commercial research only (see docs/export.md). Needs the onnx package only.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import onnx


def external_files(model_path: Path) -> list[str]:
    model = onnx.load(str(model_path), load_external_data=False)
    names = set()
    for init in model.graph.initializer:
        if init.data_location == onnx.TensorProto.EXTERNAL:
            names.update(e.value for e in init.external_data if e.key == "location")
    return sorted(names)


def copy_model(source: Path, folder: Path) -> Path:
    """Copies SOURCE and every external-data file it names (relative to it) into FOLDER, keeping the names the
    graph refers to."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copyfile(source, target)
    for name in external_files(source):
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise SystemExit(f"{source}: external data '{name}' is not a plain relative path")
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.parent / name, folder / name)
    return target


def dims(value) -> list:
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


def check(detector: Path, embedder: Path) -> list[str]:
    problems = []
    det = onnx.load(str(detector), load_external_data=False).graph
    inputs = [i for i in det.input if i.name not in {x.name for x in det.initializer}]
    if len(inputs) != 1 or len(dims(inputs[0])) != 4:
        problems.append(f"detector: expected one [1,3,H,W] input, found {[(i.name, dims(i)) for i in inputs]}")
    if len(det.output) != 9:
        problems.append(f"detector: expected 9 outputs (scores, boxes, keypoints × strides 8/16/32), found {len(det.output)}")
    emb = onnx.load(str(embedder), load_external_data=False).graph
    inputs = [i for i in emb.input if i.name not in {x.name for x in emb.initializer}]
    shape = dims(inputs[0]) if inputs else []
    if len(inputs) != 1 or shape[1:] != [3, 112, 112]:
        problems.append(f"embedder: expected one [N,3,112,112] input, found {[(i.name, dims(i)) for i in inputs]}")
    if len(emb.output) != 1 or dims(emb.output[0])[-1:] != [512]:
        problems.append(f"embedder: expected one [N,512] output, found {[(o.name, dims(o)) for o in emb.output]}")
    return problems


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--insightface-dir", type=Path, default=Path.home() / ".insightface" / "models" / "buffalo_l")
    p.add_argument("--detector", type=Path)
    p.add_argument("--embedder", type=Path)
    p.add_argument("--from-pack", type=Path, help="copy a FaceStudio pack's identity models (e.g. the demo pack's)")
    a = p.parse_args(argv)
    if a.from_pack is not None:
        detector, embedder = a.from_pack / "identity" / "face_detector.onnx", a.from_pack / "identity" / "face_embedder.onnx"
    else:
        detector = a.detector or a.insightface_dir / "det_10g.onnx"
        embedder = a.embedder or a.insightface_dir / "w600k_r50.onnx"
    for f in (detector, embedder):
        if not f.exists():
            raise SystemExit(f"not found: {f} (install insightface and run it once, or pass --detector/--embedder)")
    folder = a.out / "identity"
    det, emb = copy_model(detector, folder), copy_model(embedder, folder)
    for problem in check(det, emb):
        print("warning:", problem)
    print(f"faceDetector: {det.relative_to(a.out)}\nfaceEmbedder: {emb.relative_to(a.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
