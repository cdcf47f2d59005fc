#!/usr/bin/env bash
# Side-by-side CPU benchmark of the SDK and diffusers (issue 20). Writes ONE table into docs/performance.md.
#   benchmarks/cpu/run.sh --quick          the committed tiny real-architecture pack, 64×64 (minutes)
#   benchmarks/cpu/run.sh --full DIR       full-size SD1.5 with random weights in DIR (exported there first when DIR has
#                                          no unet/: needs ~13 GB free memory), and the same UNet with fused attention in
#                                          DIR/unet_mha (export_sd15.py --attention mha; MHA=0 skips it) for the mha rows
# Environment (defaults in brackets): STEPS [6] denoising steps per generation (the UNet step is the median of the
# steps after the first, so ≥ 6 gives a median of ≥ 5); SIZES ["512 768"]; THREADS [2]; DIFFUSERS_SIZES ["512"];
# CONFIGS ["default low-memory mha mha+low-memory"] (SDK rows per size); SKIP [""] (size:config pairs to leave out,
# e.g. "768:default", each reported as skipped in the table); IDENTITY [1] the two-identity path (IDENTITY_LOW_MEMORY [1]
# adds its low-memory row; a diffusers row runs the same identity UNet in PyTorch) (a full-size identity UNet, with
# IDENTITY_ATTENTION [mha when DIR has unet_mha/, else plain] self-attention, and a projector with random weights are
# exported into WORK/identity-ATTENTION when missing, with the face models the SDK ships); WORK [DIR-bench] where the pack variants go (hard links to DIR's files, so nothing is copied).
# Needs: the .NET SDK, ../shared/reference (diffusers 0.28.2 sources, Debian's python3-torch); installs Debian's
# libopenblas0-pthread and libjemalloc2 when missing (as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:---quick}
threads=${THREADS:-2}
steps=${STEPS:-6}
cd "$root"
source "$root/../shared/reference/env.sh"
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
# An optimised BLAS for numpy's GEMM rate and for torch's batched matmuls (diffusers' attention runs on torch.bmm,
# which goes to the BLAS /etc/alternatives/libblas.so.3 names: with Debian's reference netlib BLAS a diffusers UNet
# step takes many minutes instead of ~25 s), and jemalloc for the diffusers jemalloc rows.
missing=()
for package in libopenblas0-pthread libjemalloc2; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/dev/null 2>&1 || echo "run.sh: apt-get install ${missing[*]} failed" >&2
  else
    echo "run.sh: install ${missing[*]} (as root) for representative diffusers rows; continuing without" >&2
  fi
fi
faces=tests/TestData/faces/photos

if [ "$mode" = "--full" ]; then
  pack=$(cd "${2:?--full needs the pack folder}" 2>/dev/null && pwd || { mkdir -p "$2" && cd "$2" && pwd; })
  work=${WORK:-$pack-bench}
  sizes=${SIZES:-512 768} diffusers_sizes=${DIFFUSERS_SIZES:-512} size_config=full gemm_n=4096
  if [ ! -f "$pack/unet/model.onnx" ]; then
    "$REFERENCE_PYTHON" tools/export/export_sd15.py --out "$pack" --random-weights
    "$REFERENCE_PYTHON" tools/export/write_manifest.py --pack "$pack"
  fi
  if [ ! -f "$pack/unet_mha/model.onnx" ] && [ "${MHA:-1}" = 1 ]; then
    # The same UNet (same seed) with fused attention, for the mha rows.
    "$REFERENCE_PYTHON" tools/export/export_sd15.py --out "$pack" --random-weights --components unet --attention mha --unet-folder unet_mha
  fi
else
  pack=tests/FaceStudio.Onnx.Tests/TestData/Parity/pack
  work=${WORK:-$(mktemp -d)}
  sizes=${SIZES:-64} diffusers_sizes=${DIFFUSERS_SIZES:-64} size_config=tiny gemm_n=1024
fi
mkdir -p "$work"

dotnet build benchmarks/FaceStudio.CpuBench/FaceStudio.CpuBench.csproj -c Release -v q -nologo >/dev/null
bench=benchmarks/FaceStudio.CpuBench/bin/Release/net10.0/FaceStudio.CpuBench

# A pack variant: hard links to the pack's files (a copy when the folders are on different file systems), with one
# component folder taken from elsewhere.
variant() { # variant NAME COMPONENT SOURCE_FOLDER
  local dir=$work/$1
  if [ ! -d "$dir" ]; then
    cp -al "$pack" "$dir" 2>/dev/null || cp -a "$pack" "$dir"
    rm -rf "${dir:?}/$2"
    cp -al "$3" "$dir/$2" 2>/dev/null || cp -a "$3" "$dir/$2"
  fi
  echo "$dir"
}

packs=(plain "$pack")
if [ -f "$pack/unet_mha/model.onnx" ]; then
  packs+=(mha "$(variant mha unet "$pack/unet_mha")")
elif [ "$mode" = "--quick" ]; then
  packs+=(mha "$(variant mha unet tests/FaceStudio.Onnx.Tests/TestData/Attention/unet_mha)")
fi

identity_pack=
# The identity UNet's self-attention: mha when the pack has the fused-attention UNet (IDENTITY_ATTENTION overrides).
identity_attention=${IDENTITY_ATTENTION:-$([ -f "$pack/unet_mha/model.onnx" ] || [ "$mode" = --quick ] && echo mha || echo plain)}
if [ "${IDENTITY:-1}" = 1 ]; then
  identity_pack=$work/identity-$identity_attention
  if [ ! -f "$identity_pack/facestudio.json" ]; then
    rm -rf "$identity_pack"
    mkdir -p "$identity_pack"
    for part in text_encoder vae_decoder tokenizer scheduler; do
      [ -d "$pack/$part" ] && { cp -al "$pack/$part" "$identity_pack/$part" 2>/dev/null || cp -a "$pack/$part" "$identity_pack/$part"; }
    done
    "$REFERENCE_PYTHON" tools/export/export_identity_unet.py --out "$identity_pack" --random-weights --size "$size_config" --folder unet \
      --attention "$identity_attention"
    "$REFERENCE_PYTHON" tools/export/export_projector.py --out "$identity_pack" --random-weights --size "$size_config" \
      --flavor ip-adapter-faceid --face-dim 256
    "$bench" extract-faces "$identity_pack/identity"
    "$REFERENCE_PYTHON" tools/export/write_manifest.py --pack "$identity_pack" --name "benchmark identity pack (random weights)" \
      --detector identity/blazeface.onnx --embedder identity/mobileface.onnx --landmarker identity/facemesh.onnx
  fi
fi

# The JSON lines stay in WORK (a partial run can still be tabulated: python3 benchmarks/cpu/table.py FILE DOC HEADER).
out=$work/results-$(date -u +%Y%m%dT%H%M%S).jsonl
load_start=$(cut -d" " -f1-3 /proc/loadavg)
"$REFERENCE_PYTHON" benchmarks/cpu/gemm.py "$gemm_n" "start of the run" >>"$out"
skip=" ${SKIP:-} "
run_sdk() { # run_sdk SIZE CONFIG LABEL PACK [FLAGS...]
  local size=$1 config=$2 label=$3 dir=$4
  shift 4
  if [[ "$skip" == *" $size:$config "* ]]; then
    echo "{\"side\": \"sdk\", \"kind\": \"skipped\", \"config\": \"$config\", \"size\": $size}" >>"$out"
    return
  fi
  # One process per configuration, one at a time, so each peak RSS is that configuration's alone.
  "$bench" pipeline --pack "$dir" --size "$size" --steps "$steps" --threads "$threads" --label "$label" "$@" >>"$out" ||
    echo "{\"side\": \"sdk\", \"kind\": \"failed\", \"config\": \"$config\", \"size\": $size}" >>"$out"
}
for size in $sizes; do
  for config in ${CONFIGS:-default low-memory mha mha+low-memory}; do
    case $config in
      default) run_sdk "$size" "$config" plain "$pack" ;;
      low-memory) run_sdk "$size" "$config" plain "$pack" --low-memory ;;
      mha|mha+low-memory)
        [ "${#packs[@]}" -gt 2 ] || continue
        flags=(); [ "$config" = mha ] || flags=(--low-memory)
        run_sdk "$size" "$config" mha "${packs[3]}" "${flags[@]}" ;;
      *) run_sdk "$size" "$config" "${config%%+*}" "$pack" "--${config#*+}" ;;
    esac
  done
done
if [ -n "$identity_pack" ]; then
  size=${sizes%% *}
  label=identity; [ "$identity_attention" = mha ] && label=identity-mha
  run_sdk "$size" identity $label "$identity_pack" --identities "$faces/grace-hopper.jpg,$faces/astronaut.jpg"
  if [ "${IDENTITY_LOW_MEMORY:-1}" = 1 ]; then
    run_sdk "$size" identity+low-memory $label "$identity_pack" --identities "$faces/grace-hopper.jpg,$faces/astronaut.jpg" --low-memory
  fi
fi
for size in $diffusers_sizes; do
  "$REFERENCE_PYTHON" benchmarks/cpu/diffusers_bench.py --size-config $size_config --size "$size" --steps "$steps" --label glibc 2>/dev/null >>"$out"
  LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 "$REFERENCE_PYTHON" benchmarks/cpu/diffusers_bench.py --size-config $size_config --size "$size" --steps "$steps" --label jemalloc 2>/dev/null >>"$out"
done
if [ -n "$identity_pack" ]; then
  # The same two-identity UNet in PyTorch (export_identity_unet.py's masked identity attention on diffusers' UNet).
  "$REFERENCE_PYTHON" benchmarks/cpu/diffusers_bench.py --size-config $size_config --size "${diffusers_sizes%% *}" --steps "$steps" --label glibc \
    --identities 2 2>/dev/null >>"$out"
fi

# Again at the end: the table's rate is the fastest of all four measurements (the shares are then the lowest).
"$REFERENCE_PYTHON" benchmarks/cpu/gemm.py "$gemm_n" "end of the run" >>"$out"

header="${mode#--} $size_config, sizes $sizes, $steps steps, $threads threads, ONNX Runtime $(grep -oP '(?<=<OnnxRuntimeVersion>)[^<]+' Directory.Packages.props) — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average at the start $load_start, at the end $(cut -d" " -f1-3 /proc/loadavg)"
python3 benchmarks/cpu/table.py "$out" docs/performance.md "$header"
