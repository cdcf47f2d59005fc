#!/usr/bin/env bash
# What of tools/export runs without torch: assembles a pack from the demo pack's models with copy_insightface.py,
# the byte-level tokenizer writer and write_manifest.py, converts its VAE decoder (which has a Resize) to fp16 with
# optimize_fp16.py --simple-fp16, and has the SDK (facestudio CLI) generate from it. Then checks that the same fp16
# decoder WITHOUT the Resize-scales fix is rejected by ONNX Runtime. Needs: python3 with onnx + numpy, a built CLI.
#   dotnet build samples/FaceStudio.Cli -c Release && tools/export/tests/test_pack_roundtrip.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
py=${PYTHON:-python3}
cli="$root/samples/FaceStudio.Cli/bin/Release/net10.0/facestudio.dll"
[ -f "$cli" ] || { echo "build the CLI first: dotnet build samples/FaceStudio.Cli -c Release"; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
demo="$tmp/demo"; pack="$tmp/pack"
dotnet "$cli" demo-pack --out "$demo" >/dev/null
mkdir -p "$pack"
for c in text_encoder unet vae_encoder image_encoder projector scheduler; do cp -r "$demo/$c" "$pack/"; done
"$py" "$root/tools/export/copy_insightface.py" --out "$pack" --from-pack "$demo"
"$py" -c "import sys, pathlib; sys.path.insert(0, '$root/tools/export'); import common; print('tokenizer:', common.write_tokenizer(pathlib.Path('$pack'), None))"
"$py" "$root/tools/export/optimize_fp16.py" "$demo/vae_decoder/model.onnx" "$pack/vae_decoder/model.onnx" --simple-fp16
"$py" "$root/tools/export/write_manifest.py" --pack "$pack" --name "round-trip test" --demo >/dev/null
dotnet "$cli" generate --models "$pack" --prompt "a test" --steps 4 --size 128x128 --seed 1 --out "$tmp/out.png" --quiet
[ -s "$tmp/out.png" ] || { echo "FAIL: no picture from the assembled pack"; exit 1; }

# Without the fix the fp16 decoder must not load.
"$py" -c "
import sys, onnx; sys.path.insert(0, '$root/tools/export'); import optimize_fp16 as o
m = onnx.load('$demo/vae_decoder/model.onnx'); o.simple_fp16(m); onnx.save(m, '$pack/vae_decoder/model.onnx')"
if dotnet "$cli" generate --models "$pack" --prompt "a test" --steps 4 --size 128x128 --seed 1 --out "$tmp/out2.png" --quiet 2>"$tmp/err.txt"; then
  echo "FAIL: the unfixed fp16 decoder loaded"; exit 1
fi
grep -q "Resize" "$tmp/err.txt" || { echo "FAIL: unexpected error:"; cat "$tmp/err.txt"; exit 1; }
echo "pack round trip passed (assembled pack generates; unfixed fp16 Resize rejected: $(grep -o 'Type Error[^.]*' "$tmp/err.txt" | head -1))"
