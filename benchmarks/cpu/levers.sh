#!/usr/bin/env bash
# The memory levers of issue 20, each on its own at 512² text-to-image on the full-size pack, one process at a time,
# written into docs/performance.md as the "levers" table (run.sh's table has the configurations that were kept).
#   benchmarks/cpu/levers.sh PACK [MHA_PACK]     PACK from run.sh --full; MHA_PACK: the same pack with unet_mha as unet
#                                                (run.sh builds it as WORK/mha)
# Environment: STEPS [3] (memory is the point here; run.sh measures the speed), LEVERS [all below],
# BENCH_ORT132 a CpuBench built with -p:OnnxRuntimeVersion=1.32.0 (row left out when unset).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
source "$root/../shared/reference/env.sh"
pack=${1:?pack folder}
mha=${2:-}
steps=${STEPS:-3}
export OMP_NUM_THREADS=2
dotnet build benchmarks/FaceStudio.CpuBench/FaceStudio.CpuBench.csproj -c Release -v q -nologo >/dev/null
bench=benchmarks/FaceStudio.CpuBench/bin/Release/net10.0/FaceStudio.CpuBench
out=$(mktemp)
load_start=$(cut -d" " -f1-3 /proc/loadavg)
"$REFERENCE_PYTHON" benchmarks/cpu/gemm.py 4096 >>"$out"
common=(pipeline --size 512 --steps "$steps" --threads 2)
for lever in ${LEVERS:-plain mha noarena noprepack ort132}; do
  case $lever in
    plain) "$bench" "${common[@]}" --pack "$pack" --label plain ;;
    mha) [ -z "$mha" ] || "$bench" "${common[@]}" --pack "$mha" --label mha ;;
    noarena) "$bench" "${common[@]}" --pack "$pack" --label plain --no-arena ;;
    noprepack) "$bench" "${common[@]}" --pack "$pack" --label plain --disable-prepacking ;;
    nospin) "$bench" "${common[@]}" --pack "$pack" --label plain --session-config session.intra_op.allow_spinning=0 ;;
    ort132) [ -z "${BENCH_ORT132:-}" ] || "$BENCH_ORT132" "${common[@]}" --pack "$pack" --label plain-ort1.32 ;;
  esac >>"$out" || echo "{\"side\": \"sdk\", \"kind\": \"failed\", \"config\": \"$lever\", \"size\": 512}" >>"$out"
done
header="levers full, size 512, $steps steps, 2 threads — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average at the start $load_start, at the end $(cut -d" " -f1-3 /proc/loadavg)"
python3 benchmarks/cpu/table.py "$out" docs/performance.md "$header"
rm -f "$out"
