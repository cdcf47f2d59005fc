"""Turns run.sh's JSON lines into ONE markdown table and puts it into docs/performance.md between the markers
(<!-- cpu-bench:MODE --> … <!-- /cpu-bench:MODE -->). Every figure comes from the JSON lines; the only constants are
the FLOP counts below."""
import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

# FLOPs of full-size SD1.5 at 512² (counted with torch's profiler for issue 20): one UNet step at batch 2 (CFG), one
# VAE decode. Other sizes: the self-attention scores and their product with V (QKᵀ and AV of the 16 transformer
# blocks, 4·N²·C per block and image, computed from the architecture below) grow with the square of the token count;
# everything else (convolutions, projections, cross-attention) with the pixel count.
UNET_512, DECODE_512 = 1.607e12, 2.515e12
UNET_BLOCKS = [(8, 320, 5), (16, 640, 5), (32, 1280, 5), (64, 1280, 1)]  # (downscale of the latent, channels, blocks)


def unet_attention(latent_h, latent_w):
    return sum(2 * 4 * (latent_h * latent_w // (d // 8) ** 2) ** 2 * c * n for d, c, n in UNET_BLOCKS)


def unet_flops(size):
    rest = UNET_512 - unet_attention(64, 64)
    return rest * (size / 512) ** 2 + unet_attention(size // 8, size // 8)


def decode_flops_whole(h, w):
    """The decoder's mid-block attention (one head, 512 channels, at latent size) plus the rest, by pixel count."""
    attention = lambda hh, ww: 4 * (hh * ww) ** 2 * 512
    return (DECODE_512 - attention(64, 64)) * (h * w) / (64 * 64) + attention(h, w)


def decode_flops(size, tiled, tile=64, overlap=0.25):
    """What the decode computes: the whole image, or diffusers' tile grid (tiles overlap, so tiling computes more)."""
    h = w = size // 8
    if not tiled or (h <= tile and w <= tile):
        return decode_flops_whole(h, w)
    stride = int(tile * (1 - overlap))
    return sum(decode_flops_whole(min(tile, h - i), min(tile, w - j)) for i in range(0, h, stride) for j in range(0, w, stride))


results, doc, header = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
mode = header.split()[0]
lines = [json.loads(line) for line in results.read_text().splitlines() if line.startswith("{")]
gemms = [r for r in lines if r["kind"] == "gemm"]
# The machine's rate is the fastest usable measurement (gemm.py marks a reference netlib BLAS as not usable).
gemm = max((r for r in gemms if r.get("usable", True)), key=lambda r: r["gflops"], default=None)
full = mode in ("full", "levers")


def share(flops, seconds):
    if not full or gemm is None or not seconds:
        return "n/a"
    return f"{flops / seconds / 1e9 / gemm['gflops']:.0%}"


def f(v, fmt="{:.2f}"):
    return "—" if v is None or v != v else fmt.format(v)


# Group each process's lines: a process's lines end with its path line (txt2img / identitiesN) or skipped/failed.
runs, pending = [], []
for r in lines:
    if r["kind"] == "gemm":
        continue
    pending.append(r)
    if r["kind"] in ("txt2img", "skipped", "failed") or r["kind"].startswith("identities"):
        runs.append(pending)
        pending = []

table = [
    "| path | size | side: settings | load, s (per component: loads × s, RSS +GiB) | UNet step, s (median of n) | UNet share of GEMM rate | VAE decode, s | decode share | time to first image, s | **peak RSS, GiB** | peak ÷ diffusers' (glibc / jemalloc) | peak RSS per stage, GiB: load / text / identity / UNet / decode |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
]
# diffusers' peak per (path, size, allocator label), for the ratio column.
reference = {}
for r in lines:
    if r["side"] == "diffusers" and (r["kind"] == "txt2img" or r["kind"].startswith("identities")):
        reference[(r["kind"], r["size"], r["config"].split(",")[0])] = r["peak_gib"]


def ratio(last):
    if last["side"] != "sdk":
        return ""
    cells = [reference.get((last["kind"], last["size"], label)) for label in ("glibc", "jemalloc")]
    if all(c is None for c in cells):
        return "n/a"
    return " / ".join("—" if c is None else f"{last['peak_gib'] / c:.2f}×" for c in cells)
for run in runs:
    last = run[-1]
    side, config = last["side"], last["config"]
    if last["kind"] in ("skipped", "failed"):
        table.append(f"| | {last['size']}² | {side}: {config} | {last['kind']} | | | | | | | | |")
        continue
    size = last["size"]
    path = "text-to-image" if last["kind"] == "txt2img" else f"{last['kind'][len('identities'):]} identities"
    loads = defaultdict(list)
    for r in run:
        if r["kind"] == "load":
            loads[r["component"]].append(r)
    load_cell = f(last["load_seconds"]) + " (" + ", ".join(
        f"{name} {len(rs)}× {f(statistics.mean(x['seconds'] for x in rs), '{:.1f}')} s +{f(max(x['rss_delta_gib'] for x in rs))}"
        for name, rs in loads.items()) + ")"
    stage = {r["stage"]: r["peak_gib"] for r in run if r["kind"] == "stage"}
    load_peak = next((r["peak_gib"] for r in run if r["kind"] == "pipeline_load"), None)
    unet_peak = max([stage[s] for s in ("Conditioning", "Denoising") if s in stage], default=None)
    stages = " / ".join(f(v) for v in (load_peak, stage.get("EncodingText"), stage.get("EncodingIdentities"), unet_peak, stage.get("Decoding")))
    tiled = "low-memory" in config
    table.append(
        f"| {path} | {size}² | {side}: {config} | {load_cell} | {f(last['unet_step_seconds'])} ({last['step_samples']}) "
        f"| {share(unet_flops(size), last['unet_step_seconds'])} | {f(last['decode_seconds'])} "
        f"| {share(decode_flops(size, tiled), last['decode_seconds'])} | {f(last['first_image_seconds'], '{:.1f}')} "
        f"| **{f(last['peak_gib'])}** | {ratio(last)} | {stages} |")

for r in gemms:
    used = r is gemm
    rate = f"**{r['gflops']} GFLOP/s**" if used else f"{r['gflops']} GFLOP/s"
    note = "100% (the rate used)" if used else ("not used: reference netlib BLAS" if not r.get("usable", True) else "slower: not used")
    table.append(f"| | | machine: {r['config']} | | fp32 GEMM rate {rate} | {note} | | | | | | |")

block = f"<!-- cpu-bench:{mode} -->\n{header}\n\n" + "\n".join(table) + f"\n<!-- /cpu-bench:{mode} -->"
text = doc.read_text()
pattern = re.compile(rf"<!-- cpu-bench:{re.escape(mode)} -->.*?<!-- /cpu-bench:{re.escape(mode)} -->", re.S)
doc.write_text(pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n")
print(block)
