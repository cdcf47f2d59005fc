"""Checks unet_bench.py's stage bookkeeping without torch or onnxruntime: the model build, the export and ORT's
optimizer are replaced by stubs (the export writes a small Resize+Conv graph, the "optimizer" is the blind fp16
conversion), so what is tested is the scratch-folder-and-rename logic, the skip-when-done behaviour, the
model-info.json record and that the Resize fix runs on the optimised model. Needs onnx + numpy.
Run: python3 tools/gpu/tests/test_stages.py"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import types
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parents[2] / "export"))
sys.path.insert(0, str(HERE.parents[2] / "export" / "tests"))

import onnx  # noqa: E402
from test_optimize_fp16 import upsampler  # noqa: E402

fake = types.ModuleType("sd15_unet")
fake.SD15UNet = object
fake.parameter_count = lambda m: 0
fake.export_onnx = lambda model, path: onnx.save(upsampler("initializer"), path)
sys.modules["sd15_unet"] = fake

import optimize_fp16 as opt  # noqa: E402
import unet_bench as ub  # noqa: E402

opt.ort_optimize = lambda src, kind, fuse, fp16: opt.simple_fp16(onnx.load(str(src)))
ub.build = lambda *a, **k: object()


def test_stages() -> None:
    work = Path(tempfile.mkdtemp())
    try:
        (work / "fp32").mkdir()  # a leftover empty folder from a killed run must not block the rename
        ub.stage_export(work)
        first = (work / "fp32" / "unet.onnx").stat().st_mtime_ns
        ub.stage_export(work)  # done: skipped
        assert (work / "fp32" / "unet.onnx").stat().st_mtime_ns == first
        assert not (work / "fp32.partial").exists()
        ub.stage_optimize(work)
        ub.stage_optimize(work)
        assert not (work / "fp16.partial").exists()
        model = onnx.load(str(work / "fp16" / "unet" / "model.onnx"))
        assert opt.resize_scale_types(model) == ["FLOAT"]
        info = json.loads((work / "model-info.json").read_text())
        assert info["variant"].startswith("fused fp16") and info["fp16_bytes"] > 0 and info["fp32_bytes"] > 0, info
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    test_stages()
    print("unet_bench stage tests passed")
