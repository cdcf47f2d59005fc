"""--attention mha: export diffusers' attention as ONNX Runtime's com.microsoft MultiHeadAttention contrib op.

The plain processor exports scores = softmax(Q·Kᵀ/√d) as separate MatMul/Softmax/MatMul nodes, which ONNX Runtime's
CPU provider runs as such: for SD1.5's five 64×64 self-attention blocks that materialises [2, 8, 4096, 4096] float
scores (and as much again for the softmax). MultiHeadAttention takes Q, K, V [batch, tokens, heads·head_size] and
computes the same thing in one kernel, whose CPU implementation has a flash-attention path (tiles of the score matrix,
never the whole of it). PyTorch runs the same math as the plain processor, so the export's reference is unchanged.
"""


def _function():
    import torch

    class MultiHeadAttention(torch.autograd.Function):
        """softmax(Q·Kᵀ/√d)·V per head; exported as one com.microsoft::MultiHeadAttention node."""

        @staticmethod
        def forward(ctx, query, key, value, heads: int):
            b, s, width = query.shape
            d = width // heads
            q = query.reshape(b, s, heads, d).transpose(1, 2)
            k = key.reshape(b, key.shape[1], heads, d).transpose(1, 2)
            v = value.reshape(b, value.shape[1], heads, d).transpose(1, 2)
            weights = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (d ** -0.5), dim=-1)
            return torch.matmul(weights, v).transpose(1, 2).reshape(b, s, width)

        @staticmethod
        def symbolic(g, query, key, value, heads: int):
            out = g.op("com.microsoft::MultiHeadAttention", query, key, value, num_heads_i=heads)
            out.setType(query.type())
            return out

    return MultiHeadAttention


class MhaAttnProcessor:
    """A diffusers attention processor for SD's self- and cross-attention (no masks) whose core exports as
    MultiHeadAttention. Handles the projections, optional group norm, 4-D inputs, residual and rescale like diffusers'
    default processor."""

    def __init__(self):
        self._mha = _function()

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None, *args,
                 identity_tokens=None, identity_masks=None, identity_scales=None, **kwargs):
        # The identity keywords are named so diffusers passes them without its "not expected" warning (the identity
        # UNet sends them to every processor); self-attention does not use them.
        if attention_mask is not None:
            raise ValueError("--attention mha exports attention without masks; this model passes one")
        residual = hidden_states
        if getattr(attn, "spatial_norm", None) is not None:
            hidden_states = attn.spatial_norm(hidden_states, temb)
        four_d = hidden_states.ndim == 4
        if four_d:
            b, c, h, w = hidden_states.shape
            hidden_states = hidden_states.view(b, c, h * w).transpose(1, 2)
        if attn.group_norm is not None:
            hidden_states = attn.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)
        query = attn.to_q(hidden_states)
        if encoder_hidden_states is None:
            encoder_hidden_states = hidden_states
        elif attn.norm_cross:
            encoder_hidden_states = attn.norm_encoder_hidden_states(encoder_hidden_states)
        key = attn.to_k(encoder_hidden_states)
        value = attn.to_v(encoder_hidden_states)
        hidden_states = self._mha.apply(query, key, value, attn.heads)
        hidden_states = attn.to_out[1](attn.to_out[0](hidden_states))
        if four_d:
            hidden_states = hidden_states.transpose(-1, -2).reshape(b, c, h, w)
        if attn.residual_connection:
            hidden_states = hidden_states + residual
        return hidden_states / attn.rescale_output_factor


def use_mha(unet) -> None:
    """Sets every attention processor of a diffusers UNet to MhaAttnProcessor."""
    unet.set_attn_processor(MhaAttnProcessor())
