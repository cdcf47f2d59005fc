#!/usr/bin/env bash
# Run HERE (the build machine, not the GPU host). Publishes FaceStudio.GpuLoop self-contained for linux-x64 with the
# GPU build of ONNX Runtime, packs the CUDA provider into xz pieces (tools: /work/shared/device/pack-ort-cuda.sh), and
# stages one folder per device call under .gpu/ (ignored by git), each small enough for the 64 MiB per-call limit:
#   .gpu/piece0 .. .gpu/piece2   one 50 MB piece of the CUDA provider each
#   .gpu/piece3                  the last piece + gpuloop.tar.gz (the published app, without the CUDA provider)
# usage: tools/gpu/prepare.sh [--skip-pack]      (--skip-pack keeps existing pieces, e.g. after a code change)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
stage="$root/.gpu"
pack_script=${PACK_ORT_CUDA:-$root/../shared/device/pack-ort-cuda.sh}
[ -f "$pack_script" ] || pack_script=/work/shared/device/pack-ort-cuda.sh
limit=$((64 * 1024 * 1024))
skip_pack=0
[ "${1:-}" = "--skip-pack" ] && skip_pack=1

mkdir -p "$stage"
publish="$stage/publish"
rm -rf "$publish"
echo "== publish FaceStudio.GpuLoop (linux-x64, self-contained, trimmed, ONNX Runtime GPU)"
# TrimMode=partial trims only assemblies that declare themselves trimmable (the framework), so the SDK's reflection
# (System.Text.Json in the tokenizer and manifest readers) is kept whole; the trim analyzers are switched off because
# src/ still has IL2026 sites (ClipTokenizer, manifests) that warnings-as-errors would turn into build errors.
dotnet publish "$root/benchmarks/FaceStudio.GpuLoop/FaceStudio.GpuLoop.csproj" -c Release -r linux-x64 --self-contained \
  -p:FaceStudioOnnxRuntime=Gpu -p:PublishTrimmed=true -p:TrimMode=partial \
  -p:EnableTrimAnalyzer=false -p:SuppressTrimAnalysisWarnings=true -o "$publish" -nologo -v:q

# The CUDA provider (and TensorRT's, unused) travel separately; everything else goes in one archive. The Gpu
# meta-package also drops the Windows natives (onnxruntime*.dll, ~215 MB) into a linux-x64 publish: not needed.
rm -f "$publish"/libonnxruntime_providers_cuda.so "$publish"/libonnxruntime_providers_tensorrt.so "$publish"/onnxruntime*.dll
rm -f "$publish"/*.pdb
for lib in libonnxruntime.so libonnxruntime_providers_shared.so FaceStudio.GpuLoop; do
  [ -e "$publish/$lib" ] || { echo "missing $lib in the published app" >&2; exit 1; }
done
app="$stage/gpuloop.tar.gz"
tar -czf "$app" -C "$publish" .
echo "app archive: $(du -h "$app" | cut -f1)"

pieces="$stage/cuda"
if [ "$skip_pack" = 0 ] || ! ls "$pieces"/cuda.so.xz.* >/dev/null 2>&1; then
  echo "== pack the CUDA provider"
  bash "$pack_script" "$pieces"
fi

# One folder per call.
rm -rf "$stage"/piece*
mapfile -t parts < <(ls "$pieces"/cuda.so.xz.* | sort)
last=$((${#parts[@]} - 1))
for i in "${!parts[@]}"; do
  mkdir -p "$stage/piece$i"
  cp "${parts[$i]}" "$stage/piece$i/"
done
cp "$app" "$stage/piece$last/"
( cd "$pieces" && sha256sum cuda.so.xz.* ) > "$stage/piece$last/cuda.sha256"

# Size check: the tracked tree travels with every call, plus the carried folder.
tree=$(cd "$root" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
status=0
for i in "${!parts[@]}"; do
  size=$(du -cb "$stage/piece$i" | tail -1 | cut -f1)
  total=$((size + tree))
  printf 'piece%d: %6.1f MiB carried + %4.1f MiB tree = %6.1f MiB (limit 64 MiB)\n' "$i" \
    "$(echo "$size / 1048576" | bc -l)" "$(echo "$tree / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)"
  [ "$total" -lt "$limit" ] || { echo "piece$i is over the limit" >&2; status=1; }
done
echo "pieces: ${#parts[@]} (last one is piece$last); see tools/gpu/README.md for the device calls"
exit $status
