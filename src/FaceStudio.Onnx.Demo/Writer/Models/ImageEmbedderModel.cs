namespace FaceStudio.Onnx.Demo.Writer.Models;

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
