#!/usr/bin/env python3
"""Fuse and convert an exported fp32 ONNX model to fp16, keeping Resize 'scales' in fp32.

    python tools/export/optimize_fp16.py IN.onnx OUT.onnx --model-type unet      # ORT fusions + fp16 (GPU pack)
    python tools/export/optimize_fp16.py IN.onnx OUT.onnx --model-type vae --no-fusion
    python tools/export/optimize_fp16.py IN.onnx OUT.onnx --fp32                 # fusions only

Fusions come from ``onnxruntime.transformers.optimizer`` (needs the ``onnxruntime`` Python package; the CPU build is
enough because ``use_gpu=True`` only selects the CUDA-friendly fusions: GroupNorm, SkipGroupNorm, BiasSplitGelu,
BiasAdd, MultiHeadAttention with packed QKV/KV, NhwcConv). fp16 conversion uses ORT's converter through the optimizer
(``keep_io_types=False``: the graph takes and returns fp16, which the SDK converts with TensorPrimitives).

Resize: ONNX requires Resize's 'scales' input to be float32. A blanket fp16 conversion can turn the constant scales
into fp16 (or route them through a Cast to fp16), after which the model no longer loads; ``keep_resize_scales_fp32``
puts them back, whichever form the converter left. ``--simple-fp16`` is a dependency-free converter (onnx + numpy
only) for machines without onnxruntime; it is what the tests of this script on a CPU-only machine use.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TWO_GB = 2 * 1024 ** 3


def _producers(graph: onnx.GraphProto) -> dict[str, onnx.NodeProto]:
    return {out: node for node in graph.node for out in node.output}


def _initializers(graph: onnx.GraphProto) -> dict[str, onnx.TensorProto]:
    return {init.name: init for init in graph.initializer}


def _fp32_tensor(name: str, tensor: onnx.TensorProto) -> onnx.TensorProto:
    return numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float32), name)


def keep_resize_scales_fp32(model: onnx.ModelProto) -> int:
    """Makes every Resize 'scales' input float32 again. Returns how many inputs were fixed."""
    fixed = 0
    graphs = [model.graph]
    while graphs:
        graph = graphs.pop()
        for node in graph.node:  # subgraphs (If/Loop bodies) too
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    graphs.append(attr.g)
        producers, inits = _producers(graph), _initializers(graph)
        consumers: dict[str, int] = {}
        for node in graph.node:
            for name in node.input:
                consumers[name] = consumers.get(name, 0) + 1
        new_nodes: list[tuple[int, onnx.NodeProto]] = []
        for index, node in enumerate(graph.node):
            if node.op_type != "Resize" or len(node.input) < 3 or not node.input[2]:
                continue
            name = node.input[2]
            if name in inits:
                init = inits[name]
                if init.data_type == TensorProto.FLOAT:
                    continue
                if consumers.get(name, 0) == 1:
                    replacement = _fp32_tensor(name, init)
                    init.CopyFrom(replacement)
                else:
                    new_name = f"{name}_fp32_for_{node.name or index}"
                    graph.initializer.append(_fp32_tensor(new_name, init))
                    node.input[2] = new_name
                fixed += 1
                continue
            producer = producers.get(name)
            if producer is None:
                continue  # a graph input: declared by the exporter, left alone
            if producer.op_type == "Constant":
                value = next((a for a in producer.attribute if a.name == "value"), None)
                if value is None or value.t.data_type == TensorProto.FLOAT:
                    continue
                new_name = f"{name}_fp32"
                const = helper.make_node("Constant", [], [new_name], name=f"{producer.name or name}_fp32",
                                         value=_fp32_tensor(new_name, value.t))
                new_nodes.append((index, const))
                node.input[2] = new_name
                fixed += 1
                continue
            if producer.op_type == "Cast":
                to = next(a.i for a in producer.attribute if a.name == "to")
                if to == TensorProto.FLOAT:
                    continue
                # Cast(x → fp16) feeding scales: cast to fp32 instead (x is fp32 or fp16; either casts cleanly).
                new_name = f"{name}_fp32"
                cast = helper.make_node("Cast", [producer.input[0]], [new_name], name=f"{producer.name or name}_fp32", to=TensorProto.FLOAT)
                new_nodes.append((index, cast))
                node.input[2] = new_name
                fixed += 1
                continue
            # Computed scales in fp16 (unusual): cast the result back to fp32 just before the Resize.
            new_name = f"{name}_fp32"
            cast = helper.make_node("Cast", [name], [new_name], name=f"{node.name or index}_scales_fp32", to=TensorProto.FLOAT)
            new_nodes.append((index, cast))
            node.input[2] = new_name
            fixed += 1
        # Insert before the consuming Resize so the node list stays topologically sorted.
        for offset, (index, new) in enumerate(sorted(new_nodes, key=lambda p: p[0])):
            graph.node.insert(index + offset, new)
    return fixed


def resize_scale_types(model: onnx.ModelProto) -> list[str]:
    """Element type of every Resize's 'scales' input that is a constant (for reports and tests)."""
    producers, inits = _producers(model.graph), _initializers(model.graph)
    types = []
    for node in model.graph.node:
        if node.op_type != "Resize" or len(node.input) < 3 or not node.input[2]:
            continue
        name = node.input[2]
        if name in inits:
            types.append(TensorProto.DataType.Name(inits[name].data_type))
        elif name in producers and producers[name].op_type == "Constant":
            types.append(TensorProto.DataType.Name(producers[name].attribute[0].t.data_type))
        elif name in producers and producers[name].op_type == "Cast":
            types.append(TensorProto.DataType.Name(next(a.i for a in producers[name].attribute if a.name == "to")))
        else:
            types.append("computed")
    return types


def simple_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """Dependency-free fp32→fp16 conversion: float initializers, Constant values, Casts to float, graph inputs and
    outputs all become fp16. Deliberately blind (Resize scales included), like the converters that break models;
    follow it with ``keep_resize_scales_fp32``. Meant for small test models, not for production packs."""
    graph = model.graph
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    for node in graph.node:
        if node.op_type == "Constant":
            for attr in node.attribute:
                if attr.name == "value" and attr.t.data_type == TensorProto.FLOAT:
                    attr.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(attr.t).astype(np.float16), attr.t.name))
        if node.op_type == "Cast":
            for attr in node.attribute:
                if attr.name == "to" and attr.i == TensorProto.FLOAT:
                    attr.i = TensorProto.FLOAT16
        for attr in node.attribute:  # float attributes of e.g. ConstantOfShape
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.FLOAT and node.op_type != "Constant":
                attr.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(attr.t).astype(np.float16), attr.t.name))
    for value in list(graph.input) + list(graph.output):
        if value.type.tensor_type.elem_type == TensorProto.FLOAT:
            value.type.tensor_type.elem_type = TensorProto.FLOAT16
    del graph.value_info[:]  # stale fp32 annotations
    return model


def ort_optimize(src: Path, model_type: str, fuse: bool, fp16: bool) -> onnx.ModelProto:
    """ONNX Runtime's transformer optimizer (fusions) and its fp16 converter. Returns the in-memory model."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions(model_type)
    if model_type == "unet" and fp16:
        # As ORT's stable-diffusion optimize script does for fp16 on CUDA.
        options.enable_packed_kv = True
        options.enable_packed_qkv = True
        options.enable_bias_add = True
    if not fuse:
        for name in [n for n in vars(options) if n.startswith("enable_")]:
            setattr(options, name, False)
    model = optimize_model(str(src), model_type=model_type, num_heads=0, hidden_size=0, opt_level=0,
                           optimization_options=options, use_gpu=True, only_onnxruntime=False)
    if fp16:
        # RandomNormalLike has no fp16 kernel; everything else goes to fp16, graph IO included.
        model.convert_float_to_float16(keep_io_types=False, op_block_list=["RandomNormalLike"])
    print("operators:", dict(sorted(model.get_operator_statistics().items())))
    return model.model


def save(model: onnx.ModelProto, dst: Path) -> None:
    """Writes one file when it fits in protobuf's 2 GB, else weights as one external-data file beside it."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    weights = sum(len(t.raw_data) or 4 * len(t.float_data) or 2 * len(t.int32_data) for t in model.graph.initializer)
    if weights < TWO_GB - 256 * 1024 ** 2:  # ByteSize() itself fails on messages over 2 GB
        onnx.save_model(model, str(dst))
    else:
        onnx.save_model(model, str(dst), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=dst.name + "_data", size_threshold=1024)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", type=Path)
    p.add_argument("destination", type=Path)
    p.add_argument("--model-type", default="unet", choices=["unet", "vae", "clip", "bert"], help="ORT fusion set")
    p.add_argument("--fp32", action="store_true", help="keep fp32 (fusions only)")
    p.add_argument("--no-fusion", action="store_true", help="skip ORT fusions")
    p.add_argument("--simple-fp16", action="store_true", help="no onnxruntime: dependency-free fp16 conversion")
    a = p.parse_args(argv)
    fp16 = not a.fp32
    if a.simple_fp16:
        model = onnx.load(str(a.source))
        if fp16:
            model = simple_fp16(model)
    else:
        model = ort_optimize(a.source, a.model_type, fuse=not a.no_fusion, fp16=fp16)
    before = resize_scale_types(model)
    fixed = keep_resize_scales_fp32(model)
    print(f"Resize scales before the fix: {before}; fixed {fixed}; now {resize_scale_types(model)}")
    save(model, a.destination)
    size = sum(f.stat().st_size for f in a.destination.parent.glob(a.destination.name + "*"))
    print(f"wrote {a.destination} ({size / 1024 ** 2:.1f} MiB{' fp16' if fp16 else ' fp32'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
