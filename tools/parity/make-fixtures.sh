#!/usr/bin/env bash
# Regenerates the parity fixtures (docs in tests/FaceStudio.Onnx.Tests/TestData/Parity/README.md):
#   tests/FaceStudio.Onnx.Tests/TestData/Parity/   tiny real-architecture pack + PyTorch/diffusers reference outputs
#   tests/FaceStudio.Core.Tests/TestData/Parity/torch_cpu_randn.json   torch.randn on CPU generators
# On a fresh Debian 12 machine: the reference sources in ../shared/reference (diffusers 0.28.2, transformers 4.35,
# huggingface_hub 0.20.3) and Debian's python3-torch (1.13) + python3-onnx; env.sh installs the packages it needs.
#   tools/parity/make-fixtures.sh            (REFERENCE_DIR=/path/to/shared/reference to use another copy)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ref=${REFERENCE_DIR:-$root/../shared/reference}
[ -f "$ref/env.sh" ] || { echo "no $ref/env.sh: set REFERENCE_DIR to the shared/reference folder"; exit 2; }
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
# shellcheck disable=SC1091
source "$ref/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$root"
"$REFERENCE_PYTHON" tools/parity/record_noise.py --out tests/FaceStudio.Core.Tests/TestData/Parity/torch_cpu_randn.json
rc=0
"$REFERENCE_PYTHON" tools/parity/make_fixtures.py --out tests/FaceStudio.Onnx.Tests/TestData/Parity --work "$work" >"$work/log" 2>&1 || rc=$?
grep -E "^\[|wrote |Error|error" "$work/log" || true
[ "$rc" -eq 0 ] || { echo "make_fixtures.py failed ($rc):"; tail -40 "$work/log"; exit "$rc"; }
test -f tests/FaceStudio.Onnx.Tests/TestData/Parity/index.json
# Small and separate: diffusers' bicubic mask downsampling on soft masks of several sizes (BicubicMaskResampler's reference).
"$REFERENCE_PYTHON" tools/parity/record_mask_downsample.py --out tests/FaceStudio.Onnx.Tests/TestData/Parity/identity/mask_downsample
du -sh tests/FaceStudio.Onnx.Tests/TestData/Parity tests/FaceStudio.Core.Tests/TestData/Parity
