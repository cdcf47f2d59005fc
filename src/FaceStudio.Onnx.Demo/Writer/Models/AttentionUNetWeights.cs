namespace FaceStudio.Onnx.Demo.Writer.Models;

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
