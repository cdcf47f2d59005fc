using FaceStudio.Core.Denoising;

namespace FaceStudio.Onnx.Demo.Writer.Models;

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
