using FaceStudio.Core.Denoising;
using FaceStudio.Onnx.Writer;

namespace FaceStudio.Onnx.Guidance;

/// <summary>Shape of the small identity-aware denoiser.</summary>
public sealed record MaskedAttentionDenoiserSpec
{
    /// <summary>Latent channels C.</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Context token width D (text and identity tokens).</summary>
    public int ContextDim { get; init; } = 8;

    /// <summary>Attention heads H.</summary>
    public int Heads { get; init; } = 2;

    /// <summary>Width of each head d.</summary>
    public int HeadDim { get; init; } = 4;

    /// <summary>Tokens per identity K (fixed in the graph).</summary>
    public int IdentityTokens { get; init; } = 4;

    /// <summary>Attention width H·d.</summary>
    public int AttentionWidth => Heads * HeadDim;

    /// <summary>What the graph declares, as the pipeline will read it.</summary>
    public DenoiserCapabilities Capabilities => new()
    {
        LatentChannels = LatentChannels,
        ContextDim = ContextDim,
        SupportsIdentityRegions = true,
        IdentityTokensPerIdentity = IdentityTokens,
    };
}

/// <summary>Weights of the small identity-aware denoiser; every matrix is [inputs, outputs] (row vector times matrix).</summary>
public sealed class MaskedAttentionDenoiserWeights
{
    /// <summary>Query projection [C, H·d].</summary>
    public required float[] Query { get; init; }

    /// <summary>Text key projection [D, H·d].</summary>
    public required float[] TextKey { get; init; }

    /// <summary>Text value projection [D, H·d].</summary>
    public required float[] TextValue { get; init; }

    /// <summary>Identity key projection [D, H·d] (IP-Adapter <c>to_k_ip</c>).</summary>
    public required float[] IdentityKey { get; init; }

    /// <summary>Identity value projection [D, H·d] (IP-Adapter <c>to_v_ip</c>).</summary>
    public required float[] IdentityValue { get; init; }

    /// <summary>Output projection [H·d, C].</summary>
    public required float[] Output { get; init; }

    /// <summary>Seeded random weights (fan-in scaled).</summary>
    public static MaskedAttentionDenoiserWeights Random(MaskedAttentionDenoiserSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int c = spec.LatentChannels, d = spec.ContextDim, a = spec.AttentionWidth;
        return new MaskedAttentionDenoiserWeights
        {
            Query = r.FanIn(c * a, c),
            TextKey = r.FanIn(d * a, d),
            TextValue = r.FanIn(d * a, d),
            IdentityKey = r.FanIn(d * a, d),
            IdentityValue = r.FanIn(d * a, d),
            Output = r.FanIn(a * c, a),
        };
    }
}

/// <summary>
/// The smallest identity-aware denoiser (docs/guidance.md): position-wise linear maps around one masked
/// multi-identity cross-attention, with the native contract's inputs
/// <c>sample [B, C, h, w]</c>, <c>timestep</c> int64 [B], <c>encoder_hidden_states [B, T, D]</c> (T dynamic),
/// <c>identity_tokens [B, N, K, D]</c>, <c>identity_masks [B, N, h, w]</c>, <c>identity_scales [B, N]</c>:
/// <code>
/// q_p = x_p·Wq;  a_p = Attn(q_p, E·Wk, E·Wv) + Σ_n s_n·m_n(p)·Attn(q_p, I_n·Wk', I_n·Wv')
/// out_p = a_p·Wo + 0.5·x_p + 0.001·t
/// </code>
/// (softmax over tokens, scaled by 1/√d, per head). Matches <c>FaceStudio.Core.Guidance.MaskedCrossAttention</c>.
/// </summary>
public static class MaskedAttentionDenoiserModel
{
    /// <summary>Builds the graph (float32, opset 17).</summary>
    public static OnnxModelBuilder Build(MaskedAttentionDenoiserSpec spec, MaskedAttentionDenoiserWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int c = spec.LatentChannels, d = spec.ContextDim, heads = spec.Heads, hd = spec.HeadDim, k = spec.IdentityTokens, a = spec.AttentionWidth;
        Check(weights.Query, c * a, nameof(weights.Query));
        Check(weights.TextKey, d * a, nameof(weights.TextKey));
        Check(weights.TextValue, d * a, nameof(weights.TextValue));
        Check(weights.IdentityKey, d * a, nameof(weights.IdentityKey));
        Check(weights.IdentityValue, d * a, nameof(weights.IdentityValue));
        Check(weights.Output, a * c, nameof(weights.Output));

        var g = new GraphBuilder("masked_attention_denoiser");
        const OnnxElementType F = OnnxElementType.Float;
        string sample = g.Input("sample", F, "batch", c, "height", "width");
        string timestep = g.Input("timestep", OnnxElementType.Int64, "batch");
        string ehs = g.Input("encoder_hidden_states", F, "batch", "sequence", d);
        string tokens = g.Input("identity_tokens", F, "batch", "identities", k, d);
        string masks = g.Input("identity_masks", F, "batch", "identities", "height", "width");
        string scales = g.Input("identity_scales", F, "batch", "identities");

        string x = g.Transpose(g.Reshape(sample, 0, 0, -1), 0, 2, 1);                                  // [B, P, C]
        string q = g.Transpose(g.Reshape(g.MatMul(x, g.Initializer("to_q", [c, a], weights.Query)), 0, 0, heads, hd), 0, 2, 1, 3); // [B, H, P, d]
        string invSqrt = g.FloatScalar(1f / MathF.Sqrt(hd));

        // Text attention: [B, H, P, d].
        string kText = g.Transpose(g.Reshape(g.MatMul(ehs, g.Initializer("to_k", [d, a], weights.TextKey)), 0, 0, heads, hd), 0, 2, 3, 1);   // [B, H, d, T]
        string vText = g.Transpose(g.Reshape(g.MatMul(ehs, g.Initializer("to_v", [d, a], weights.TextValue)), 0, 0, heads, hd), 0, 2, 1, 3); // [B, H, T, d]
        string textAttention = g.MatMul(Softmax(g, g.Mul(g.MatMul(q, kText), invSqrt)), vText);

        // Identity attention, every identity at once: [B, N, H, P, d], then weighted by s_n·m_n(p) and summed over N.
        string kId = g.Transpose(g.Reshape(g.MatMul(tokens, g.Initializer("to_k_ip", [d, a], weights.IdentityKey)), 0, 0, k, heads, hd), 0, 1, 3, 4, 2); // [B, N, H, d, K]
        string vId = g.Transpose(g.Reshape(g.MatMul(tokens, g.Initializer("to_v_ip", [d, a], weights.IdentityValue)), 0, 0, k, heads, hd), 0, 1, 3, 2, 4); // [B, N, H, K, d]
        string idScores = g.Mul(g.MatMul(g.Unsqueeze(q, 1), kId), invSqrt);                              // [B, N, H, P, K]
        string idAttention = g.MatMul(Softmax(g, idScores), vId);                                         // [B, N, H, P, d]
        string weight = g.Mul(g.Reshape(masks, 0, 0, 1, -1, 1), g.Reshape(scales, 0, 0, 1, 1, 1));        // [B, N, 1, P, 1]
        string routed = g.Op("ReduceSum", [g.Mul(idAttention, weight), g.Int64Vector(1)], OnnxAttribute.Int("keepdims", 0)); // [B, H, P, d]

        string attended = g.Reshape(g.Transpose(g.Add(textAttention, routed), 0, 2, 1, 3), 0, 0, -1); // [B, P, H·d]
        string y = g.ReshapeTo(g.Transpose(g.MatMul(attended, g.Initializer("to_out", [a, c], weights.Output)), 0, 2, 1), g.Shape(sample));
        string time = g.Mul(g.Reshape(g.Cast(timestep, F), -1, 1, 1, 1), g.FloatScalar(1e-3f));
        string result = g.Add(g.Add(y, g.Mul(sample, g.FloatScalar(0.5f))), time);
        g.Output("out_sample", result, F, "batch", c, "height", "width");
        return new OnnxModelBuilder(g)
        {
            DocString = "FaceStudio masked multi-identity cross-attention denoiser (tests and demos): position-wise maps around one masked cross-attention.",
        };
    }

    private static string Softmax(GraphBuilder g, string x) => g.Op("Softmax", [x], OnnxAttribute.Int("axis", -1));

    private static void Check(float[] values, int expected, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != expected)
        {
            throw new ArgumentException($"{name} needs {expected} values; got {values.Length}.", name);
        }
    }
}
