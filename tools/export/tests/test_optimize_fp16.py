"""Checks keep_resize_scales_fp32 on small graphs built here (runs with onnx + numpy only):
    python3 tools/export/tests/test_optimize_fp16.py
A fp16 conversion that turns Resize 'scales' into fp16 must fail ONNX's strict type inference; after the fix the
same model must pass it, with the scales' values unchanged and every other float tensor still fp16."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import optimize_fp16 as opt  # noqa: E402


def upsampler(scales_as: str) -> onnx.ModelProto:
    """x [1,2,4,4] -> Resize(nearest, ×2) -> Conv 1×1 -> y; scales given as an initializer, a Constant or a Cast."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 8, 8])
    scales = np.array([1, 1, 2, 2], dtype=np.float32)
    w = numpy_helper.from_array(np.arange(4, dtype=np.float32).reshape(2, 2, 1, 1) / 4, "w")
    nodes, inits = [], [w]
    if scales_as == "initializer":
        inits.append(numpy_helper.from_array(scales, "scales"))
    elif scales_as == "constant":
        nodes.append(helper.make_node("Constant", [], ["scales"], value=numpy_helper.from_array(scales, "c")))
    else:  # cast of an fp32 constant
        nodes.append(helper.make_node("Constant", [], ["raw"], value=numpy_helper.from_array(scales, "c")))
        nodes.append(helper.make_node("Cast", ["raw"], ["scales"], to=TensorProto.FLOAT))
    nodes.append(helper.make_node("Resize", ["x", "", "scales"], ["up"], mode="nearest", name="resize"))
    nodes.append(helper.make_node("Conv", ["up", "w"], ["y"], name="conv"))
    graph = helper.make_graph(nodes, "g", [x], [y], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def strict_ok(model: onnx.ModelProto) -> bool:
    try:
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        onnx.checker.check_model(model)
        return True
    except Exception:  # noqa: BLE001 - any inference or checker failure means "does not load"
        return False


def scales_values(model: onnx.ModelProto) -> np.ndarray:
    name = next(n for n in model.graph.node if n.op_type == "Resize").input[2]
    for init in model.graph.initializer:
        if init.name == name:
            return numpy_helper.to_array(init)
    producer = next(n for n in model.graph.node if name in n.output)
    if producer.op_type == "Constant":
        return numpy_helper.to_array(producer.attribute[0].t)
    src = next(n for n in model.graph.node if producer.input[0] in n.output)
    return numpy_helper.to_array(src.attribute[0].t)


def test_each_form() -> None:
    for form in ["initializer", "constant", "cast"]:
        model = upsampler(form)
        assert strict_ok(model), f"{form}: the fp32 model itself must be valid"
        opt.simple_fp16(model)
        assert opt.resize_scale_types(model) == ["FLOAT16"], f"{form}: the blind conversion should have made scales fp16"
        assert not strict_ok(model), f"{form}: fp16 scales must be rejected (this is the bug being fixed)"
        assert opt.keep_resize_scales_fp32(model) == 1, form
        assert opt.resize_scale_types(model) == ["FLOAT"], form
        assert strict_ok(model), f"{form}: fixed model must pass strict type inference"
        np.testing.assert_array_equal(scales_values(model).astype(np.float32), [1, 1, 2, 2])
        w = next(i for i in model.graph.initializer if i.name == "w")
        assert w.data_type == TensorProto.FLOAT16, f"{form}: the conv weight must stay fp16"
        assert opt.keep_resize_scales_fp32(model) == 0, f"{form}: a second pass has nothing to fix"


def test_shared_initializer_copied() -> None:
    model = upsampler("initializer")
    # A second consumer of the same initializer keeps its own (fp16) copy.
    model.graph.node.append(helper.make_node("Identity", ["scales"], ["scales_copy"]))
    model.graph.output.append(helper.make_tensor_value_info("scales_copy", TensorProto.FLOAT16, [4]))
    opt.simple_fp16(model)
    assert opt.keep_resize_scales_fp32(model) == 1
    resize = next(n for n in model.graph.node if n.op_type == "Resize")
    assert resize.input[2] != "scales"
    types = {i.name: i.data_type for i in model.graph.initializer}
    assert types["scales"] == TensorProto.FLOAT16 and types[resize.input[2]] == TensorProto.FLOAT


if __name__ == "__main__":
    test_each_form()
    test_shared_initializer_copied()
    print("optimize_fp16 tests passed")
