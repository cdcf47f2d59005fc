"""A Stable Diffusion 1.5-shaped UNet in plain PyTorch (no diffusers needed).

Same layout, shapes and parameter count (~860 M) as diffusers' ``UNet2DConditionModel`` with the SD1.5 config
(block_out_channels 320/640/1280/1280, 2 layers per block, 8 heads, cross-attention width 768, GEGLU feed-forward,
conv projections in the transformers), and the same module names, so the ONNX export shows the patterns that ONNX
Runtime's ``unet`` fusions look for (GroupNorm, MultiHeadAttention, BiasSplitGelu, ...). Weights are random unless a
diffusers state dict is loaded with ``load_state_dict`` (the names match diffusers' for this config).

Inputs follow docs/model-contract.md: ``sample`` [B,4,h,w], ``timestep`` int64 [B], ``encoder_hidden_states``
[B,T,768]; output ``out_sample``.
"""
from __future__ import annotations

import inspect
import math

import torch
import torch.nn.functional as F
from torch import nn


class Timesteps(nn.Module):
    """Sinusoidal timestep features (flip_sin_to_cos=True, downscale_freq_shift=0), as SD1.5."""

    def __init__(self, channels: int = 320) -> None:
        super().__init__()
        self.channels = channels

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        half = self.channels // 2
        exponent = -math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half
        args = t.float()[:, None] * torch.exp(exponent)[None, :]
        return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TimestepEmbedding(nn.Module):
    def __init__(self, in_channels: int, dim: int) -> None:
        super().__init__()
        self.linear_1 = nn.Linear(in_channels, dim)
        self.linear_2 = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(F.silu(self.linear_1(x)))


class ResnetBlock2D(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, temb_channels: int = 1280) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(32, in_channels, eps=1e-5)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb_channels, out_channels)
        self.norm2 = nn.GroupNorm(32, out_channels, eps=1e-5)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None

    def forward(self, x: torch.Tensor, temb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x)
        return x + h


class Attention(nn.Module):
    """Multi-head attention as diffusers' AttnProcessor2_0 computes it (scaled_dot_product_attention)."""

    def __init__(self, query_dim: int, heads: int, cross_attention_dim: int | None = None) -> None:
        super().__init__()
        self.heads = heads
        context_dim = cross_attention_dim or query_dim
        self.to_q = nn.Linear(query_dim, query_dim, bias=False)
        self.to_k = nn.Linear(context_dim, query_dim, bias=False)
        self.to_v = nn.Linear(context_dim, query_dim, bias=False)
        self.to_out = nn.ModuleList([nn.Linear(query_dim, query_dim), nn.Dropout(0.0)])

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        return x.view(b, n, self.heads, c // self.heads).transpose(1, 2)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        context = x if context is None else context
        q, k, v = self.split_heads(self.to_q(x)), self.split_heads(self.to_k(context)), self.split_heads(self.to_v(context))
        if hasattr(F, "scaled_dot_product_attention"):
            out = F.scaled_dot_product_attention(q, k, v)
        else:  # torch < 2.0: the same math with matmul and softmax
            out = torch.matmul(torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (q.shape[-1] ** -0.5), dim=-1), v)
        b, h, n, d = out.shape
        out = out.transpose(1, 2).reshape(b, n, h * d)
        return self.to_out[1](self.to_out[0](out))


class GEGLU(nn.Module):
    def __init__(self, dim: int, inner: int) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, inner * 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x, gate = self.proj(x).chunk(2, dim=-1)
        return x * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.net = nn.ModuleList([GEGLU(dim, dim * 4), nn.Dropout(0.0), nn.Linear(dim * 4, dim)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for m in self.net:
            x = m(x)
        return x


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim: int, heads: int, cross_attention_dim: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn1 = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.attn2 = Attention(dim, heads, cross_attention_dim)
        self.norm3 = nn.LayerNorm(dim)
        self.ff = FeedForward(dim)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x), context) + x
        return self.ff(self.norm3(x)) + x


class Transformer2DModel(nn.Module):
    def __init__(self, channels: int, heads: int = 8, cross_attention_dim: int = 768) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(32, channels, eps=1e-6)
        self.proj_in = nn.Conv2d(channels, channels, 1)
        self.transformer_blocks = nn.ModuleList([BasicTransformerBlock(channels, heads, cross_attention_dim)])
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        residual = x
        x = self.proj_in(self.norm(x))
        x = x.permute(0, 2, 3, 1).reshape(b, h * w, c)
        for block in self.transformer_blocks:
            x = block(x, context)
        x = x.reshape(b, h, w, c).permute(0, 3, 1, 2).contiguous()
        return self.proj_out(x) + residual


class Downsample2D(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class Upsample2D(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Exported as Resize with a constant fp32 'scales' input (which fp16 conversion must leave in fp32).
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class DownBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, attention: bool, downsample: bool) -> None:
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(in_channels if i == 0 else out_channels, out_channels) for i in range(2)])
        self.attentions = nn.ModuleList([Transformer2DModel(out_channels) for _ in range(2)]) if attention else None
        self.downsamplers = nn.ModuleList([Downsample2D(out_channels)]) if downsample else None

    def forward(self, x, temb, context, skips: list):
        for i, resnet in enumerate(self.resnets):
            x = resnet(x, temb)
            if self.attentions is not None:
                x = self.attentions[i](x, context)
            skips.append(x)
        if self.downsamplers is not None:
            x = self.downsamplers[0](x)
            skips.append(x)
        return x


class UpBlock(nn.Module):
    def __init__(self, in_channels: int, prev_channels: int, out_channels: int, attention: bool, upsample: bool) -> None:
        super().__init__()
        resnets = []
        for j in range(3):
            skip = in_channels if j == 2 else out_channels
            res_in = prev_channels if j == 0 else out_channels
            resnets.append(ResnetBlock2D(res_in + skip, out_channels))
        self.resnets = nn.ModuleList(resnets)
        self.attentions = nn.ModuleList([Transformer2DModel(out_channels) for _ in range(3)]) if attention else None
        self.upsamplers = nn.ModuleList([Upsample2D(out_channels)]) if upsample else None

    def forward(self, x, temb, context, skips: list):
        for j, resnet in enumerate(self.resnets):
            x = resnet(torch.cat([x, skips.pop()], dim=1), temb)
            if self.attentions is not None:
                x = self.attentions[j](x, context)
        if self.upsamplers is not None:
            x = self.upsamplers[0](x)
        return x


class MidBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(channels, channels), ResnetBlock2D(channels, channels)])
        self.attentions = nn.ModuleList([Transformer2DModel(channels)])

    def forward(self, x, temb, context):
        x = self.resnets[0](x, temb)
        x = self.attentions[0](x, context)
        return self.resnets[1](x, temb)


class SD15UNet(nn.Module):
    """SD1.5 UNet: forward(sample, timestep, encoder_hidden_states) -> noise prediction."""

    def __init__(self, in_channels: int = 4, out_channels: int = 4, blocks=(320, 640, 1280, 1280)) -> None:
        super().__init__()
        self.conv_in = nn.Conv2d(in_channels, blocks[0], 3, padding=1)
        self.time_proj = Timesteps(blocks[0])
        self.time_embedding = TimestepEmbedding(blocks[0], blocks[0] * 4)
        downs, ch = [], blocks[0]
        for i, out in enumerate(blocks):
            last = i == len(blocks) - 1
            downs.append(DownBlock(ch, out, attention=not last, downsample=not last))
            ch = out
        self.down_blocks = nn.ModuleList(downs)
        self.mid_block = MidBlock(blocks[-1])
        rev = list(reversed(blocks))
        ups, prev = [], rev[0]
        for i, out in enumerate(rev):
            inp = rev[min(i + 1, len(blocks) - 1)]
            last = i == len(blocks) - 1
            ups.append(UpBlock(inp, prev, out, attention=i > 0, upsample=not last))
            prev = out
        self.up_blocks = nn.ModuleList(ups)
        self.conv_norm_out = nn.GroupNorm(32, blocks[0], eps=1e-5)
        self.conv_out = nn.Conv2d(blocks[0], out_channels, 3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        temb = self.time_embedding(self.time_proj(timestep).to(sample.dtype))
        x = self.conv_in(sample)
        skips = [x]
        for block in self.down_blocks:
            x = block(x, temb, encoder_hidden_states, skips)
        x = self.mid_block(x, temb, encoder_hidden_states)
        for block in self.up_blocks:
            x = block(x, temb, encoder_hidden_states, skips)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def export_onnx(model: nn.Module, path: str, batch: int = 2, latent: int = 64, context_tokens: int = 77, opset: int = 17) -> None:
    """TorchScript-based export (dynamo=False where torch accepts the keyword): dynamic batch and latent size, int64 timestep [B].

    Models over 2 GB (fp32 SD1.5 is ~3.4 GB) are written with external data beside ``path``.
    """
    model = model.eval().float().cpu()
    sample = torch.randn(batch, 4, latent, latent)
    timestep = torch.full((batch,), 500, dtype=torch.int64)
    context = torch.randn(batch, context_tokens, 768)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (sample, timestep, context),
            path,
            input_names=["sample", "timestep", "encoder_hidden_states"],
            output_names=["out_sample"],
            dynamic_axes={
                "sample": {0: "batch", 2: "height", 3: "width"},
                "timestep": {0: "batch"},
                "encoder_hidden_states": {0: "batch", 1: "tokens"},
                "out_sample": {0: "batch", 2: "height", 3: "width"},
            },
            opset_version=opset,
            do_constant_folding=True,
            **({"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}),
        )
