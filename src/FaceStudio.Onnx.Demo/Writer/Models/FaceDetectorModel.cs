namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>
/// Demo SCRFD-style detector: <c>input.1 [1, 3, H, W]</c> → 9 outputs in InsightFace order:
/// <c>score_8, score_16, score_32 [L·A, 1]</c> (sigmoid), <c>bbox_8, bbox_16, bbox_32 [L·A, 4]</c>,
/// <c>kps_8, kps_16, kps_32 [L·A, 10]</c>, where L = (H/s)·(W/s) locations row-major and the A anchors of a
/// location are consecutive. Head k at location (y, x) = W_k · avgpool_s(input)[:, y, x] + b_k.
/// </summary>
public static class FaceDetectorModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(FaceDetectorSpec spec, FaceDetectorWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int a = spec.AnchorsPerLocation;
        ModelIo.CheckLength(weights.ScoreWeight, a * 3, nameof(weights.ScoreWeight));
        ModelIo.CheckLength(weights.ScoreBias, a, nameof(weights.ScoreBias));
        ModelIo.CheckLength(weights.BoxWeight, a * 12, nameof(weights.BoxWeight));
        ModelIo.CheckLength(weights.BoxBias, a * 4, nameof(weights.BoxBias));
        ModelIo.CheckLength(weights.KeypointWeight, a * 30, nameof(weights.KeypointWeight));
        ModelIo.CheckLength(weights.KeypointBias, a * 10, nameof(weights.KeypointBias));

        var g = new GraphBuilder("scrfd");
        OnnxDim height = spec.InputHeight is { } h ? h : "height";
        OnnxDim width = spec.InputWidth is { } w ? w : "width";
        string x = g.Input(spec.InputName, OnnxElementType.Float, 1, 3, height, width);
        string sw = g.Initializer("score.weight", [a, 3, 1, 1], weights.ScoreWeight);
        string sb = g.Initializer("score.bias", [a], weights.ScoreBias);
        string bw = g.Initializer("bbox.weight", [a * 4, 3, 1, 1], weights.BoxWeight);
        string bb = g.Initializer("bbox.bias", [a * 4], weights.BoxBias);
        string kw = g.Initializer("kps.weight", [a * 10, 3, 1, 1], weights.KeypointWeight);
        string kb = g.Initializer("kps.bias", [a * 10], weights.KeypointBias);

        var scores = new List<(string Name, string Value)>();
        var boxes = new List<(string Name, string Value)>();
        var keypoints = new List<(string Name, string Value)>();
        foreach (int s in spec.Strides)
        {
            string pooled = g.Op("AveragePool", [x], OnnxAttribute.Ints("kernel_shape", s, s), OnnxAttribute.Ints("strides", s, s));

            // [1, A·K, h, w] → [1, h, w, A·K] → [h·w·A, K]: locations row-major, anchors of a location consecutive.
            string Head(string weight, string bias, int k) => g.Reshape(g.Transpose(g.Conv(pooled, weight, bias, 1), 0, 2, 3, 1), -1, k);
            string suffix = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
            scores.Add(("score_" + suffix, g.Sigmoid(Head(sw, sb, 1))));
            boxes.Add(("bbox_" + suffix, Head(bw, bb, 4)));
            keypoints.Add(("kps_" + suffix, Head(kw, kb, 10)));
        }

        foreach ((string name, string value) in scores)
        {
            g.Output(name, value, OnnxElementType.Float, "anchors_" + name[6..], 1);
        }

        foreach ((string name, string value) in boxes)
        {
            g.Output(name, value, OnnxElementType.Float, "anchors_" + name[5..], 4);
        }

        foreach ((string name, string value) in keypoints)
        {
            g.Output(name, value, OnnxElementType.Float, "anchors_" + name[4..], 10);
        }

        return ModelIo.Model(g, "SCRFD-style face detector");
    }
}
