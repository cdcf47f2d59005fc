namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Parameters of a pooled-linear embedder.</summary>
public sealed class ImageEmbedderWeights
{
    /// <summary>Projection [F, E], F = <see cref="ImageEmbedderSpec.Features"/> in (channel, y, x) order.</summary>
    public required float[] Projection { get; init; }

    /// <summary>Bias [E].</summary>
    public required float[] Bias { get; init; }

    /// <summary>Seeded random weights.</summary>
    public static ImageEmbedderWeights Random(ImageEmbedderSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        return new ImageEmbedderWeights
        {
            Projection = r.FanIn(spec.Features * spec.EmbeddingSize, spec.Features),
            Bias = r.Uniform(spec.EmbeddingSize, -0.01f, 0.01f),
        };
    }
}
