#!/usr/bin/python3
"""Converts every model listed in models.json from an unpacked package folder into OUT_DIR (see regenerate.sh)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tfjs2onnx  # noqa: E402


def main(package_dir, out_dir):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "models.json"), encoding="utf-8") as f:
        spec = json.load(f)
    pkg = f"{spec['package']['name']}@{spec['package']['version']}"
    os.makedirs(out_dir, exist_ok=True)
    for m in spec["models"]:
        args = [os.path.join(package_dir, m["source"]), os.path.join(out_dir, m["name"] + ".onnx"),
                "--input-name", m["input"], "--doc", f"{pkg} {m['source']}, converted by tools/tfjs2onnx"]
        for tf_name, onnx_name in m["outputs"].items():
            args += ["--output", f"{tf_name}={onnx_name}"]
        tfjs2onnx.main(args)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: convert_all.py <unpacked package dir> <out dir>", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
