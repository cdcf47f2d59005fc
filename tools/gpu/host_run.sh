#!/usr/bin/env bash
# Runs ON the GPU host (through the device tool), from the repository root. One call per staged piece, back to back:
#   tools/gpu/host_run.sh 0      copies .gpu/piece0, then exports the random-weight SD1.5 UNet to fp32 ONNX
#   tools/gpu/host_run.sh 1      copies .gpu/piece1, then fuses it and converts it to fp16
#   tools/gpu/host_run.sh 2      copies .gpu/piece2
#   tools/gpu/host_run.sh 3 last copies .gpu/piece3 (last piece + app), joins the CUDA provider, runs any stage an
#                                earlier call missed, then PyTorch eager and the SDK loop in this same call, and writes
#                                everything to $OUT.
# Files outside the tree (/tmp/fs-gpu) survive between calls only while the machine stays warm (~30 s idle).
set -uo pipefail
piece=${1:?usage: host_run.sh PIECE [last]}
last=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${FS_GPU_WORK:-/tmp/fs-gpu}
out=${OUT:-$work/out}
app="$work/app"
mkdir -p "$work" "$out"
log="$out/host_run_piece$piece.log"
exec > >(tee -a "$log") 2>&1
stamp() { echo "[$(date -u +%H:%M:%S)] $*"; }

stamp "piece $piece: copying"
cp "$root/.gpu/piece$piece"/* "$work"/ || { stamp "piece$piece missing in the tree (carry .gpu/piece$piece)"; exit 1; }
ls -la "$work" | grep -E 'cuda|gpuloop' ; df -h /tmp | tail -1

py=python3
case "$piece" in
  0) timeout 240 $py "$root/tools/gpu/unet_bench.py" export --work "$work" || stamp "export failed (the last call retries)";;
  1) timeout 420 $py "$root/tools/gpu/unet_bench.py" optimize --work "$work" || stamp "optimize failed (the last call retries)";;
esac
[ "$last" = "last" ] || { stamp "piece $piece done"; exit 0; }

stamp "joining the CUDA provider"
( cd "$work" && sha256sum -c --quiet cuda.sha256 ) \
  || { stamp "piece checksums differ: a piece is missing or damaged"; ls -la "$work"; exit 1; }
mkdir -p "$app"
tar -xzf "$work/gpuloop.tar.gz" -C "$app"
cat "$work"/cuda.so.xz.* | $py -c "import lzma,sys,shutil; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer, 1<<22)" > "$app/libonnxruntime_providers_cuda.so"
ls -la "$app/libonnxruntime_providers_cuda.so"
# shellcheck disable=SC1091
source "$root/tools/gpu/ort-env.sh" "$app"

{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; date -u; nproc; } > "$out/machine.txt" 2>&1
cat "$out/machine.txt"

[ -f "$work/fp32/unet.onnx" ] || timeout 240 $py "$root/tools/gpu/unet_bench.py" export --work "$work"
[ -f "$work/fp16/unet/model.onnx" ] || timeout 420 $py "$root/tools/gpu/unet_bench.py" optimize --work "$work"
cp "$work/model-info.json" "$out/" 2>/dev/null

stamp "PyTorch eager baseline"
timeout 150 $py "$root/tools/gpu/unet_bench.py" baseline --work "$work" --json "$out/torch.json" || stamp "baseline failed"

stamp "SDK loop (FaceStudio.GpuLoop)"
timeout 360 "$app/FaceStudio.GpuLoop" --model "$work/fp16/unet/model.onnx" --provider cuda \
  --modes iobinding,cudagraph,host,raw,rawgraph --steps 25 --runs 3 --warmup 1 --json "$out/sdk.json" --markdown "$out/sdk.md"
stamp "SDK loop exit code $?"

$py "$root/tools/gpu/summarize.py" "$out" | tee "$out/summary.md"
stamp "done"
