#!/usr/bin/env bash
# Side-by-side CPU benchmark of the SDK and diffusers (issue 20). Writes one table into docs/performance.md.
#   benchmarks/cpu/run.sh --quick        the committed tiny real-architecture pack, 64×64 (minutes)
#   benchmarks/cpu/run.sh --full [DIR]   exports full-size SD1.5 with random weights into DIR (default: a temporary
#                                        folder, deleted afterwards), 512×512; needs ~13 GB free for the export
# Needs: the .NET SDK, ../shared/reference (diffusers 0.28.2 sources, Debian's python3-torch), libjemalloc2.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:---quick}
threads=${THREADS:-2}
steps=${STEPS:-5}
runs=${RUNS:-5}
cd "$root"
source "$root/../shared/reference/env.sh"
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

if [ "$mode" = "--full" ]; then
  pack=${2:-$(mktemp -d)}
  cleanup=${2:+no}
  size=512 size_config=full gemm_n=4096
  if [ ! -f "$pack/unet/model.onnx" ]; then
    "$REFERENCE_PYTHON" tools/export/export_sd15.py --out "$pack" --random-weights
    "$REFERENCE_PYTHON" tools/export/write_manifest.py --pack "$pack"
  fi
else
  pack=tests/FaceStudio.Onnx.Tests/TestData/Parity/pack
  cleanup=no size=64 size_config=tiny gemm_n=1024
fi

dotnet build benchmarks/FaceStudio.CpuBench/FaceStudio.CpuBench.csproj -c Release -v q -nologo >/dev/null
bench=benchmarks/FaceStudio.CpuBench/bin/Release/net10.0/FaceStudio.CpuBench
out=$(mktemp)
"$REFERENCE_PYTHON" benchmarks/cpu/gemm.py "$gemm_n" >>"$out"
# One process per configuration, one at a time, so each peak RSS is that configuration's alone.
"$bench" components --pack "$pack" --size $size --runs "$runs" --threads "$threads" | grep -v '"start"' >>"$out"
"$bench" components --pack "$pack" --size $size --runs "$runs" --threads "$threads" --no-arena | grep -v '"start"' >>"$out"
for flags in "" "--eager-vae-encoder" "--no-arena"; do
  # shellcheck disable=SC2086
  "$bench" pipeline --pack "$pack" --size $size --steps "$steps" --threads "$threads" $flags | grep '"txt2img"' >>"$out"
done
"$REFERENCE_PYTHON" benchmarks/cpu/diffusers_bench.py --size-config $size_config --size $size --runs "$runs" --steps "$steps" --label glibc 2>/dev/null >>"$out"
LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 "$REFERENCE_PYTHON" benchmarks/cpu/diffusers_bench.py --size-config $size_config --size $size --runs "$runs" --steps "$steps" --label jemalloc 2>/dev/null >>"$out"

header="${mode#--} size $size $size_config, $steps steps, $threads threads — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 benchmarks/cpu/table.py "$out" docs/performance.md "$header"
rm -f "$out"
[ "$cleanup" = no ] || rm -rf "$pack"
