using FaceStudio.Onnx.Demo.Writer;

namespace FaceStudio.Onnx.Demo.TestModels;

/// <summary>
/// Builds small graphs with the ArcFace and CLIP vision contracts whose outputs are an affine map of the per-channel
/// input means, so a test can compute the expected embedding from the pixels by hand.
/// </summary>
public static class EmbedderTestModels
{
    /// <summary>
    /// ArcFace contract: <c>input.1 [N, 3, size, size]</c> → one output <c>[N, dim]</c> =
    /// <c>channel_means(input) · weight [3, dim] + bias [dim]</c>, not normalised (as real exports).
    /// </summary>
    public static OnnxModelBuilder ArcFace(float[] weight, float[] bias, int size = 112, bool dynamicBatch = true)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        int dim = bias.Length;
        if (weight.Length != 3 * dim)
        {
            throw new ArgumentException($"The weight needs 3×{dim} values but has {weight.Length}.", nameof(weight));
        }

        var g = new GraphBuilder("arcface_test");
        OnnxDim batch = dynamicBatch ? OnnxDim.Dynamic("None") : OnnxDim.Fixed(1);
        string x = g.Input("input.1", OnnxElementType.Float, batch, 3, size, size);
        string y = Affine(g, x, weight, bias);
        g.Output("683", y, OnnxElementType.Float, batch, dim);
        return new OnnxModelBuilder(g) { DocString = "FaceStudio test ArcFace: affine map of channel means." };
    }

    /// <summary>
    /// CLIP vision contract: <c>pixel_values [B, 3, size, size]</c> → <c>image_embeds [B, E]</c> (affine map of the
    /// channel means) and, when <paramref name="withHiddenStates"/>, <c>last_hidden_state [B, 1, 3]</c> (the means).
    /// </summary>
    public static OnnxModelBuilder ClipVision(float[] weight, float[] bias, int size = 224, bool withHiddenStates = true)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        int dim = bias.Length;
        if (weight.Length != 3 * dim)
        {
            throw new ArgumentException($"The weight needs 3×{dim} values but has {weight.Length}.", nameof(weight));
        }

        var g = new GraphBuilder("clip_vision_test");
        string x = g.Input("pixel_values", OnnxElementType.Float, "batch", 3, size, size);
        g.Output("image_embeds", Affine(g, x, weight, bias), OnnxElementType.Float, "batch", dim);
        if (withHiddenStates)
        {
            g.Output("last_hidden_state", g.Unsqueeze(g.ReduceMean(x, [2, 3], keepDims: false), 1), OnnxElementType.Float, "batch", 1, 3);
        }

        return new OnnxModelBuilder(g) { DocString = "FaceStudio test CLIP vision: affine map of channel means." };
    }

    private static string Affine(GraphBuilder g, string x, float[] weight, float[] bias)
    {
        string means = g.ReduceMean(x, [2, 3], keepDims: false);
        string w = g.Initializer(g.UniqueName("weight"), [3, bias.Length], weight);
        string b = g.Initializer(g.UniqueName("bias"), [bias.Length], bias);
        return g.Add(g.MatMul(means, w), b);
    }
}
