#!/usr/bin/env python3
"""SD1.5 UNet with FaceStudio's identity inputs (docs/model-contract.md, the "native" path):

    sample [B,4,h,w], timestep int64 [B], encoder_hidden_states [B,T,768] (T dynamic, like the plain UNet's),
    identity_tokens [B,N,K,768], identity_masks [B,N,h,w] (latent size, values in [0,1]), identity_scales [B,N]
    → out_sample [B,4,h,w]

Every cross-attention (attn2) gets a processor computing
    Attn(Q, K_text, V_text) + Σ_n s_n · m_n(p) · Attn(Q, K_n, V_n),   K_n = to_k_ip(tokens_n), V_n = to_v_ip(tokens_n)
(IP-Adapter's decoupled cross-attention with FaceStudio's region routing; one identity with a full mask is plain
IP-Adapter; with masks it is diffusers' IPAdapterAttnProcessor with ip_adapter_masks, one IP-Adapter with N images
and per-image scales). Masks are brought from latent size to each attention resolution (1, 2, 4, 8× smaller) by
--mask-downsample: 'area' (average pooling, the default) or 'bicubic' (what diffusers' IPAdapterMaskProcessor.downsample
does to masks given at latent size: F.interpolate(mode="bicubic", align_corners=False); exported as ONNX Resize
cubic, coefficient −0.75, half_pixel).

The attention is plain matmul + softmax (no F.scaled_dot_product_attention, no AttnProcessor2_0), so it runs and
exports on torch 1.13 as on torch 2; every processor accepts the keyword arguments diffusers passes (older diffusers
pass cross_attention_kwargs to self-attention processors too).

to_k_ip / to_v_ip come from an IP-Adapter(-FaceID) checkpoint (--ip-adapter FILE: its "ip_adapter" state dict,
indexed like IP-Adapter's attn-processor list; a FaceID checkpoint's LoRA weights are merged into the base
projections when present), else they start as copies of to_k / to_v (a FaceStudio checkpoint would load here).

    python tools/export/export_identity_unet.py --out packs/fs --ip-adapter ip-adapter-faceid_sd15.bin --identities 2
    python tools/export/export_identity_unet.py --out packs/rand --random-weights [--size tiny] [--attention mha]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def attention(attn, query, key, value):
    """Multi-head softmax attention as diffusers' AttnProcessor computes it: [B,L,C], [B,T,C], [B,T,C] → [B,H,L,d]."""
    import torch

    b, length, inner = query.shape
    heads = attn.heads
    dh = inner // heads
    q = query.view(b, length, heads, dh).transpose(1, 2)
    k = key.view(b, -1, heads, dh).transpose(1, 2)
    v = value.view(b, -1, heads, dh).transpose(1, 2)
    probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * attn.scale, dim=-1)
    return torch.matmul(probs, v)


def merge_heads(x):
    """[B,H,L,d] → [B,L,H·d]."""
    b, h, length, d = x.shape
    return x.transpose(1, 2).reshape(b, length, h * d)


def prologue(attn, hidden_states, encoder_hidden_states, temb):
    """The steps every diffusers processor takes before the projections (spatial/group norm, 4-D input)."""
    residual = hidden_states
    if attn.spatial_norm is not None:
        hidden_states = attn.spatial_norm(hidden_states, temb)
    shape4 = None
    if hidden_states.ndim == 4:
        b, c, h, w = hidden_states.shape
        shape4 = (b, c, h, w)
        hidden_states = hidden_states.view(b, c, h * w).transpose(1, 2)
    if attn.group_norm is not None:
        hidden_states = attn.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)
    if encoder_hidden_states is None:
        encoder_hidden_states = hidden_states
    elif attn.norm_cross:
        encoder_hidden_states = attn.norm_encoder_hidden_states(encoder_hidden_states)
    return residual, hidden_states, encoder_hidden_states, shape4


def epilogue(attn, hidden, residual, shape4):
    hidden = attn.to_out[0](hidden)
    hidden = attn.to_out[1](hidden)
    if shape4 is not None:
        hidden = hidden.transpose(-1, -2).reshape(*shape4)
    if attn.residual_connection:
        hidden = hidden + residual
    return hidden / attn.rescale_output_factor


def build_plain_processor_class():
    """Self-attention (attn1) processor: plain attention; accepts and ignores the identity keyword arguments."""

    class PlainAttnProcessor:
        def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None,
                     identity_tokens=None, identity_masks=None, identity_scales=None, scale=None, **kwargs):
            if attention_mask is not None:
                raise NotImplementedError("attention masks are not used by SD1.5 UNets")
            residual, hidden_states, context, shape4 = prologue(attn, hidden_states, encoder_hidden_states, temb)
            out = merge_heads(attention(attn, attn.to_q(hidden_states), attn.to_k(context), attn.to_v(context)))
            return epilogue(attn, out, residual, shape4)

    return PlainAttnProcessor


def build_processor_class():
    import torch
    import torch.nn.functional as F
    from torch import nn

    class MaskedIdentityAttnProcessor(nn.Module):
        """attn2 processor: text attention plus mask-routed, scaled attention to each identity's tokens."""

        def __init__(self, hidden_size: int, context_dim: int, downscale: int, mask_downsample: str = "area") -> None:
            super().__init__()
            self.to_k_ip = nn.Linear(context_dim, hidden_size, bias=False)
            self.to_v_ip = nn.Linear(context_dim, hidden_size, bias=False)
            self.downscale = downscale
            self.mask_downsample = mask_downsample

        def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None,
                     identity_tokens=None, identity_masks=None, identity_scales=None, scale=None, **kwargs):
            if attention_mask is not None:
                raise NotImplementedError("attention masks are not used by SD1.5 UNets")
            residual, hidden_states, context, shape4 = prologue(attn, hidden_states, encoder_hidden_states, temb)
            query = attn.to_q(hidden_states)
            hidden = attention(attn, query, attn.to_k(context), attn.to_v(context))  # [B,H,L,d]
            if identity_tokens is not None:
                # Vectorised over the identity axis N (a Python loop would fix N at the trace's count).
                b, length, inner = query.shape
                heads = attn.heads
                dh = inner // heads
                q = query.view(b, length, heads, dh).transpose(1, 2).unsqueeze(1)  # [B,1,H,L,d]
                kk = identity_tokens.shape[2]
                ki = self.to_k_ip(identity_tokens).view(b, -1, kk, heads, dh).permute(0, 1, 3, 2, 4)  # [B,N,H,K,d]
                vi = self.to_v_ip(identity_tokens).view(b, -1, kk, heads, dh).permute(0, 1, 3, 2, 4)
                probs = torch.softmax(torch.matmul(q, ki.transpose(-1, -2)) * attn.scale, dim=-1)  # [B,N,H,L,K]
                ident = torch.matmul(probs, vi)  # [B,N,H,L,d]
                masks = identity_masks
                if self.downscale > 1:
                    if self.mask_downsample == "bicubic":
                        masks = F.interpolate(masks, scale_factor=1.0 / self.downscale, mode="bicubic", align_corners=False)
                    else:
                        masks = F.avg_pool2d(masks, kernel_size=self.downscale, stride=self.downscale)
                weight = masks.reshape(b, -1, 1, length, 1) * identity_scales.reshape(b, -1, 1, 1, 1)
                hidden = hidden + (ident * weight).sum(dim=1)
            return epilogue(attn, merge_heads(hidden).to(query.dtype), residual, shape4)

    return MaskedIdentityAttnProcessor


def downscale_of(name: str) -> int:
    """Latent-to-attention downscale of a processor, from its block: SD1.5 attention runs at 1, 2, 4 and 8× smaller."""
    if name.startswith("mid_block"):
        return 8
    index = int(name.split(".")[1])
    return 2 ** index if name.startswith("down_blocks") else 2 ** (3 - index)


def install(unet, ip_state: dict | None, mask_downsample: str = "area", attention: str = "plain"):
    """Replaces every attention processor (attn2: identity attention; others: plain attention, or with
    attention="mha" one com.microsoft::MultiHeadAttention node each); loads IP-Adapter weights (and merges FaceID
    LoRA) when given."""
    import torch

    cls = build_processor_class()
    if attention == "mha":
        import mha_attention

        plain = mha_attention.MhaAttnProcessor  # the same math in PyTorch; one fused node in the export
    else:
        plain = build_plain_processor_class()
    processors, loaded = {}, 0
    names = list(unet.attn_processors.keys())  # IP-Adapter indexes its weights by this order
    modules = dict(unet.named_modules())
    for index, name in enumerate(names):
        attn = modules[name.rsplit(".processor", 1)[0]]
        if ip_state is not None:
            merge_lora(attn, ip_state, index)
        if not name.endswith("attn2.processor"):
            processors[name] = plain()
            continue
        hidden, context = attn.to_q.out_features, attn.to_k.in_features
        proc = cls(hidden, context, downscale_of(name), mask_downsample)
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


def build_unet(a):
    """The base UNet: --random-weights (seeded, --size full|tiny) or the checkpoint's."""
    import torch
    from diffusers import UNet2DConditionModel

    if a.random_weights:
        common.seed_all(a.seed)
        return UNet2DConditionModel(**common.configs(a.size)["unet"]).eval()
    return UNet2DConditionModel.from_pretrained(a.model_id, subfolder="unet", torch_dtype=torch.float32).eval()


class Wrapped:
    @staticmethod
    def make(unet):
        import torch

        class Inner(torch.nn.Module):
            def __init__(self, model):
                super().__init__()
                self.model = model

            def forward(self, sample, timestep, encoder_hidden_states, identity_tokens, identity_masks, identity_scales):
                kwargs = {"identity_tokens": identity_tokens, "identity_masks": identity_masks, "identity_scales": identity_scales}
                return self.model(sample, timestep, encoder_hidden_states, cross_attention_kwargs=kwargs, return_dict=False)[0]

        return Inner(unet)


def arg_parser():
    p = common.parser(__doc__)
    p.add_argument("--model-id", default=common.SD15_ID)
    p.add_argument("--ip-adapter", type=Path, help="IP-Adapter(-FaceID) checkpoint (.bin or .safetensors)")
    p.add_argument("--identities", type=int, default=2, help="N used for the export trace (the axis stays dynamic)")
    p.add_argument("--tokens", type=int, default=4, help="K tokens per identity (fixed in the graph: 4 for IP-Adapter-FaceID)")
    p.add_argument("--mask-downsample", choices=["area", "bicubic"], default="area",
                   help="latent-size masks to attention resolution: average pooling, or bicubic like diffusers' IPAdapterMaskProcessor")
    p.add_argument("--folder", default="unet", help="pack subfolder (default unet/, replacing the plain UNet)")
    p.add_argument("--attention", choices=["plain", "mha"], default="plain",
                   help="self-attention (attn1, where the [B,8,4096,4096] scores are at 512²): plain MatMul/Softmax nodes, or "
                        "ONNX Runtime's com.microsoft MultiHeadAttention (flash path on CPU; needs ONNX Runtime). The identity "
                        "cross-attention stays plain either way (its scores are [B,H,L,77+K], small)")
    return p


def main(argv=None) -> int:
    p = arg_parser()
    a = p.parse_args(argv)
    common.check_size(p, a)

    import torch

    unet = build_unet(a)
    loaded = install(unet, read_ip_adapter(a.ip_adapter) if a.ip_adapter else None, a.mask_downsample, a.attention)
    print(f"identity attention on every attn2 (masks: {a.mask_downsample}; self-attention: {a.attention}); "
          f"IP-Adapter projections loaded for {loaded} of them")

    n, k = a.identities, a.tokens
    d = int(unet.config.cross_attention_dim)
    latent = min(64, int(unet.config.sample_size))
    args = (torch.randn(2, 4, latent, latent), torch.full((2,), 500, dtype=torch.int64), torch.randn(2, 77, d),
            torch.randn(2, n, k, d), torch.rand(2, n, latent, latent), torch.ones(2, n))
    common.export(Wrapped.make(unet), args, a.out / a.folder / "model.onnx",
                  ["sample", "timestep", "encoder_hidden_states", "identity_tokens", "identity_masks", "identity_scales"],
                  ["out_sample"],
                  {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                   "encoder_hidden_states": {0: "batch", 1: "tokens"}, "identity_tokens": {0: "batch", 1: "identities"},
                   "identity_masks": {0: "batch", 1: "identities", 2: "height", 3: "width"},
                   "identity_scales": {0: "batch", 1: "identities"}, "out_sample": {0: "batch", 2: "height", 3: "width"}},
                  a.opset)
    write_rule(a.out / a.folder, a.mask_downsample)
    return 0


RULE_FILE = "facestudio_identity.json"


def write_rule(folder: Path, mask_downsample: str) -> None:
    """Records beside the model which rule its graph applies to identity_masks; write_manifest.py copies it into
    facestudio.json as options.maskDownsample, and the SDK builds its region masks with the same rule."""
    (folder / RULE_FILE).write_text(json.dumps({"maskDownsample": mask_downsample}) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
