namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Parameters of the demo projector.</summary>
public sealed class ProjectorWeights
{
    /// <summary>Linear map [512 + E, K·D] applied to [face ‖ image].</summary>
    public required float[] Projection { get; init; }

    /// <summary>Bias [K·D].</summary>
    public required float[] Bias { get; init; }

    /// <summary>Seeded random weights.</summary>
    public static ProjectorWeights Random(ProjectorSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int input = spec.FaceEmbeddingSize + spec.ImageEmbeddingSize, output = spec.Tokens * spec.TokenDim;
        return new ProjectorWeights { Projection = r.FanIn(input * output, input), Bias = r.Uniform(output, -0.01f, 0.01f) };
    }
}
