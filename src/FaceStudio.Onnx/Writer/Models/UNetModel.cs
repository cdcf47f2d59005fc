using FaceStudio.Core.Denoising;

namespace FaceStudio.Onnx.Writer.Models;

/// <summary>How a UNet graph takes its timestep.</summary>
public enum TimestepForm
{
    /// <summary><c>timestep</c> int64 [B].</summary>
    Int64Batch,

    /// <summary><c>timestep</c> float [B] (fp16 in fp16 models).</summary>
    FloatBatch,

    /// <summary><c>timestep</c> float scalar [] (fp16 in fp16 models).</summary>
    FloatScalar,
}

/// <summary>Shape and contract options of a demo UNet.</summary>
public sealed record UNetSpec
{
    /// <summary>Latent channels (C).</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Context token width (D).</summary>
    public int ContextDim { get; init; } = 64;

    /// <summary>Context tokens (T) when fixed; null declares a dynamic sequence axis.</summary>
    public int? ContextTokens { get; init; } = 77;

    /// <summary>Timestep form.</summary>
    public TimestepForm Timestep { get; init; } = TimestepForm.Int64Batch;

    /// <summary>Precision of weights and float inputs/outputs.</summary>
    public TensorPrecision Precision { get; init; } = TensorPrecision.Float32;

    /// <summary>Batch size when fixed in the graph (some exports fix it to 1 or 2); null declares it dynamic.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Query/key width (A) of <see cref="AttentionUNetModel"/>'s cross-attention.</summary>
    public int AttentionDim { get; init; } = 16;

    /// <summary>Tokens per identity (K) when the graph takes identity inputs; null for a plain UNet.</summary>
    public int? IdentityTokens { get; init; }
}

/// <summary>Parameters of the demo UNet.</summary>
public sealed class UNetWeights
{
    /// <summary>1×1 convolution over channels, [C_out, C_in].</summary>
    public required float[] Conv { get; init; }

    /// <summary>Convolution bias [C].</summary>
    public required float[] ConvBias { get; init; }

    /// <summary>Projection of the mean context token, [D, C].</summary>
    public required float[] ContextProjection { get; init; }

    /// <summary>Projection of each identity's mean token, [D, C]; empty for a plain UNet.</summary>
    public float[] IdentityProjection { get; init; } = [];

    /// <summary>Seeded random weights; the convolution is near identity so demo sampling stays bounded.</summary>
    public static UNetWeights Random(UNetSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int c = spec.LatentChannels, d = spec.ContextDim;
        float[] conv = r.Uniform(c * c, -0.1f, 0.1f);
        for (int i = 0; i < c; i++)
        {
            conv[(i * c) + i] += 0.9f;
        }

        return new UNetWeights
        {
            Conv = conv,
            ConvBias = r.Uniform(c, -0.05f, 0.05f),
            ContextProjection = r.FanIn(d * c, d),
            IdentityProjection = spec.IdentityTokens is null ? [] : r.FanIn(d * c, d),
        };
    }
}

/// <summary>
/// Demo UNet: <c>sample [B, C, h, w]</c>, <c>timestep</c>, <c>encoder_hidden_states [B, T, D]</c>
/// (and with identities <c>identity_tokens [B, N, K, D]</c>, <c>identity_masks [B, N, h, w]</c>,
/// <c>identity_scales [B, N]</c>) → <c>out_sample [B, C, h, w]</c>:
/// <code>
/// out[b,c,p] = (1 + 0.1·t_b/1000)·(Σ_k Wc[c,k]·x[b,k,p] + bc[c])
///            + Σ_j mean_T(ehs[b])[j]·Wp[j,c]
///            + Σ_n s[b,n]·m[b,n,p]·Σ_j mean_K(tok[b,n])[j]·Wi[j,c]
/// </code>
/// With disjoint masks, region n's output depends on identity n's tokens only.
/// </summary>
public static class UNetModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(UNetSpec spec, UNetWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int c = spec.LatentChannels, d = spec.ContextDim;
        ModelIo.CheckLength(weights.Conv, (long)c * c, nameof(weights.Conv));
        ModelIo.CheckLength(weights.ConvBias, c, nameof(weights.ConvBias));
        ModelIo.CheckLength(weights.ContextProjection, (long)d * c, nameof(weights.ContextProjection));
        if (spec.IdentityTokens is not null)
        {
            ModelIo.CheckLength(weights.IdentityProjection, (long)d * c, nameof(weights.IdentityProjection));
        }

        TensorPrecision p = spec.Precision;
        var g = new GraphBuilder("unet");
        OnnxDim batch = spec.BatchSize is { } fixedBatch ? fixedBatch : "batch";
        string x = ModelIo.FloatInput(g, "sample", p, batch, c, "height", "width");
        string t = spec.Timestep switch
        {
            TimestepForm.Int64Batch => g.Cast(g.Input("timestep", OnnxElementType.Int64, batch), OnnxElementType.Float),
            TimestepForm.FloatBatch => ModelIo.FloatInput(g, "timestep", p, batch),
            _ => ModelIo.FloatInput(g, "timestep", p),
        };
        OnnxDim tokens = spec.ContextTokens is { } fixedTokens ? fixedTokens : "sequence";
        string ehs = ModelIo.FloatInput(g, "encoder_hidden_states", p, batch, tokens, d);

        // (1 + 0.1·t/1000) as [B or 1, 1, 1, 1].
        string timeScale = g.Add(g.FloatScalar(1f), g.Mul(g.Reshape(t, -1, 1, 1, 1), g.FloatScalar(1e-4f)));
        string conv = g.Conv(x, ModelIo.Weight(g, "conv.weight", [c, c, 1, 1], weights.Conv, p), ModelIo.Weight(g, "conv.bias", [c], weights.ConvBias, p), 1);
        string context = g.Unsqueeze(g.MatMul(g.ReduceMean(ehs, [1], keepDims: false), ModelIo.Weight(g, "context_proj", [d, c], weights.ContextProjection, p)), 2, 3);
        string result = g.Add(g.Mul(conv, timeScale), context);

        if (spec.IdentityTokens is { } k)
        {
            string tok = ModelIo.FloatInput(g, "identity_tokens", p, batch, "identities", k, d);
            string masks = ModelIo.FloatInput(g, "identity_masks", p, batch, "identities", "height", "width");
            string scales = ModelIo.FloatInput(g, "identity_scales", p, batch, "identities");
            string perIdentity = g.MatMul(g.ReduceMean(tok, [2], keepDims: false), ModelIo.Weight(g, "identity_proj", [d, c], weights.IdentityProjection, p)); // [B, N, C]
            string scaled = g.Mul(perIdentity, g.Unsqueeze(scales, 2));
            string routed = g.MatMul(g.Transpose(scaled, 0, 2, 1), g.Reshape(masks, 0, 0, -1)); // [B, C, h·w]
            result = g.Add(result, g.ReshapeTo(routed, g.Shape(x)));
        }

        ModelIo.FloatOutput(g, "out_sample", result, p, batch, c, "height", "width");
        return ModelIo.Model(g, "UNet");
    }
}

/// <summary>Parameters of <see cref="AttentionUNetModel"/>.</summary>
public sealed class AttentionUNetWeights
{
    /// <summary>1×1 convolution over channels, [C_out, C_in].</summary>
    public required float[] Conv { get; init; }

    /// <summary>Convolution bias [C].</summary>
    public required float[] ConvBias { get; init; }

    /// <summary>Query projection [C, A].</summary>
    public required float[] Query { get; init; }

    /// <summary>Text key projection [D, A].</summary>
    public required float[] Key { get; init; }

    /// <summary>Text value projection [D, C].</summary>
    public required float[] Value { get; init; }

    /// <summary>Identity key projection [D, A]; empty without identity inputs.</summary>
    public float[] IdentityKey { get; init; } = [];

    /// <summary>Identity value projection [D, C]; empty without identity inputs.</summary>
    public float[] IdentityValue { get; init; } = [];

    /// <summary>Seeded random weights; the convolution is near identity so demo sampling stays bounded.</summary>
    public static AttentionUNetWeights Random(UNetSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int c = spec.LatentChannels, d = spec.ContextDim, a = spec.AttentionDim;
        float[] conv = r.Uniform(c * c, -0.1f, 0.1f);
        for (int i = 0; i < c; i++)
        {
            conv[(i * c) + i] += 0.9f;
        }

        bool id = spec.IdentityTokens is not null;
        return new AttentionUNetWeights
        {
            Conv = conv,
            ConvBias = r.Uniform(c, -0.05f, 0.05f),
            Query = r.FanIn(c * a, c),
            Key = r.FanIn(d * a, d),
            Value = r.FanIn(d * c, d),
            IdentityKey = id ? r.FanIn(d * a, d) : [],
            IdentityValue = id ? r.FanIn(d * c, d) : [],
        };
    }
}

/// <summary>
/// Demo UNet with real (single-head) cross-attention and FaceStudio's region routing (paper Eq. 2), same
/// inputs and outputs as <see cref="UNetModel"/>. With h = Wc·x + bc at each latent position p and
/// q = Wqᵀ·h(p):
/// <code>
/// out(p) = (1 + 0.1·t/1000)·h(p)
///        + Attn(q, ehs·Wk, ehs·Wv)
///        + Σ_n s_n·m_n(p)·Attn(q, tok_n·Wik, tok_n·Wiv)
/// Attn(q, K, V) = softmax(K·q / √A)ᵀ·V
/// </code>
/// Only position-wise operations and the masked attention: with disjoint masks, region n's output does not
/// change, bit for bit, when another identity's tokens change.
/// </summary>
public static class AttentionUNetModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(UNetSpec spec, AttentionUNetWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int c = spec.LatentChannels, d = spec.ContextDim, a = spec.AttentionDim;
        ModelIo.CheckLength(weights.Conv, (long)c * c, nameof(weights.Conv));
        ModelIo.CheckLength(weights.ConvBias, c, nameof(weights.ConvBias));
        ModelIo.CheckLength(weights.Query, (long)c * a, nameof(weights.Query));
        ModelIo.CheckLength(weights.Key, (long)d * a, nameof(weights.Key));
        ModelIo.CheckLength(weights.Value, (long)d * c, nameof(weights.Value));
        if (spec.IdentityTokens is not null)
        {
            ModelIo.CheckLength(weights.IdentityKey, (long)d * a, nameof(weights.IdentityKey));
            ModelIo.CheckLength(weights.IdentityValue, (long)d * c, nameof(weights.IdentityValue));
        }

        TensorPrecision p = spec.Precision;
        var g = new GraphBuilder("unet");
        OnnxDim batch = spec.BatchSize is { } fixedBatch ? fixedBatch : "batch";
        string x = ModelIo.FloatInput(g, "sample", p, batch, c, "height", "width");
        string t = spec.Timestep switch
        {
            TimestepForm.Int64Batch => g.Cast(g.Input("timestep", OnnxElementType.Int64, batch), OnnxElementType.Float),
            TimestepForm.FloatBatch => ModelIo.FloatInput(g, "timestep", p, batch),
            _ => ModelIo.FloatInput(g, "timestep", p),
        };
        OnnxDim tokens = spec.ContextTokens is { } fixedTokens ? fixedTokens : "sequence";
        string ehs = ModelIo.FloatInput(g, "encoder_hidden_states", p, batch, tokens, d);

        string timeScale = g.Add(g.FloatScalar(1f), g.Mul(g.Reshape(t, -1, 1, 1, 1), g.FloatScalar(1e-4f)));
        string h = g.Conv(x, ModelIo.Weight(g, "conv.weight", [c, c, 1, 1], weights.Conv, p), ModelIo.Weight(g, "conv.bias", [c], weights.ConvBias, p), 1);
        string positions = g.Transpose(g.Reshape(h, 0, 0, -1), 0, 2, 1); // [B, hw, C]
        string q = g.MatMul(positions, ModelIo.Weight(g, "attn.query", [c, a], weights.Query, p)); // [B, hw, A]
        string text = g.Attention(q,
            g.MatMul(ehs, ModelIo.Weight(g, "attn.key", [d, a], weights.Key, p)),
            g.MatMul(ehs, ModelIo.Weight(g, "attn.value", [d, c], weights.Value, p)), a, rank: 3); // [B, hw, C]
        string attended = text;

        if (spec.IdentityTokens is { } k)
        {
            string tok = ModelIo.FloatInput(g, "identity_tokens", p, batch, "identities", k, d);
            string masks = ModelIo.FloatInput(g, "identity_masks", p, batch, "identities", "height", "width");
            string scales = ModelIo.FloatInput(g, "identity_scales", p, batch, "identities");
            string perIdentity = g.Attention(g.Unsqueeze(q, 1),
                g.MatMul(tok, ModelIo.Weight(g, "attn.identity_key", [d, a], weights.IdentityKey, p)),
                g.MatMul(tok, ModelIo.Weight(g, "attn.identity_value", [d, c], weights.IdentityValue, p)), a, rank: 4); // [B, N, hw, C]
            string weight = g.Mul(g.Unsqueeze(g.Reshape(masks, 0, 0, -1), 3), g.Reshape(scales, 0, 0, 1, 1)); // [B, N, hw, 1]
            attended = g.Add(attended, g.ReduceSum(g.Mul(perIdentity, weight), [1], keepDims: false));
        }

        string back = g.ReshapeTo(g.Transpose(attended, 0, 2, 1), g.Shape(x));
        ModelIo.FloatOutput(g, "out_sample", g.Add(g.Mul(h, timeScale), back), p, batch, c, "height", "width");
        return ModelIo.Model(g, "cross-attention UNet");
    }
}
