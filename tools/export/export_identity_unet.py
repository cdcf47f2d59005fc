#!/usr/bin/env python3
"""SD1.5 UNet with FaceStudio's identity inputs (docs/model-contract.md, the "native" path):

    sample [B,4,h,w], timestep int64 [B], encoder_hidden_states [B,77,768],
    identity_tokens [B,N,K,768], identity_masks [B,N,h,w] (latent size, values in [0,1]), identity_scales [B,N]
    → out_sample [B,4,h,w]

Every cross-attention (attn2) gets a processor computing
    Attn(Q, K_text, V_text) + Σ_n s_n · m_n(p) · Attn(Q, K_n, V_n),   K_n = to_k_ip(tokens_n), V_n = to_v_ip(tokens_n)
(IP-Adapter's decoupled cross-attention with FaceStudio's region routing; one identity with a full mask is plain
IP-Adapter). Masks are average-pooled from latent size to each attention resolution (1, 2, 4, 8× smaller).

to_k_ip / to_v_ip come from an IP-Adapter(-FaceID) checkpoint (--ip-adapter FILE: its "ip_adapter" state dict,
indexed like IP-Adapter's attn-processor list; a FaceID checkpoint's LoRA weights are merged into the base
projections when present), else they start as copies of to_k / to_v (a FaceStudio checkpoint would load here).

    python tools/export/export_identity_unet.py --out packs/fs --ip-adapter ip-adapter-faceid_sd15.bin --identities 2
    python tools/export/export_identity_unet.py --out packs/rand --random-weights
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def build_processor_class():
    import torch
    import torch.nn.functional as F
    from torch import nn

    class MaskedIdentityAttnProcessor(nn.Module):
        """attn2 processor: text attention plus mask-routed, scaled attention to each identity's tokens."""

        def __init__(self, hidden_size: int, context_dim: int, downscale: int) -> None:
            super().__init__()
            self.to_k_ip = nn.Linear(context_dim, hidden_size, bias=False)
            self.to_v_ip = nn.Linear(context_dim, hidden_size, bias=False)
            self.downscale = downscale

        def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None,
                     identity_tokens=None, identity_masks=None, identity_scales=None, **kwargs):
            b, length, _ = hidden_states.shape
            heads = attn.heads
            q = attn.to_q(hidden_states)
            inner = q.shape[-1]
            dh = inner // heads
            qh = q.view(b, length, heads, dh).transpose(1, 2)  # [B,H,L,d]
            k = attn.to_k(encoder_hidden_states).view(b, -1, heads, dh).transpose(1, 2)
            v = attn.to_v(encoder_hidden_states).view(b, -1, heads, dh).transpose(1, 2)
            text = F.scaled_dot_product_attention(qh, k, v)  # [B,H,L,d]

            n, kk, d = identity_tokens.shape[1], identity_tokens.shape[2], identity_tokens.shape[3]
            tokens = identity_tokens.reshape(b, n * kk, d)
            ki = self.to_k_ip(tokens).view(b, n, kk, heads, dh).permute(0, 1, 3, 2, 4)  # [B,N,H,K,d]
            vi = self.to_v_ip(tokens).view(b, n, kk, heads, dh).permute(0, 1, 3, 2, 4)
            scores = torch.einsum("bhld,bnhkd->bnhlk", qh, ki) * (dh ** -0.5)
            ident = torch.einsum("bnhlk,bnhkd->bnhld", scores.softmax(dim=-1), vi)  # [B,N,H,L,d]
            masks = identity_masks
            if self.downscale > 1:
                masks = F.avg_pool2d(masks, kernel_size=self.downscale, stride=self.downscale)
            weight = masks.reshape(b, n, 1, length, 1) * identity_scales.reshape(b, n, 1, 1, 1)
            hidden = text + (ident * weight).sum(dim=1)  # [B,H,L,d]
            hidden = hidden.transpose(1, 2).reshape(b, length, inner).to(q.dtype)
            hidden = attn.to_out[0](hidden)
            hidden = attn.to_out[1](hidden)
            if attn.residual_connection:
                hidden = hidden + hidden_states
            return hidden / attn.rescale_output_factor

    return MaskedIdentityAttnProcessor


def downscale_of(name: str) -> int:
    """Latent-to-attention downscale of a processor, from its block: SD1.5 attention runs at 1, 2, 4 and 8× smaller."""
    if name.startswith("mid_block"):
        return 8
    index = int(name.split(".")[1])
    return 2 ** index if name.startswith("down_blocks") else 2 ** (3 - index)


def install(unet, ip_state: dict | None):
    """Replaces every attn2 processor; loads IP-Adapter weights (and merges FaceID LoRA) when given."""
    import torch
    from diffusers.models.attention_processor import AttnProcessor2_0

    cls = build_processor_class()
    processors, loaded = {}, 0
    names = list(unet.attn_processors.keys())  # IP-Adapter indexes its weights by this order
    modules = dict(unet.named_modules())
    for index, name in enumerate(names):
        attn = modules[name.rsplit(".processor", 1)[0]]
        if ip_state is not None:
            merge_lora(attn, ip_state, index)
        if not name.endswith("attn2.processor"):
            processors[name] = AttnProcessor2_0()
            continue
        hidden, context = attn.to_q.out_features, attn.to_k.in_features
        proc = cls(hidden, context, downscale_of(name))
        key = f"{index}.to_k_ip.weight"
        if ip_state is not None and key in ip_state:
            proc.to_k_ip.weight.data.copy_(ip_state[key])
            proc.to_v_ip.weight.data.copy_(ip_state[f"{index}.to_v_ip.weight"])
            loaded += 1
        else:
            proc.to_k_ip.weight.data.copy_(attn.to_k.weight.data)
            proc.to_v_ip.weight.data.copy_(attn.to_v.weight.data)
        processors[name] = proc
    unet.set_attn_processor(processors)
    # Keep the new projections inside the module tree so .to()/export see them.
    unet.identity_processors = torch.nn.ModuleList([p for p in processors.values() if isinstance(p, cls)])
    return loaded


def merge_lora(attn, state: dict, index: int, scale: float = 1.0) -> None:
    """IP-Adapter-FaceID ships LoRA for every attention (keys N.to_q_lora.down.weight ...): W += scale · up · down."""
    for proj, target in [("to_q", attn.to_q), ("to_k", attn.to_k), ("to_v", attn.to_v), ("to_out", attn.to_out[0])]:
        down, up = state.get(f"{index}.{proj}_lora.down.weight"), state.get(f"{index}.{proj}_lora.up.weight")
        if down is not None and up is not None:
            target.weight.data += scale * (up.float() @ down.float())


def read_ip_adapter(path: Path) -> dict:
    import torch

    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        flat = load_file(str(path))
        return {k.split(".", 1)[1]: v for k, v in flat.items() if k.startswith("ip_adapter.")}
    state = torch.load(str(path), map_location="cpu", weights_only=True)
    return state["ip_adapter"]


def main(argv=None) -> int:
    p = common.parser(__doc__)
    p.add_argument("--model-id", default=common.SD15_ID)
    p.add_argument("--ip-adapter", type=Path, help="IP-Adapter(-FaceID) checkpoint (.bin or .safetensors)")
    p.add_argument("--identities", type=int, default=2, help="N used for the export trace (the axis stays dynamic)")
    p.add_argument("--tokens", type=int, default=4, help="K tokens per identity (fixed in the graph: 4 for IP-Adapter-FaceID)")
    p.add_argument("--folder", default="unet", help="pack subfolder (default unet/, replacing the plain UNet)")
    a = p.parse_args(argv)

    import torch
    from diffusers import UNet2DConditionModel

    if a.random_weights:
        common.seed_all(a.seed)
        unet = UNet2DConditionModel(**common.UNET_CONFIG)
    else:
        unet = UNet2DConditionModel.from_pretrained(a.model_id, subfolder="unet", torch_dtype=torch.float32)
    unet.eval()
    loaded = install(unet, read_ip_adapter(a.ip_adapter) if a.ip_adapter else None)
    print(f"identity attention on every attn2; IP-Adapter projections loaded for {loaded} of them")

    class Wrapped(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, sample, timestep, encoder_hidden_states, identity_tokens, identity_masks, identity_scales):
            kwargs = {"identity_tokens": identity_tokens, "identity_masks": identity_masks, "identity_scales": identity_scales}
            return self.model(sample, timestep, encoder_hidden_states, cross_attention_kwargs=kwargs, return_dict=False)[0]

    n, k = a.identities, a.tokens
    args = (torch.randn(2, 4, 64, 64), torch.full((2,), 500, dtype=torch.int64), torch.randn(2, 77, 768),
            torch.randn(2, n, k, 768), torch.rand(2, n, 64, 64), torch.ones(2, n))
    common.export(Wrapped(unet), args, a.out / a.folder / "model.onnx",
                  ["sample", "timestep", "encoder_hidden_states", "identity_tokens", "identity_masks", "identity_scales"],
                  ["out_sample"],
                  {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                   "encoder_hidden_states": {0: "batch"}, "identity_tokens": {0: "batch", 1: "identities"},
                   "identity_masks": {0: "batch", 1: "identities", 2: "height", 3: "width"},
                   "identity_scales": {0: "batch", 1: "identities"}, "out_sample": {0: "batch", 2: "height", 3: "width"}},
                  a.opset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
