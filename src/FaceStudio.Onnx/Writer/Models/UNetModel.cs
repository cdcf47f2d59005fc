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

    /// <summary>Attention width A = H·d of <see cref="AttentionUNetModel"/>'s cross-attention (queries, keys and values).</summary>
    public int AttentionDim { get; init; } = 16;

    /// <summary>Attention heads H of <see cref="AttentionUNetModel"/>; <see cref="AttentionDim"/> must be a multiple of it.</summary>
    public int Heads { get; init; } = 1;

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
        return new UNetWeights
        {
            Conv = UNetGraph.NearIdentityConv(r, c),
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
        UNetGraph trunk = UNetGraph.Begin(g, spec, weights.Conv, weights.ConvBias);
        string context = g.Unsqueeze(g.MatMul(g.ReduceMean(trunk.Context, [1], keepDims: false), ModelIo.Weight(g, "context_proj", [d, c], weights.ContextProjection, p)), 2, 3);
        string result = g.Add(g.Mul(trunk.Conv, trunk.TimeScale), context);

        if (spec.IdentityTokens is not null)
        {
            (string tok, string masks, string scales) = trunk.IdentityInputs(g, spec);
            string perIdentity = g.MatMul(g.ReduceMean(tok, [2], keepDims: false), ModelIo.Weight(g, "identity_proj", [d, c], weights.IdentityProjection, p)); // [B, N, C]
            string scaled = g.Mul(perIdentity, g.Unsqueeze(scales, 2));
            string routed = g.MatMul(g.Transpose(scaled, 0, 2, 1), g.Reshape(masks, 0, 0, -1)); // [B, C, h·w]
            result = g.Add(result, g.ReshapeTo(routed, g.Shape(trunk.Sample)));
        }

        trunk.Output(g, spec, result);
        return ModelIo.Model(g, "UNet");
    }
}

/// <summary>Parameters of <see cref="AttentionUNetModel"/>; every matrix is [inputs, outputs] (row vector times matrix).</summary>
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

    /// <summary>Text value projection [D, A].</summary>
    public required float[] Value { get; init; }

    /// <summary>Identity key projection [D, A] (IP-Adapter <c>to_k_ip</c>); empty without identity inputs.</summary>
    public float[] IdentityKey { get; init; } = [];

    /// <summary>Identity value projection [D, A] (IP-Adapter <c>to_v_ip</c>); empty without identity inputs.</summary>
    public float[] IdentityValue { get; init; } = [];

    /// <summary>Output projection [A, C].</summary>
    public required float[] Output { get; init; }

    /// <summary>Seeded random weights (fan-in scaled); the convolution is near identity so demo sampling stays bounded.</summary>
    public static AttentionUNetWeights Random(UNetSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int c = spec.LatentChannels, d = spec.ContextDim, a = spec.AttentionDim;
        bool id = spec.IdentityTokens is not null;
        return new AttentionUNetWeights
        {
            Conv = UNetGraph.NearIdentityConv(r, c),
            ConvBias = r.Uniform(c, -0.05f, 0.05f),
            Query = r.FanIn(c * a, c),
            Key = r.FanIn(d * a, d),
            Value = r.FanIn(d * a, d),
            IdentityKey = id ? r.FanIn(d * a, d) : [],
            IdentityValue = id ? r.FanIn(d * a, d) : [],
            Output = r.FanIn(a * c, a),
        };
    }
}

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

/// <summary>What both demo UNets share: the contract's inputs and output, the time scale and the 1×1 convolution.</summary>
/// <param name="Batch">The batch dimension (fixed or dynamic).</param>
/// <param name="Sample">float32 <c>sample [B, C, h, w]</c>.</param>
/// <param name="Context">float32 <c>encoder_hidden_states [B, T, D]</c>.</param>
/// <param name="TimeScale">(1 + 0.1·t/1000) as [B or 1, 1, 1, 1].</param>
/// <param name="Conv">h = Wc·x + bc, [B, C, h, w].</param>
internal readonly record struct UNetGraph(OnnxDim Batch, string Sample, string Context, string TimeScale, string Conv)
{
    public static UNetGraph Begin(GraphBuilder g, UNetSpec spec, float[] conv, float[] convBias)
    {
        int c = spec.LatentChannels;
        TensorPrecision p = spec.Precision;
        OnnxDim batch = spec.BatchSize is { } fixedBatch ? fixedBatch : "batch";
        string x = ModelIo.FloatInput(g, "sample", p, batch, c, "height", "width");
        string t = spec.Timestep switch
        {
            TimestepForm.Int64Batch => g.Cast(g.Input("timestep", OnnxElementType.Int64, batch), OnnxElementType.Float),
            TimestepForm.FloatBatch => ModelIo.FloatInput(g, "timestep", p, batch),
            _ => ModelIo.FloatInput(g, "timestep", p),
        };
        OnnxDim tokens = spec.ContextTokens is { } fixedTokens ? fixedTokens : "sequence";
        string ehs = ModelIo.FloatInput(g, "encoder_hidden_states", p, batch, tokens, spec.ContextDim);
        string timeScale = g.Add(g.FloatScalar(1f), g.Mul(g.Reshape(t, -1, 1, 1, 1), g.FloatScalar(1e-4f)));
        string h = g.Conv(x, ModelIo.Weight(g, "conv.weight", [c, c, 1, 1], conv, p), ModelIo.Weight(g, "conv.bias", [c], convBias, p), 1);
        return new UNetGraph(batch, x, ehs, timeScale, h);
    }

    /// <summary>Declares <c>identity_tokens [B, N, K, D]</c>, <c>identity_masks [B, N, h, w]</c>, <c>identity_scales [B, N]</c>.</summary>
    public (string Tokens, string Masks, string Scales) IdentityInputs(GraphBuilder g, UNetSpec spec)
    {
        int k = spec.IdentityTokens ?? throw new InvalidOperationException("The spec declares no identity inputs.");
        TensorPrecision p = spec.Precision;
        return (ModelIo.FloatInput(g, "identity_tokens", p, Batch, "identities", k, spec.ContextDim),
            ModelIo.FloatInput(g, "identity_masks", p, Batch, "identities", "height", "width"),
            ModelIo.FloatInput(g, "identity_scales", p, Batch, "identities"));
    }

    /// <summary>Declares <c>out_sample [B, C, h, w]</c> from the float32 <paramref name="result"/>.</summary>
    public void Output(GraphBuilder g, UNetSpec spec, string result) =>
        ModelIo.FloatOutput(g, "out_sample", result, spec.Precision, Batch, spec.LatentChannels, "height", "width");

    /// <summary>A [C, C] convolution near identity (0.9 on the diagonal plus U(-0.1, 0.1)), so demo sampling stays bounded.</summary>
    public static float[] NearIdentityConv(SeededWeights r, int c)
    {
        float[] conv = r.Uniform(c * c, -0.1f, 0.1f);
        for (int i = 0; i < c; i++)
        {
            conv[(i * c) + i] += 0.9f;
        }

        return conv;
    }
}
