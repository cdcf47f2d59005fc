"""Checks tfjs2onnx on small TF.js graph models written here (onnx + numpy only; numerical agreement with TF.js itself
is checked by tests/FaceStudio.Onnx.Tests/Faces/TfjsConversionTests.cs against recorded TF.js outputs):
    /usr/bin/python3 tools/tfjs2onnx/tests/test_tfjs2onnx.py"""
import base64
import json
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tfjs2onnx  # noqa: E402


def b64(s):
    return base64.b64encode(s.encode()).decode()


def write_model(folder, nodes, weights):
    """weights: list of (name, array, quantization or None). Writes model.json + one shard."""
    specs, blobs = [], []
    for name, arr, q in weights:
        spec = {"name": name, "shape": list(arr.shape), "dtype": "int32" if arr.dtype == np.int32 else "float32"}
        if q == "float16":
            blobs.append(arr.astype("<f2").tobytes())
            spec["quantization"] = {"dtype": "float16"}
        elif q == "uint8":
            lo, hi = float(arr.min()), float(arr.max())
            scale = (hi - lo) / 255
            qv = np.round((arr - lo) / scale).astype(np.uint8)
            blobs.append(qv.tobytes())
            spec["quantization"] = {"dtype": "uint8", "min": lo, "scale": scale}
        else:
            blobs.append(arr.astype("<i4" if arr.dtype == np.int32 else "<f4").tobytes())
        specs.append(spec)
    with open(os.path.join(folder, "w.bin"), "wb") as f:
        f.write(b"".join(blobs))
    model = {"format": "graph-model", "modelTopology": {"node": nodes},
             "weightsManifest": [{"paths": ["w.bin"], "weights": specs}]}
    path = os.path.join(folder, "model.json")
    with open(path, "w") as f:
        json.dump(model, f)
    return path


def conv_node(name, inputs, op="Conv2D", padding="SAME", strides=(1, 2, 2, 1), fused=None):
    attr = {"data_format": {"s": b64("NHWC")}, "padding": {"s": b64(padding)},
            "strides": {"list": {"i": [str(s) for s in strides]}}, "dilations": {"list": {"i": ["1"] * 4}}}
    if fused:
        attr["fused_ops"] = {"list": {"s": [b64(f) for f in fused]}}
        attr["num_args"] = {"i": str(len(inputs) - 2)}
    return {"name": name, "op": op, "input": inputs, "attr": attr}


def sample(folder, quant=None):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 3, 3, 8)).astype(np.float32)
    dw = rng.standard_normal((3, 3, 8, 1)).astype(np.float32)
    bias = rng.standard_normal(8).astype(np.float32)
    alpha = rng.standard_normal((1, 1, 8)).astype(np.float32)
    pads = np.array([[0, 0], [1, 1], [0, 0], [0, 4]], np.int32)
    shape = np.array([-1, 11 * 9 * 12], np.int32)
    nodes = [
        {"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [
            {"size": "-1"}, {"size": "17"}, {"size": "17"}, {"size": "3"}]}}}},
        {"name": "w", "op": "Const"}, {"name": "dw", "op": "Const"}, {"name": "bias", "op": "Const"},
        {"name": "alpha", "op": "Const"}, {"name": "pads", "op": "Const"}, {"name": "shape", "op": "Const"},
        conv_node("conv", ["x", "w", "bias", "alpha"], op="_FusedConv2D", fused=["BiasAdd", "Prelu"]),
        conv_node("dwconv", ["conv", "dw"], op="DepthwiseConv2dNative", strides=(1, 1, 1, 1)),
        {"name": "pad", "op": "Pad", "input": ["dwconv", "pads"]},
        {"name": "flat", "op": "Reshape", "input": ["pad", "shape"]},
        {"name": "out", "op": "Identity", "input": ["flat"]},
    ]
    q = quant
    weights = [("w", w, q), ("dw", dw, q), ("bias", bias, None), ("alpha", alpha, q), ("pads", pads, None),
               ("shape", shape, None)]
    return write_model(folder, nodes, weights), (w, dw, bias, alpha)


def initializer(model, suffix):
    return next(numpy_helper.to_array(i) for i in model.graph.initializer if i.name.endswith(suffix))


def test_layout_padding_and_contract():
    with tempfile.TemporaryDirectory() as d:
        path, (w, dw, bias, alpha) = sample(d)
        model = tfjs2onnx.Converter(path, "input", {"out": "y"}).convert()
        onnx.checker.check_model(model, full_check=True)
        dims = [x.dim_param or x.dim_value for x in model.graph.input[0].type.tensor_type.shape.dim]
        assert dims == ["N", 3, 17, 17], dims
        out = [x.dim_param or x.dim_value for x in model.graph.output[0].type.tensor_type.shape.dim]
        assert out == ["N", 1188], out
        conv = next(n for n in model.graph.node if n.op_type == "Conv" and n.name.startswith("conv"))
        attrs = {a.name: list(a.ints) if a.ints else a.i for a in conv.attribute}
        # TF SAME, 17 px, k 3, s 2: 9 outputs, total padding 2 → 1 before, 1 after
        assert attrs["pads"] == [1, 1, 1, 1] and attrs["strides"] == [2, 2], attrs
        np.testing.assert_array_equal(initializer(model, "conv/weight"), w.transpose(3, 2, 0, 1))
        np.testing.assert_array_equal(initializer(model, "dwconv/weight"), dw.reshape(3, 3, 8).transpose(2, 0, 1)[:, None])
        dwn = next(n for n in model.graph.node if n.name == "dwconv")
        assert next(a.i for a in dwn.attribute if a.name == "group") == 8
        np.testing.assert_array_equal(initializer(model, "alpha"), alpha.reshape(8, 1, 1))
        # channel padding [0,0],[1,1],[0,0],[0,4] in NHWC → NCHW pads (begins N,C,H,W then ends)
        np.testing.assert_array_equal(initializer(model, "pad/pads"), [0, 0, 1, 0, 0, 4, 1, 0])
        # Reshape needs TF's element order: a Transpose to NHWC comes first
        reshape = next(n for n in model.graph.node if n.op_type == "Reshape")
        producer = next(n for n in model.graph.node if reshape.input[0] in n.output)
        assert producer.op_type == "Transpose" and list(producer.attribute[0].ints) == [0, 2, 3, 1]
        assert model.graph.output[0].name == "y"


def test_deterministic_bytes():
    with tempfile.TemporaryDirectory() as d:
        path, _ = sample(d)
        a = os.path.join(d, "a.onnx")
        b = os.path.join(d, "b.onnx")
        tfjs2onnx.main([path, a, "--input-name", "input", "--output", "out=y"])
        tfjs2onnx.main([path, b, "--input-name", "input", "--output", "out=y"])
        assert open(a, "rb").read() == open(b, "rb").read()


def test_dequantisation():
    with tempfile.TemporaryDirectory() as d:
        path, (w, *_rest) = sample(d, quant="float16")
        got = tfjs2onnx.read_weights(d, json.load(open(path))["weightsManifest"])["w"]
        np.testing.assert_array_equal(got, w.astype(np.float16).astype(np.float32))
    with tempfile.TemporaryDirectory() as d:
        path, (w, *_rest) = sample(d, quant="uint8")
        spec = json.load(open(path))["weightsManifest"][0]["weights"][0]
        q = spec["quantization"]
        got = tfjs2onnx.read_weights(d, json.load(open(path))["weightsManifest"])["w"]
        expected = (np.round((w - q["min"]) / q["scale"]).astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
        np.testing.assert_array_equal(got, expected)
        assert np.max(np.abs(got - w)) <= q["scale"] / 2 + 1e-6


def test_unsupported_op_is_named():
    with tempfile.TemporaryDirectory() as d:
        path = write_model(d, [
            {"name": "x", "op": "Placeholder", "attr": {"shape": {"shape": {"dim": [{"size": "1"}, {"size": "4"}]}}}},
            {"name": "y", "op": "Cumsum", "input": ["x"]}], [])
        try:
            tfjs2onnx.Converter(path).convert()
        except tfjs2onnx.ConversionError as e:
            assert "Cumsum" in str(e) and "y" in str(e)
        else:
            raise AssertionError("expected a ConversionError")


if __name__ == "__main__":
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
            print("ok", name)
