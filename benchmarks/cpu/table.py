"""Turns run.sh's JSON lines into one markdown table and puts it into docs/performance.md between the markers."""
import json
import re
import sys
from pathlib import Path

# FLOPs of one full-size SD1.5 stage at 512² (counted with torch's profiler by issue 20): UNet step at batch 2, decode.
FULL_FLOP = {"unet": 1.607e12, "vae_decoder": 2.515e12}

results, doc, header = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
rows = [json.loads(line) for line in results.read_text().splitlines() if line.startswith("{")]
gemm = next((r["gflops"] for r in rows if r["kind"] == "gemm"), None)
full = "size 512 full" in header


def share(component, seconds):
    if not full or gemm is None or component not in FULL_FLOP:
        return "n/a"
    return f"{FULL_FLOP[component] / seconds / 1e9 / gemm:.0%}"


def cell(v, fmt="{:.3f}"):
    return "—" if v is None else fmt.format(v)


table = ["| side | settings | stage | seconds | share of GEMM rate | RSS delta / peak (GiB) |", "|---|---|---|---|---|---|"]
for r in rows:
    side, config, kind = r["side"], r["config"], r["kind"]
    if kind == "load":
        table.append(f"| {side} | {config} | load {r['component']} | {cell(r['seconds'])} | | +{cell(r['rss_delta_gib'])} |")
    elif kind == "run":
        label = {"unet": f"UNet step, batch 2 (median of {r.get('runs', 1)})", "vae_decoder": "VAE decode", "text_encoder": "text encoder"}[r["component"]]
        table.append(f"| {side} | {config} | {label} | {cell(r['seconds'])} | {share(r['component'], r['seconds'])} | peak {cell(r['peak_gib'])} |")
    elif kind == "txt2img":
        table.append(f"| {side} | {config} | **text-to-image, {r['steps']} steps: time to first image** | {cell(r['first_image_seconds'])} | | **peak {cell(r['peak_gib'])}** |")
    elif kind == "gemm":
        table.append(f"| machine | {config} | fp32 GEMM rate | {gemm} GFLOP/s | 100% | |")

block = f"<!-- cpu-bench:{header.split()[0]} -->\n{header}\n\n" + "\n".join(table) + f"\n<!-- /cpu-bench:{header.split()[0]} -->"
text = doc.read_text()
pattern = re.compile(rf"<!-- cpu-bench:{re.escape(header.split()[0])} -->.*?<!-- /cpu-bench:{re.escape(header.split()[0])} -->", re.S)
doc.write_text(pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n")
print(block)
