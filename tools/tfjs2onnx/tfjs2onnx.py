#!/usr/bin/python3
"""Convert a TensorFlow.js graph model (model.json + weight shards) to ONNX.

Runs on Debian's python3-onnx and python3-numpy (use /usr/bin/python3). The output is a pure function of the
input files and the command line: no timestamps, fixed IR version and opset, nodes and initializers in graph order,
so the same inputs give the same bytes.

Layout: TF.js graphs are NHWC. The converter emits ONNX convolutions and pools in NCHW and tracks, for every
4-D tensor, whether it is held as NCHW (the layout of ONNX Conv) or in TF's own order; it transposes only where an op
needs TF's order (Reshape, MatMul, ...). The graph input becomes NCHW `[N, C, H, W]` (`--nhwc-input` keeps NHWC);
every graph output has exactly the TF.js output's shape and element order.

Weights: float32 and int32 shards as stored; float16-quantised shards are widened to float32 (exact); uint8/uint16
quantised shards are dequantised as TF.js does (`q * scale + min`, computed in double, stored float32).

Ops (TF names as they appear in TF.js graph models):
  Conv2D, _FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2dNative (fused BiasAdd, FusedBatchNorm and
  Relu, Relu6, Prelu, Elu, LeakyRelu, Sigmoid, Tanh; SAME/VALID/EXPLICIT padding; strides, dilations, groups),
  MaxPool, AvgPool, Pad, PadV2, MirrorPad (REFLECT), Add, AddV2, BiasAdd, Sub, Mul, RealDiv, Div, Maximum, Minimum,
  Pow, SquaredDifference, Relu, Relu6, Prelu, Elu, LeakyRelu, Sigmoid, Tanh, Exp, Log, Sqrt, Rsqrt, Neg, Abs,
  Square, Softplus, Reshape, Squeeze, ExpandDims, Transpose, ConcatV2, StridedSlice (no ellipsis/new-axis masks),
  MatMul, _FusedMatMul, Mean, Sum, Max, Min, Prod, Softmax, ResizeBilinear, ResizeNearestNeighbor,
  Identity, StopGradient, NoOp-free Placeholder/Const.
Anything else stops the conversion with the op's name.
"""

import argparse
import base64
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VERSION = "1.0"
OPSET = 13
IR_VERSION = 8
NCHW = [0, 3, 1, 2]  # physical dim i of an NCHW-held tensor is TF dim NCHW[i]
TO_NHWC = [0, 2, 3, 1]
INT64_MAX = np.iinfo(np.int64).max


class ConversionError(Exception):
    pass


class Val:
    """A TF tensor during conversion: a constant (numpy) or an ONNX tensor with its TF-order shape."""

    def __init__(self, const=None, name=None, shape=None, layout="tf", dtype=TensorProto.FLOAT):
        self.const = const
        self.name = name
        self.shape = shape  # TF order; None entries are unknown (batch)
        self.layout = layout  # "tf" or "nchw" (4-D only)
        self.dtype = dtype

    @property
    def is_const(self):
        return self.const is not None


# ---------------------------------------------------------------------------------------------------- weights

def read_weights(model_dir, manifest):
    """Returns {name: numpy array} for every weight in the manifest, dequantised as TF.js does."""
    out = {}
    for group in manifest:
        buf = b"".join(_read(os.path.join(model_dir, p)) for p in group["paths"])
        off = 0
        for w in group["weights"]:
            shape = [int(d) for d in w["shape"]]
            n = int(np.prod(shape)) if shape else 1
            dtype = w["dtype"]
            q = w.get("quantization")
            if q:
                qd = q["dtype"]
                if qd == "float16":
                    arr = np.frombuffer(buf, "<f2", n, off).astype(np.float32)
                    off += 2 * n
                elif qd in ("uint8", "uint16"):
                    size = 1 if qd == "uint8" else 2
                    raw = np.frombuffer(buf, "<u1" if size == 1 else "<u2", n, off)
                    off += size * n
                    vals = raw.astype(np.float64) * float(q["scale"]) + float(q["min"])
                    arr = np.round(vals).astype(np.int32) if dtype == "int32" else vals.astype(np.float32)
                else:
                    raise ConversionError(f"weight {w['name']}: unsupported quantization dtype {qd}")
                if dtype == "int32" and arr.dtype != np.int32:
                    arr = np.round(arr).astype(np.int32)
            elif dtype == "float32":
                arr = np.frombuffer(buf, "<f4", n, off).astype(np.float32)
                off += 4 * n
            elif dtype == "int32":
                arr = np.frombuffer(buf, "<i4", n, off).astype(np.int32)
                off += 4 * n
            elif dtype == "bool":
                arr = np.frombuffer(buf, "<u1", n, off).astype(np.bool_)
                off += n
            else:
                raise ConversionError(f"weight {w['name']}: unsupported dtype {dtype}")
            out[w["name"]] = arr.reshape(shape)
        if off != len(buf):
            raise ConversionError(f"weight shards {group['paths']}: {len(buf)} bytes, manifest accounts for {off}")
    return out


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------------- attributes

def attr_s(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if a is None or "s" not in a:
        return default
    return base64.b64decode(a["s"]).decode("utf-8")


def attr_ints(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if a is None:
        return default
    return [int(v) for v in a.get("list", {}).get("i", [])]


def attr_strs(node, key):
    a = node.get("attr", {}).get(key)
    if a is None:
        return []
    return [base64.b64decode(v).decode("utf-8") for v in a.get("list", {}).get("s", [])]


def attr_b(node, key, default=False):
    a = node.get("attr", {}).get(key)
    return bool(a.get("b", default)) if a is not None else default


def attr_i(node, key, default=0):
    a = node.get("attr", {}).get(key)
    return int(a.get("i", default)) if a is not None else default


def attr_f(node, key, default=0.0):
    a = node.get("attr", {}).get(key)
    return float(a.get("f", default)) if a is not None else default


def tensor_key(ref):
    ref = ref.lstrip("^")
    return ref if ":" in ref else ref + ":0"


# ---------------------------------------------------------------------------------------------------- converter

class Converter:
    def __init__(self, model_json_path, input_name=None, output_names=None, nhwc_input=False, batch=None):
        with open(model_json_path, "r", encoding="utf-8") as f:
            self.j = json.load(f)
        if self.j.get("format") not in (None, "graph-model"):
            raise ConversionError(f"{model_json_path}: format {self.j.get('format')!r}, expected 'graph-model'")
        topo = self.j["modelTopology"]
        if topo.get("library", {}).get("function"):
            raise ConversionError("graphs with functions (control flow) are not supported")
        self.nodes = {n["name"]: n for n in topo["node"]}
        self.weights = read_weights(os.path.dirname(os.path.abspath(model_json_path)), self.j["weightsManifest"])
        self.input_name = input_name
        self.output_names = output_names or {}
        self.nhwc_input = nhwc_input
        self.batch = batch
        self.vals = {}
        self.onnx_nodes = []
        self.initializers = []
        self.used_names = set()
        self.graph_inputs = []
        self.ops_seen = {}

    # -- naming and emission

    def fresh(self, base):
        name = base
        i = 1
        while name in self.used_names:
            name = f"{base}_{i}"
            i += 1
        self.used_names.add(name)
        return name

    def emit(self, op, inputs, base, **attrs):
        out = self.fresh(base)
        self.onnx_nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def init(self, arr, base):
        name = self.fresh(base)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def const_input(self, v, base, dtype=np.float32):
        return self.init(np.asarray(v.const, dtype=dtype), base)

    # -- layout helpers

    def as_nchw(self, v, base):
        if v.is_const:
            c = np.asarray(v.const, dtype=np.float32)
            if c.ndim == 4:
                c = c.transpose(NCHW)
            return self.init(c, base + "/const")
        if v.layout == "nchw":
            return v.name
        if len(v.shape) != 4:
            raise ConversionError(f"{base}: expected a 4-D tensor, got shape {v.shape}")
        return self.emit("Transpose", [v.name], base + "/to_nchw", perm=NCHW)

    def as_tf(self, v, base, dtype=np.float32):
        if v.is_const:
            return self.init(np.asarray(v.const, dtype=dtype), base + "/const")
        if v.layout == "nchw":
            return self.emit("Transpose", [v.name], base + "/to_nhwc", perm=TO_NHWC)
        return v.name

    # -- graph walk

    def order(self, outputs):
        seen, order = set(), []
        for out in outputs:
            stack = [(out.split(":")[0], False)]
            while stack:
                name, done = stack.pop()
                if done:
                    if name not in seen:
                        seen.add(name)
                        order.append(name)
                    continue
                if name in seen:
                    continue
                if name not in self.nodes:
                    raise ConversionError(f"node {name} is referenced but not defined")
                stack.append((name, True))
                for ref in reversed(self.nodes[name].get("input", [])):
                    if ref.startswith("^"):
                        continue
                    dep = tensor_key(ref).rsplit(":", 1)[0]
                    if dep not in seen:
                        stack.append((dep, False))
        return order

    def default_outputs(self):
        sig = self.j.get("signature") or {}
        if sig.get("outputs"):
            return [tensor_key(o["name"]).rsplit(":", 1)[0] for o in sig["outputs"].values()]
        consumed = set()
        for n in self.nodes.values():
            for ref in n.get("input", []):
                consumed.add(tensor_key(ref).rsplit(":", 1)[0])
        return sorted(n for n, node in self.nodes.items() if n not in consumed and node["op"] not in ("Const", "NoOp"))

    def convert(self):
        outputs = list(self.output_names.keys()) or self.default_outputs()
        # Reserve the graph's output names so that no internal tensor takes one of them.
        self.used_names.update(self.output_names.get(o, o) for o in outputs)
        for name in self.order(outputs):
            node = self.nodes[name]
            op = node["op"]
            self.ops_seen[op] = self.ops_seen.get(op, 0) + 1
            handler = getattr(self, "op_" + op.lstrip("_"), None)
            if handler is None:
                raise ConversionError(f"unsupported op {op} (node {name})")
            ins = [self.vals[tensor_key(r)] for r in node.get("input", []) if not r.startswith("^")]
            result = handler(node, ins)
            self.vals[name + ":0"] = result

        graph_outputs = []
        renames = {}
        for tf_name in outputs:
            v = self.vals[tensor_key(tf_name)]
            onnx_name = self.output_names.get(tf_name, tf_name)
            if v.is_const:
                raise ConversionError(f"output {tf_name} is a constant")
            src = self.as_tf(v, tf_name)
            produced = {o for n in self.onnx_nodes for o in n.output}
            if src in produced and src not in renames and src not in [i.name for i in self.graph_inputs]:
                renames[src] = onnx_name
            else:
                self.onnx_nodes.append(helper.make_node("Identity", [src], [onnx_name], name=onnx_name))
            graph_outputs.append(helper.make_tensor_value_info(onnx_name, v.dtype, self.dims(v.shape)))
        for n in self.onnx_nodes:
            for i, x in enumerate(n.input):
                if x in renames:
                    n.input[i] = renames[x]
            for i, x in enumerate(n.output):
                if x in renames:
                    n.output[i] = renames[x]
                    n.name = renames[x]

        graph = helper.make_graph(self.onnx_nodes, "tfjs2onnx", self.graph_inputs, graph_outputs, self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="tfjs2onnx", producer_version=VERSION)
        model.ir_version = IR_VERSION
        return model

    def dims(self, shape, perm=None):
        if perm is not None:
            shape = [shape[p] for p in perm]
        return [d if d is not None else "N" for d in shape]

    # ------------------------------------------------------------------------------------------------ ops

    def op_Placeholder(self, node, ins):
        dims = node.get("attr", {}).get("shape", {}).get("shape", {}).get("dim", [])
        shape = [int(d.get("size", -1)) for d in dims]
        shape = [None if d < 0 else d for d in shape]
        if self.batch is not None and shape:
            shape[0] = self.batch
        name = self.input_name or node["name"]
        self.used_names.add(name)
        if len(shape) == 4 and not self.nhwc_input:
            self.graph_inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, self.dims(shape, NCHW)))
            return Val(name=name, shape=shape, layout="nchw")
        self.graph_inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, self.dims(shape)))
        return Val(name=name, shape=shape)

    def op_Const(self, node, ins):
        if node["name"] not in self.weights:
            raise ConversionError(f"constant {node['name']} has no weights")
        return Val(const=self.weights[node["name"]])

    def op_Identity(self, node, ins):
        return ins[0]

    op_StopGradient = op_Identity

    # -- convolutions

    def padding(self, node, in_hw, k_hw, strides, dilations):
        mode = attr_s(node, "padding", "VALID")
        pads_b, pads_e, out = [], [], []
        for i in range(2):
            n, k, s, d = in_hw[i], k_hw[i], strides[i], dilations[i]
            keff = (k - 1) * d + 1
            if mode == "SAME":
                o = -(-n // s)
                total = max((o - 1) * s + keff - n, 0)
                b, e = total // 2, total - total // 2
            elif mode == "VALID":
                b = e = 0
                o = (n - keff) // s + 1
            elif mode == "EXPLICIT":
                ep = attr_ints(node, "explicit_paddings")
                b, e = ep[2 * (i + 1)], ep[2 * (i + 1) + 1]
                o = (n + b + e - keff) // s + 1
            else:
                raise ConversionError(f"{node['name']}: padding {mode}")
            pads_b.append(b)
            pads_e.append(e)
            out.append(o)
        return pads_b + pads_e, out

    def conv(self, node, ins, depthwise):
        name = node["name"]
        if attr_s(node, "data_format", "NHWC") != "NHWC":
            raise ConversionError(f"{name}: data_format {attr_s(node, 'data_format')}")
        x, w = ins[0], ins[1]
        if x.is_const or not w.is_const:
            raise ConversionError(f"{name}: expected a tensor input and constant filter")
        st = attr_ints(node, "strides", [1, 1, 1, 1])
        dl = attr_ints(node, "dilations", [1, 1, 1, 1])
        strides, dilations = [st[1], st[2]], [dl[1], dl[2]]
        filt = np.asarray(w.const, dtype=np.float32)
        kh, kw = filt.shape[0], filt.shape[1]
        cin = x.shape[3]
        if depthwise:
            c, m = filt.shape[2], filt.shape[3]
            weight = filt.reshape(kh, kw, c * m).transpose(2, 0, 1).reshape(c * m, 1, kh, kw)
            group, cout = c, c * m
        else:
            ci, cout = filt.shape[2], filt.shape[3]
            weight = filt.transpose(3, 2, 0, 1)
            if cin % ci:
                raise ConversionError(f"{name}: {cin} input channels, filter expects {ci}")
            group = cin // ci
        pads, out_hw = self.padding(node, [x.shape[1], x.shape[2]], [kh, kw], strides, dilations)

        fused = attr_strs(node, "fused_ops")
        extra = ins[2:]
        bias = None
        acts = list(fused)
        if acts and acts[0] == "BiasAdd":
            bias = np.asarray(extra[0].const, dtype=np.float32)
            acts = acts[1:]
            extra = extra[1:]
        elif acts and acts[0] == "FusedBatchNorm":
            scale, offset, mean, var = (np.asarray(e.const, dtype=np.float64) for e in extra[:4])
            eps = attr_f(node, "epsilon", 0.0)
            inv = scale / np.sqrt(var + eps)
            weight = (weight.astype(np.float64) * inv.reshape(-1, 1, 1, 1)).astype(np.float32)
            bias = (offset - mean * inv).astype(np.float32)
            acts = acts[1:]
            extra = extra[4:]
        conv_in = [self.as_nchw(x, name), self.init(weight, name + "/weight")]
        if bias is not None:
            conv_in.append(self.init(bias.reshape(-1), name + "/bias"))
        out = self.emit("Conv", conv_in, name if not acts else name + "/conv", kernel_shape=[kh, kw],
                        strides=strides, dilations=dilations, pads=pads, group=group)
        shape = [x.shape[0], out_hw[0], out_hw[1], cout]
        v = Val(name=out, shape=shape, layout="nchw")
        for act in acts:
            v = self.activation(act, v, name, node, extra)
        return v

    def op_Conv2D(self, node, ins):
        return self.conv(node, ins, depthwise=False)

    op_FusedConv2D = op_Conv2D

    def op_DepthwiseConv2dNative(self, node, ins):
        return self.conv(node, ins, depthwise=True)

    op_FusedDepthwiseConv2dNative = op_DepthwiseConv2dNative

    def activation(self, act, v, name, node, extra):
        if act == "Relu":
            return Val(name=self.emit("Relu", [v.name], name), shape=v.shape, layout=v.layout)
        if act == "Relu6":
            return self.relu6(v, name)
        if act == "Prelu":
            return self.prelu(v, extra[0], name)
        if act == "Elu":
            return Val(name=self.emit("Elu", [v.name], name), shape=v.shape, layout=v.layout)
        if act == "LeakyRelu":
            alpha = attr_f(node, "leakyrelu_alpha", 0.2)
            return Val(name=self.emit("LeakyRelu", [v.name], name, alpha=alpha), shape=v.shape, layout=v.layout)
        if act == "Sigmoid":
            return Val(name=self.emit("Sigmoid", [v.name], name), shape=v.shape, layout=v.layout)
        if act == "Tanh":
            return Val(name=self.emit("Tanh", [v.name], name), shape=v.shape, layout=v.layout)
        raise ConversionError(f"{name}: unsupported fused activation {act}")

    def relu6(self, v, name):
        lo = self.init(np.array(0, np.float32), name + "/min")
        hi = self.init(np.array(6, np.float32), name + "/max")
        return Val(name=self.emit("Clip", [v.name, lo, hi], name), shape=v.shape, layout=v.layout)

    def prelu(self, v, alpha, name):
        a = np.asarray(alpha.const, dtype=np.float32)
        if v.layout == "nchw":
            a = a.reshape([1] * (4 - a.ndim) + list(a.shape)).transpose(NCHW)
            if a.shape[0] == 1:
                a = a.reshape(a.shape[1:])
        return Val(name=self.emit("PRelu", [v.name, self.init(a, name + "/alpha")], name),
                   shape=v.shape, layout=v.layout)

    # -- pooling

    def pool(self, node, ins, onnx_op):
        name = node["name"]
        x = ins[0]
        ks = attr_ints(node, "ksize")
        st = attr_ints(node, "strides")
        pads, out_hw = self.padding(node, [x.shape[1], x.shape[2]], [ks[1], ks[2]], [st[1], st[2]], [1, 1])
        attrs = dict(kernel_shape=[ks[1], ks[2]], strides=[st[1], st[2]], pads=pads)
        if onnx_op == "AveragePool":
            attrs["count_include_pad"] = 0
        out = self.emit(onnx_op, [self.as_nchw(x, name)], name, **attrs)
        return Val(name=out, shape=[x.shape[0], out_hw[0], out_hw[1], x.shape[3]], layout="nchw")

    def op_MaxPool(self, node, ins):
        return self.pool(node, ins, "MaxPool")

    def op_AvgPool(self, node, ins):
        return self.pool(node, ins, "AveragePool")

    # -- padding

    def pad(self, node, ins, mode, value=None):
        name = node["name"]
        x, p = ins[0], np.asarray(ins[1].const, dtype=np.int64)
        rank = len(x.shape)
        shape = [None if d is None else d + int(p[i, 0]) + int(p[i, 1]) for i, d in enumerate(x.shape)]
        if x.layout == "nchw":
            p = p[NCHW]
        pads = self.init(np.concatenate([p[:, 0], p[:, 1]]).astype(np.int64), name + "/pads")
        inputs = [x.name, pads]
        if value is not None:
            inputs.append(self.init(np.array(value, np.float32), name + "/value"))
        out = self.emit("Pad", inputs, name, mode=mode)
        assert rank == len(shape)
        return Val(name=out, shape=shape, layout=x.layout)

    def op_Pad(self, node, ins):
        return self.pad(node, ins, "constant")

    def op_PadV2(self, node, ins):
        return self.pad(node, ins, "constant", float(np.asarray(ins[2].const)))

    def op_MirrorPad(self, node, ins):
        mode = attr_s(node, "mode", "REFLECT")
        if mode != "REFLECT":
            raise ConversionError(f"{node['name']}: MirrorPad mode {mode} has no ONNX equivalent")
        return self.pad(node, ins, "reflect")

    # -- elementwise

    BINARY = {"Add": "Add", "AddV2": "Add", "BiasAdd": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "Div",
              "Div": "Div", "Maximum": "Max", "Minimum": "Min", "Pow": "Pow"}
    FOLD = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide, "Max": np.maximum,
            "Min": np.minimum, "Pow": np.power}

    def binary(self, node, ins, onnx_op):
        name = node["name"]
        a, b = ins[0], ins[1]
        if a.is_const and b.is_const:
            return Val(const=self.FOLD[onnx_op](a.const, b.const))
        tensors = [v for v in (a, b) if not v.is_const]
        nchw = any(v.layout == "nchw" for v in tensors) and all(len(v.shape) == 4 for v in tensors)
        names = []
        for v in (a, b):
            if v.is_const:
                c = np.asarray(v.const, dtype=np.float32)
                if nchw and c.ndim > 0:
                    c = c.reshape([1] * (4 - c.ndim) + list(c.shape)).transpose(NCHW)
                names.append(self.init(c, name + "/const"))
            else:
                names.append(self.as_nchw(v, name) if nchw else self.as_tf(v, name))
        shape = broadcast_shape([v.shape if not v.is_const else list(np.shape(v.const)) for v in (a, b)])
        out = self.emit(onnx_op, names, name)
        return Val(name=out, shape=shape, layout="nchw" if nchw else "tf")

    def op_SquaredDifference(self, node, ins):
        d = self.binary(dict(node, name=node["name"] + "/diff"), ins, "Sub")
        return Val(name=self.emit("Mul", [d.name, d.name], node["name"]), shape=d.shape, layout=d.layout)

    def unary(self, node, ins, onnx_op, **attrs):
        x = ins[0]
        if x.is_const:
            raise ConversionError(f"{node['name']}: {node['op']} of a constant")
        return Val(name=self.emit(onnx_op, [x.name], node["name"], **attrs), shape=x.shape, layout=x.layout)

    def op_Relu(self, node, ins):
        return self.unary(node, ins, "Relu")

    def op_Relu6(self, node, ins):
        return self.relu6(ins[0], node["name"])

    def op_Sigmoid(self, node, ins):
        return self.unary(node, ins, "Sigmoid")

    def op_Tanh(self, node, ins):
        return self.unary(node, ins, "Tanh")

    def op_Elu(self, node, ins):
        return self.unary(node, ins, "Elu")

    def op_Exp(self, node, ins):
        return self.unary(node, ins, "Exp")

    def op_Log(self, node, ins):
        return self.unary(node, ins, "Log")

    def op_Sqrt(self, node, ins):
        return self.unary(node, ins, "Sqrt")

    def op_Neg(self, node, ins):
        return self.unary(node, ins, "Neg")

    def op_Abs(self, node, ins):
        return self.unary(node, ins, "Abs")

    def op_Softplus(self, node, ins):
        return self.unary(node, ins, "Softplus")

    def op_LeakyRelu(self, node, ins):
        return self.unary(node, ins, "LeakyRelu", alpha=attr_f(node, "alpha", 0.2))

    def op_Rsqrt(self, node, ins):
        s = self.unary(dict(node, name=node["name"] + "/sqrt"), ins, "Sqrt")
        return Val(name=self.emit("Reciprocal", [s.name], node["name"]), shape=s.shape, layout=s.layout)

    def op_Square(self, node, ins):
        x = ins[0]
        return Val(name=self.emit("Mul", [x.name, x.name], node["name"]), shape=x.shape, layout=x.layout)

    def op_Prelu(self, node, ins):
        return self.prelu(ins[0], ins[1], node["name"])

    # -- shape ops (TF order)

    def op_Reshape(self, node, ins):
        name = node["name"]
        x, s = ins[0], np.asarray(ins[1].const, dtype=np.int64)
        if x.is_const:
            return Val(const=np.reshape(x.const, s))
        known = [d for d in x.shape if d is not None]
        total = int(np.prod(known)) if len(known) == len(x.shape) else None
        shape = []
        for d in s.tolist():
            if d == -1:
                rest = int(np.prod([e for e in s.tolist() if e != -1]))
                shape.append(total // rest if total is not None else None)
            else:
                shape.append(int(d))
        out = self.emit("Reshape", [self.as_tf(x, name), self.init(s, name + "/shape")], name)
        return Val(name=out, shape=shape)

    def op_Squeeze(self, node, ins):
        name = node["name"]
        x = ins[0]
        axes = attr_ints(node, "squeeze_dims") or [i for i, d in enumerate(x.shape) if d == 1]
        axes = sorted(a % len(x.shape) for a in axes)
        shape = [d for i, d in enumerate(x.shape) if i not in axes]
        out = self.emit("Squeeze", [self.as_tf(x, name), self.init(np.array(axes, np.int64), name + "/axes")], name)
        return Val(name=out, shape=shape)

    def op_ExpandDims(self, node, ins):
        name = node["name"]
        x = ins[0]
        axis = int(np.asarray(ins[1].const).reshape(-1)[0])
        axis = axis % (len(x.shape) + 1)
        shape = list(x.shape)
        shape.insert(axis, 1)
        out = self.emit("Unsqueeze", [self.as_tf(x, name), self.init(np.array([axis], np.int64), name + "/axes")],
                        name)
        return Val(name=out, shape=shape)

    def op_Transpose(self, node, ins):
        name = node["name"]
        x, perm = ins[0], [int(p) for p in np.asarray(ins[1].const).reshape(-1)]
        if x.is_const:
            return Val(const=np.transpose(x.const, perm))
        out = self.emit("Transpose", [self.as_tf(x, name)], name, perm=perm)
        return Val(name=out, shape=[x.shape[p] for p in perm])

    def op_ConcatV2(self, node, ins):
        name = node["name"]
        parts, axis = ins[:-1], int(np.asarray(ins[-1].const))
        tensors = [v for v in parts if not v.is_const]
        rank = len(tensors[0].shape)
        axis %= rank
        nchw = rank == 4 and all(v.layout == "nchw" for v in tensors)
        names = [self.as_nchw(v, name) if nchw else self.as_tf(v, name) for v in parts]
        shape = list(tensors[0].shape)
        sizes = [v.shape[axis] if not v.is_const else np.shape(v.const)[axis] for v in parts]
        shape[axis] = None if any(s is None for s in sizes) else int(sum(sizes))
        out = self.emit("Concat", names, name, axis=NCHW.index(axis) if nchw else axis)
        return Val(name=out, shape=shape, layout="nchw" if nchw else "tf")

    def op_StridedSlice(self, node, ins):
        name = node["name"]
        x = ins[0]
        begin, end, strides = (np.asarray(v.const, dtype=np.int64).reshape(-1) for v in ins[1:4])
        if attr_i(node, "ellipsis_mask") or attr_i(node, "new_axis_mask"):
            raise ConversionError(f"{name}: StridedSlice with ellipsis or new-axis masks")
        bm, em, sm = attr_i(node, "begin_mask"), attr_i(node, "end_mask"), attr_i(node, "shrink_axis_mask")
        starts, ends, steps, axes, shape, squeeze = [], [], [], [], list(x.shape), []
        for i in range(len(begin)):
            st = int(strides[i])
            b = int(begin[i])
            e = int(end[i])
            if sm >> i & 1:
                e = b + 1 if b != -1 else INT64_MAX
                st = 1
                squeeze.append(i)
            else:
                if bm >> i & 1:
                    b = 0 if st > 0 else INT64_MAX
                if em >> i & 1:
                    e = INT64_MAX if st > 0 else -INT64_MAX
            starts.append(b)
            ends.append(e)
            steps.append(st)
            axes.append(i)
            n = shape[i]
            if n is not None:
                shape[i] = len(range(*slice(b if b < INT64_MAX else None, e, st).indices(n)))
        out = self.emit("Slice", [self.as_tf(x, name), self.init(np.array(starts, np.int64), name + "/starts"),
                                  self.init(np.array(ends, np.int64), name + "/ends"),
                                  self.init(np.array(axes, np.int64), name + "/axes"),
                                  self.init(np.array(steps, np.int64), name + "/steps")],
                        name if not squeeze else name + "/slice")
        if squeeze:
            out = self.emit("Squeeze", [out, self.init(np.array(squeeze, np.int64), name + "/squeeze")], name)
            shape = [d for i, d in enumerate(shape) if i not in squeeze]
        return Val(name=out, shape=shape)

    def op_MatMul(self, node, ins):
        name = node["name"]
        a, b = ins[0], ins[1]
        ta, tb = attr_b(node, "transpose_a"), attr_b(node, "transpose_b")
        an = self.as_tf(a, name)
        if ta:
            an = self.emit("Transpose", [an], name + "/ta", perm=[1, 0])
        if b.is_const:
            bc = np.asarray(b.const, np.float32)
            bn = self.init(bc.T if tb else bc, name + "/b")
            bshape = list((bc.T if tb else bc).shape)
        else:
            bn = self.as_tf(b, name)
            bshape = list(b.shape)
            if tb:
                bn = self.emit("Transpose", [bn], name + "/tb", perm=[1, 0])
                bshape = bshape[::-1]
        ashape = a.shape[::-1] if ta else a.shape
        fused = attr_strs(node, "fused_ops")
        extra = ins[2:]
        out = self.emit("MatMul", [an, bn], name if not fused else name + "/matmul")
        v = Val(name=out, shape=[ashape[0], bshape[1]])
        if fused and fused[0] == "BiasAdd":
            bias = self.init(np.asarray(extra[0].const, np.float32), name + "/bias")
            fused, extra = fused[1:], extra[1:]
            v = Val(name=self.emit("Add", [v.name, bias], name if not fused else name + "/biasadd"), shape=v.shape)
        for act in fused:
            v = self.activation(act, v, name, node, extra)
        return v

    op_FusedMatMul = op_MatMul

    def reduce(self, node, ins, onnx_op):
        name = node["name"]
        x = ins[0]
        axes = sorted(int(a) % len(x.shape) for a in np.asarray(ins[1].const).reshape(-1))
        keep = attr_b(node, "keep_dims")
        layout = "tf"
        if x.layout == "nchw":
            phys = sorted(NCHW.index(a) for a in axes)
            remaining = [NCHW[p] for p in range(4) if p not in phys]
            if keep or remaining == sorted(remaining):
                src, onnx_axes, layout = x.name, phys, ("nchw" if keep else "tf")
            else:
                src, onnx_axes = self.as_tf(x, name), axes
        else:
            src, onnx_axes = x.name, axes
        if onnx_op == "ReduceSum":
            out = self.emit(onnx_op, [src, self.init(np.array(onnx_axes, np.int64), name + "/axes")], name,
                            keepdims=int(keep))
        else:
            out = self.emit(onnx_op, [src], name, axes=onnx_axes, keepdims=int(keep))
        shape = [1 if i in axes else d for i, d in enumerate(x.shape)] if keep else \
            [d for i, d in enumerate(x.shape) if i not in axes]
        return Val(name=out, shape=shape, layout=layout)

    def op_Mean(self, node, ins):
        return self.reduce(node, ins, "ReduceMean")

    def op_Sum(self, node, ins):
        return self.reduce(node, ins, "ReduceSum")

    def op_Max(self, node, ins):
        return self.reduce(node, ins, "ReduceMax")

    def op_Min(self, node, ins):
        return self.reduce(node, ins, "ReduceMin")

    def op_Prod(self, node, ins):
        return self.reduce(node, ins, "ReduceProd")

    def op_Softmax(self, node, ins):
        name = node["name"]
        x = ins[0]
        return Val(name=self.emit("Softmax", [self.as_tf(x, name)], name, axis=-1), shape=x.shape)

    def resize(self, node, ins, mode):
        name = node["name"]
        x, size = ins[0], [int(s) for s in np.asarray(ins[1].const).reshape(-1)]
        if x.shape[1] is None or x.shape[2] is None:
            raise ConversionError(f"{name}: resize of an input with unknown spatial size")
        align, half = attr_b(node, "align_corners"), attr_b(node, "half_pixel_centers")
        attrs = {"mode": mode}
        if mode == "linear":
            attrs["coordinate_transformation_mode"] = "align_corners" if align else ("half_pixel" if half else
                                                                                       "asymmetric")
        else:
            attrs["coordinate_transformation_mode"] = "align_corners" if align else (
                "tf_half_pixel_for_nn" if half else "asymmetric")
            attrs["nearest_mode"] = "round_prefer_ceil" if align else "floor"
        scales = np.array([1, 1, size[0] / x.shape[1], size[1] / x.shape[2]], np.float32)
        out = self.emit("Resize", [self.as_nchw(x, name), "", self.init(scales, name + "/scales")], name, **attrs)
        return Val(name=out, shape=[x.shape[0], size[0], size[1], x.shape[3]], layout="nchw")

    def op_ResizeBilinear(self, node, ins):
        return self.resize(node, ins, "linear")

    def op_ResizeNearestNeighbor(self, node, ins):
        return self.resize(node, ins, "nearest")


for _tf_op, _onnx_op in Converter.BINARY.items():
    setattr(Converter, "op_" + _tf_op, lambda self, node, ins, _o=_onnx_op: self.binary(node, ins, _o))


def broadcast_shape(shapes):
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = [s[i - rank + len(s)] for s in shapes if i - rank + len(s) >= 0]
        known = [d for d in dims if d is not None and d != 1]
        out.append(known[0] if known else (None if None in dims else 1))
    return out


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model_json", help="TF.js graph model (model.json); its weight shards are read from beside it")
    p.add_argument("output", help="ONNX file to write")
    p.add_argument("--input-name", help="name of the ONNX input (default: the TF placeholder's name)")
    p.add_argument("--output", dest="outputs", action="append", default=[], metavar="TF_NODE=ONNX_NAME",
                   help="graph output and its ONNX name (repeatable; default: the signature's or unconsumed nodes)")
    p.add_argument("--nhwc-input", action="store_true", help="keep the input NHWC (default: NCHW)")
    p.add_argument("--batch", type=int, help="fix the batch dimension (default: as in the TF.js graph)")
    p.add_argument("--doc", default="", help="doc_string for the model")
    args = p.parse_args(argv)

    outputs = {}
    for o in args.outputs:
        tf_name, _, onnx_name = o.partition("=")
        outputs[tf_name] = onnx_name or tf_name
    conv = Converter(args.model_json, args.input_name, outputs, args.nhwc_input, args.batch)
    model = conv.convert()
    model.doc_string = args.doc
    onnx.checker.check_model(model, full_check=True)
    data = model.SerializeToString()
    with open(args.output, "wb") as f:
        f.write(data)
    ops = ", ".join(f"{k}×{v}" for k, v in sorted(conv.ops_seen.items()))
    print(f"{os.path.basename(args.model_json)} -> {args.output}: {len(data)} bytes; TF ops: {ops}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ConversionError as e:
        print(f"tfjs2onnx: {e}", file=sys.stderr)
        sys.exit(2)
