namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Parameters of the demo text encoder (row-major float32, before any fp16 storage rounding).</summary>
public sealed class TextEncoderWeights
{
    /// <summary>Token table [V, D].</summary>
    public required float[] TokenEmbedding { get; init; }

    /// <summary>Position table [T, D].</summary>
    public required float[] PositionEmbedding { get; init; }

    /// <summary>Output projection [D, D] (input index first).</summary>
    public required float[] Projection { get; init; }

    /// <summary>Seeded random weights for <paramref name="spec"/>.</summary>
    public static TextEncoderWeights Random(TextEncoderSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int d = spec.HiddenSize;
        return new TextEncoderWeights
        {
            TokenEmbedding = r.Normal(spec.VocabSize * d, 1f),
            PositionEmbedding = r.Normal(spec.MaxTokens * d, 0.5f),
            Projection = r.FanIn(d * d, d),
        };
    }
}
