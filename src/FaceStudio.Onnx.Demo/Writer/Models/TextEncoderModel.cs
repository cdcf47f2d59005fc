namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>
/// Demo CLIP text encoder: <c>input_ids [B, T]</c> (int32 or int64) →
/// <c>last_hidden_state [B, T, D]</c> = tanh((E[id mod V] + P[t]) · W) and
/// <c>pooler_output [B, D]</c> = mean over t of <c>last_hidden_state</c>.
/// </summary>
public static class TextEncoderModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(TextEncoderSpec spec, TextEncoderWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        if (spec.InputIdsType is not (OnnxElementType.Int32 or OnnxElementType.Int64))
        {
            throw new ArgumentException($"input_ids must be Int32 or Int64; got {spec.InputIdsType}.", nameof(spec));
        }

        int v = spec.VocabSize, t = spec.MaxTokens, d = spec.HiddenSize;
        ModelIo.CheckLength(weights.TokenEmbedding, (long)v * d, nameof(weights.TokenEmbedding));
        ModelIo.CheckLength(weights.PositionEmbedding, (long)t * d, nameof(weights.PositionEmbedding));
        ModelIo.CheckLength(weights.Projection, (long)d * d, nameof(weights.Projection));

        var g = new GraphBuilder("text_encoder");
        string ids = g.Input("input_ids", spec.InputIdsType, "batch", t);
        string ids64 = spec.InputIdsType == OnnxElementType.Int64 ? ids : g.Cast(ids, OnnxElementType.Int64);
        string wrapped = g.Op("Mod", [ids64, g.Int64Constant([], v)]);
        string tokens = g.Gather(ModelIo.Weight(g, "token_embedding", [v, d], weights.TokenEmbedding, spec.Precision), wrapped);
        string h = g.Add(tokens, ModelIo.Weight(g, "position_embedding", [t, d], weights.PositionEmbedding, spec.Precision));
        string last = g.Tanh(g.MatMul(h, ModelIo.Weight(g, "projection", [d, d], weights.Projection, spec.Precision)));
        ModelIo.FloatOutput(g, "last_hidden_state", last, spec.Precision, "batch", t, d);
        if (spec.WithPooler)
        {
            ModelIo.FloatOutput(g, "pooler_output", g.ReduceMean(last, [1], keepDims: false), spec.Precision, "batch", d);
        }

        return ModelIo.Model(g, "text encoder");
    }
}
