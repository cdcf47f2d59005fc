#!/usr/bin/env bash
# One command from public checkpoints (or seeded random weights) to a FaceStudio model pack: runs the export scripts of
# docs/export.md in order, writes the manifest and has the SDK generate one small picture from the result.
#
#   tools/export/make-pack.sh --out packs/sd15-faceid \
#       --sd15 stable-diffusion-v1-5/stable-diffusion-v1-5 \      # hub id or local diffusers folder (the default)
#       --ip-adapter-faceid ip-adapter-faceid_sd15.bin \           # identity UNet (masked, diffusers' bicubic rule) + projector
#       --insightface ~/.insightface/models/buffalo_l              # SCRFD det_10g.onnx + ArcFace w600k_r50.onnx
#   tools/export/make-pack.sh --out /tmp/tiny --random-weights --size tiny    # the same steps with seeded random
#                                                                             # weights, no download
# Other options: --clip-vision ID|DIR (default openai/clip-vit-large-patch14), --no-style (no CLIP vision encoder),
# --no-identity (with --random-weights: no identity UNet, projector or face models: a text-only pack),
# --attention mha|plain (the UNet's self-attention; mha, the default without --fp16, = ONNX Runtime's fused
# MultiHeadAttention, which never materialises the attention scores: about half the peak memory on CPU, and faster;
# plain = MatMul/Softmax nodes any ONNX runtime runs, the default with --fp16, whose optimiser fuses attention itself;
# the identity UNet keeps its masked cross-attention plain either way),
# --fp16 (GPU packs: ONNX Runtime fusions + fp16; needs the onnxruntime Python package), --name NAME, --no-check.
# Python: $REFERENCE_PYTHON when set (source ../shared/reference/env.sh), else python3. The check needs the .NET SDK.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${REFERENCE_PYTHON:-python3}
exp="$root/tools/export"

identity=yes out="" sd15="" faceid="" insightface="" clip_vision="" style=yes attention="" fp16=no random=no size=full name="" check=yes
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
need() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "make-pack: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) need "$@"; out=$2; shift 2 ;;
    --sd15) need "$@"; sd15=$2; shift 2 ;;
    --ip-adapter-faceid) need "$@"; faceid=$2; shift 2 ;;
    --insightface) need "$@"; insightface=$2; shift 2 ;;
    --clip-vision) need "$@"; clip_vision=$2; shift 2 ;;
    --no-style) style=no; shift ;;
    --no-identity) identity=no; shift ;;
    --attention) need "$@"; attention=$2; shift 2 ;;
    --fp16) fp16=yes; shift ;;
    --random-weights) random=yes; shift ;;
    --size) need "$@"; size=$2; shift 2 ;;
    --name) need "$@"; name=$2; shift 2 ;;
    --no-check) check=no; shift ;;
    -h|--help) usage 0 ;;
    *) echo "make-pack: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "make-pack: --out DIR is required (see --help)" >&2; exit 2; }
[ -n "$attention" ] || { [ "$fp16" = yes ] && attention=plain || attention=mha; }
case "$attention" in plain|mha) ;; *) echo "make-pack: --attention takes plain or mha, not '$attention'" >&2; exit 2 ;; esac
case "$size" in full|tiny) ;; *) echo "make-pack: --size takes full or tiny, not '$size'" >&2; exit 2 ;; esac
if [ "$random" = yes ]; then
  [ -z "$sd15$faceid$insightface$clip_vision" ] || { echo "make-pack: --random-weights builds every model itself; drop --sd15/--ip-adapter-faceid/--insightface/--clip-vision" >&2; exit 2; }
else
  [ "$size" = full ] || { echo "make-pack: --size tiny needs --random-weights" >&2; exit 2; }
  [ -z "$faceid" ] || [ -f "$faceid" ] || { echo "make-pack: --ip-adapter-faceid: no file '$faceid'" >&2; exit 2; }
  [ -z "$insightface" ] || [ -d "$insightface" ] || { echo "make-pack: --insightface: no folder '$insightface'" >&2; exit 2; }
fi
[ "$random" = yes ] || [ -n "$faceid" ] || identity=no
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "make-pack: '$out' exists and is not empty; give a new folder (nothing was written)" >&2; exit 2
fi

# Build into a sibling temporary folder and move it into place at the end, so a failed step leaves nothing half-written.
mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/.make-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { echo "[make-pack] $*"; }
weights=() tiny=()
[ "$random" = yes ] && weights=(--random-weights)
[ "$size" = tiny ] && tiny=(--size tiny)
model() { [ -n "$1" ] && printf -- '--model-id\n%s\n' "$1" || true; }
mapfile -t sd15_arg < <(model "$sd15")
mapfile -t clip_arg < <(model "$clip_vision")

step "1/6 SD1.5 text encoder, UNet ($attention attention), VAE, tokenizer, scheduler"
"$py" "$exp/export_sd15.py" --out "$work" "${weights[@]}" "${tiny[@]}" "${sd15_arg[@]}" --attention "$attention"

cli="$root/samples/FaceStudio.Cli/bin/Release/net10.0/facestudio.dll"
if [ "$identity" = yes ]; then
  step "2/6 identity-aware UNet (diffusers' bicubic mask rule, $attention self-attention) replacing unet/"
  faceid_arg=(); [ -n "$faceid" ] && faceid_arg=(--ip-adapter "$faceid")
  "$py" "$exp/export_identity_unet.py" --out "$work" "${weights[@]}" "${tiny[@]}" "${sd15_arg[@]}" "${faceid_arg[@]}" \
    --mask-downsample bicubic --attention "$attention"
  step "3/6 projector (IP-Adapter-FaceID's MLPProjModel)"
  if [ "$random" = yes ]; then
    "$py" "$exp/export_projector.py" --out "$work" --flavor ip-adapter-faceid --random-weights "${tiny[@]}"
  else
    "$py" "$exp/export_projector.py" --out "$work" --flavor ip-adapter-faceid --checkpoint "$faceid"
  fi
else
  step "2/6 and 3/6 skipped: a text-only pack (no --ip-adapter-faceid, or --no-identity)"
fi

if [ "$style" = yes ]; then
  step "4/6 CLIP vision encoder (style images)"
  "$py" "$exp/export_clip_vision.py" --out "$work" "${weights[@]}" "${tiny[@]}" "${clip_arg[@]}"
else
  step "4/6 skipped: --no-style"
fi

if [ -n "$insightface" ]; then
  step "5/6 InsightFace detector and recogniser from $insightface"
  "$py" "$exp/copy_insightface.py" --out "$work" --insightface-dir "$insightface"
elif [ "$random" = yes ] && [ "$identity" = yes ]; then
  step "5/6 identity models: the demo pack's 512-d stand-ins (the projector expects ArcFace's 512-d embedding)"
  [ -f "$cli" ] || dotnet build "$root/samples/FaceStudio.Cli" -c Release -v q -nologo >/dev/null
  dotnet "$cli" demo-pack --out "$work/.demo" --faces random >/dev/null
  "$py" "$exp/copy_insightface.py" --out "$work" --from-pack "$work/.demo"
  rm -rf "$work/.demo"
else
  step "5/6 skipped: no --insightface (the SDK's shipped face models can still detect and compare faces)"
fi

if [ "$fp16" = yes ]; then
  step "fp16: ONNX Runtime fusions and fp16 conversion (GPU packs)"
  for m in unet vae_decoder vae_encoder text_encoder; do
    case $m in unet) t=unet ;; text_encoder) t=clip ;; *) t=vae ;; esac
    "$py" "$exp/optimize_fp16.py" "$work/$m/model.onnx" "$work/$m/model.fp16.onnx" --model-type $t
    mv "$work/$m/model.fp16.onnx" "$work/$m/model.onnx"; rm -f "$work/$m/model.onnx_data"
  done
fi

step "6/6 manifest"
manifest_args=(--pack "$work" --name "${name:-$(basename "$out")}")
[ "$random" = yes ] && manifest_args+=(--demo)
"$py" "$exp/write_manifest.py" "${manifest_args[@]}" >/dev/null

if [ "$check" = yes ]; then
  px=512; [ "$size" = tiny ] && px=64
  step "check: the SDK loads the pack and generates ${px}×${px} in 2 steps"
  [ -f "$cli" ] || dotnet build "$root/samples/FaceStudio.Cli" -c Release -v q -nologo >/dev/null
  dotnet "$cli" generate --models "$work" --prompt "a photo of a person" --steps 2 --size "${px}x${px}" --seed 1 \
    --out "$work/.check.png" --quiet
  [ -s "$work/.check.png" ] || { echo "make-pack: the SDK wrote no picture from the pack" >&2; exit 1; }
  rm -f "$work/.check.png"
fi

rmdir "$out" 2>/dev/null || true
mv "$work" "$out"
trap - EXIT
step "done: $out ($(du -sh "$out" | cut -f1))"
