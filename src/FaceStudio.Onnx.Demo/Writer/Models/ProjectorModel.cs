namespace FaceStudio.Onnx.Demo.Writer.Models;

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
