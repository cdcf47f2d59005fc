using FaceStudio.Core.Denoising;

namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>
/// Demo UNet with real multi-head cross-attention and FaceStudio's region routing (paper Eq. 2, decoupled
/// IP-Adapter form), same inputs and outputs as <see cref="UNetModel"/>. With h = Wc·x + bc at each latent
/// position p and q = h(p)·Wq:
/// <code>
/// a(p)   = Attn(q, ehs·Wk, ehs·Wv) + Σ_n s_n·m_n(p)·Attn(q, tok_n·Wik, tok_n·Wiv)
/// out(p) = (1 + 0.1·t/1000)·h(p) + a(p)·Wo
/// Attn(q, K, V) = softmax(q·Kᵀ / √d)·V, per head (H heads of width d = A / H)
/// </code>
/// <c>a</c> is <c>FaceStudio.TestSupport.MaskedCrossAttention</c> (the test oracle)'s output. Only position-wise operations and
/// the masked attention: with disjoint masks, region n's output does not change, bit for bit, when another
/// identity's tokens change.
/// </summary>
public static class AttentionUNetModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(UNetSpec spec, AttentionUNetWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int c = spec.LatentChannels, d = spec.ContextDim, a = spec.AttentionDim, heads = spec.Heads;
        if (heads < 1 || a % heads != 0)
        {
            throw new ArgumentException($"AttentionDim ({a}) must be a multiple of Heads ({heads}, at least 1).", nameof(spec));
        }

        int hd = a / heads;
        ModelIo.CheckLength(weights.Conv, (long)c * c, nameof(weights.Conv));
        ModelIo.CheckLength(weights.ConvBias, c, nameof(weights.ConvBias));
        ModelIo.CheckLength(weights.Query, (long)c * a, nameof(weights.Query));
        ModelIo.CheckLength(weights.Key, (long)d * a, nameof(weights.Key));
        ModelIo.CheckLength(weights.Value, (long)d * a, nameof(weights.Value));
        ModelIo.CheckLength(weights.Output, (long)a * c, nameof(weights.Output));
        if (spec.IdentityTokens is not null)
        {
            ModelIo.CheckLength(weights.IdentityKey, (long)d * a, nameof(weights.IdentityKey));
            ModelIo.CheckLength(weights.IdentityValue, (long)d * a, nameof(weights.IdentityValue));
        }

        TensorPrecision p = spec.Precision;
        var g = new GraphBuilder("unet");
        UNetGraph trunk = UNetGraph.Begin(g, spec, weights.Conv, weights.ConvBias);
        string Project(string x, int rank, string name, float[] w) => SplitHeads(g, g.MatMul(x, ModelIo.Weight(g, name, [d, a], w, p)), rank, heads, hd);

        string positions = g.Transpose(g.Reshape(trunk.Conv, 0, 0, -1), 0, 2, 1); // [B, hw, C]
        string q = SplitHeads(g, g.MatMul(positions, ModelIo.Weight(g, "attn.query", [c, a], weights.Query, p)), 3, heads, hd); // [B, H, hw, d]
        string attended = g.Attention(q, Project(trunk.Context, 3, "attn.key", weights.Key), Project(trunk.Context, 3, "attn.value", weights.Value), hd, rank: 4); // [B, H, hw, d]

        if (spec.IdentityTokens is not null)
        {
            // Every identity at once: [B, N, H, hw, d], weighted by s_n·m_n(p) and summed over N.
            (string tok, string masks, string scales) = trunk.IdentityInputs(g, spec);
            string perIdentity = g.Attention(g.Unsqueeze(q, 1),
                Project(tok, 4, "attn.identity_key", weights.IdentityKey),
                Project(tok, 4, "attn.identity_value", weights.IdentityValue), hd, rank: 5);
            string weight = g.Mul(g.Reshape(masks, 0, 0, 1, -1, 1), g.Reshape(scales, 0, 0, 1, 1, 1)); // [B, N, 1, hw, 1]
            attended = g.Add(attended, g.ReduceSum(g.Mul(perIdentity, weight), [1], keepDims: false));
        }

        string merged = g.Reshape(g.Transpose(attended, 0, 2, 1, 3), 0, 0, -1); // [B, hw, A]
        string projected = g.MatMul(merged, ModelIo.Weight(g, "attn.out", [a, c], weights.Output, p)); // [B, hw, C]
        string back = g.ReshapeTo(g.Transpose(projected, 0, 2, 1), g.Shape(trunk.Sample));
        trunk.Output(g, spec, g.Add(g.Mul(trunk.Conv, trunk.TimeScale), back));
        return ModelIo.Model(g, "cross-attention UNet");
    }

    // [..., L, H·d] (rank dims) → [..., H, L, d].
    private static string SplitHeads(GraphBuilder g, string x, int rank, int heads, int headDim)
    {
        long[] shape = [.. Enumerable.Repeat(0L, rank - 1), heads, headDim];
        long[] perm = [.. Enumerable.Range(0, rank + 1).Select(i => (long)i)];
        (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
        return g.Transpose(g.Reshape(x, shape), perm);
    }
}
