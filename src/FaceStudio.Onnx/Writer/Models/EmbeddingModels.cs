namespace FaceStudio.Onnx.Writer.Models;

/// <summary>Options of a demo pooled-linear image embedder (ArcFace-style or CLIP-vision-style).</summary>
/// <param name="InputName">Input name.</param>
/// <param name="OutputName">Output name.</param>
/// <param name="InputSize">Square input side (112 for ArcFace, 224 for CLIP vision).</param>
/// <param name="PoolSize">Average-pool window and stride; InputSize must be a multiple of it.</param>
/// <param name="EmbeddingSize">Output width (512 for ArcFace; the CLIP projection width for CLIP vision).</param>
public sealed record ImageEmbedderSpec(string InputName, string OutputName, int InputSize, int PoolSize, int EmbeddingSize)
{
    /// <summary>ArcFace-style: <c>input.1 [N, 3, 112, 112]</c> → <c>embedding [N, 512]</c>.</summary>
    public static ImageEmbedderSpec ArcFace { get; } = new("input.1", "embedding", 112, 16, 512);

    /// <summary>CLIP-vision-style: <c>pixel_values [N, 3, 224, 224]</c> → <c>image_embeds [N, 64]</c>.</summary>
    public static ImageEmbedderSpec ClipVision { get; } = new("pixel_values", "image_embeds", 224, 32, 64);

    /// <summary>Features after pooling: 3·(InputSize/PoolSize)².</summary>
    public int Features => 3 * (InputSize / PoolSize) * (InputSize / PoolSize);
}

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

/// <summary>
/// Demo image embedder: <c>[N, 3, S, S]</c> → <c>[N, E]</c> = flatten(avgpool_P(x)) · W + b (not normalised,
/// like ArcFace's raw output and CLIP's <c>image_embeds</c>).
/// </summary>
public static class ImageEmbedderModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(ImageEmbedderSpec spec, ImageEmbedderWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        if (spec.PoolSize <= 0 || spec.InputSize % spec.PoolSize != 0)
        {
            throw new ArgumentException($"InputSize {spec.InputSize} must be a multiple of PoolSize {spec.PoolSize}.", nameof(spec));
        }

        ModelIo.CheckLength(weights.Projection, (long)spec.Features * spec.EmbeddingSize, nameof(weights.Projection));
        ModelIo.CheckLength(weights.Bias, spec.EmbeddingSize, nameof(weights.Bias));
        var g = new GraphBuilder("embedder");
        string x = g.Input(spec.InputName, OnnxElementType.Float, "batch", 3, spec.InputSize, spec.InputSize);
        string pooled = g.Op("AveragePool", [x], OnnxAttribute.Ints("kernel_shape", spec.PoolSize, spec.PoolSize), OnnxAttribute.Ints("strides", spec.PoolSize, spec.PoolSize));
        string flat = g.Op("Flatten", [pooled], OnnxAttribute.Int("axis", 1));
        string y = g.Add(g.MatMul(flat, g.Initializer("projection", [spec.Features, spec.EmbeddingSize], weights.Projection)), g.Initializer("bias", [spec.EmbeddingSize], weights.Bias));
        g.Output(spec.OutputName, y, OnnxElementType.Float, "batch", spec.EmbeddingSize);
        return ModelIo.Model(g, "image embedder");
    }
}

/// <summary>Options of the demo FaceStudio guidance projector.</summary>
public sealed record ProjectorSpec
{
    /// <summary>Face embedding width (512).</summary>
    public int FaceEmbeddingSize { get; init; } = 512;

    /// <summary>CLIP image embedding width (E).</summary>
    public int ImageEmbeddingSize { get; init; } = 64;

    /// <summary>Tokens per identity (K).</summary>
    public int Tokens { get; init; } = 4;

    /// <summary>Token width (D, the denoiser's context width).</summary>
    public int TokenDim { get; init; } = 64;
}

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

/// <summary>
/// Demo FaceStudio projector (paper §3.1 Linear): <c>face_embeds [N, 512]</c>, <c>image_embeds [N, E]</c> →
/// <c>tokens [N, K, D]</c> = reshape([face ‖ image] · W + b).
/// </summary>
public static class ProjectorModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(ProjectorSpec spec, ProjectorWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int input = spec.FaceEmbeddingSize + spec.ImageEmbeddingSize, output = spec.Tokens * spec.TokenDim;
        ModelIo.CheckLength(weights.Projection, (long)input * output, nameof(weights.Projection));
        ModelIo.CheckLength(weights.Bias, output, nameof(weights.Bias));
        var g = new GraphBuilder("projector");
        string face = g.Input("face_embeds", OnnxElementType.Float, "batch", spec.FaceEmbeddingSize);
        string image = g.Input("image_embeds", OnnxElementType.Float, "batch", spec.ImageEmbeddingSize);
        string joined = g.Op("Concat", [face, image], OnnxAttribute.Int("axis", 1));
        string y = g.Add(g.MatMul(joined, g.Initializer("projection", [input, output], weights.Projection)), g.Initializer("bias", [output], weights.Bias));
        g.Output("tokens", g.Reshape(y, 0, spec.Tokens, spec.TokenDim), OnnxElementType.Float, "batch", spec.Tokens, spec.TokenDim);
        return ModelIo.Model(g, "guidance projector");
    }
}
