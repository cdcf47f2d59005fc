namespace FaceStudio.Onnx.Demo.Writer.Models;

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
