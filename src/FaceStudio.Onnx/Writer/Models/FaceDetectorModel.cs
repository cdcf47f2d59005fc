namespace FaceStudio.Onnx.Writer.Models;

/// <summary>Options of the demo SCRFD-style face detector.</summary>
public sealed record FaceDetectorSpec
{
    /// <summary>Input height when fixed (SCRFD exports commonly fix 640); null declares it dynamic.</summary>
    public int? InputHeight { get; init; } = 640;

    /// <summary>Input width when fixed; null declares it dynamic.</summary>
    public int? InputWidth { get; init; } = 640;

    /// <summary>Input name (<c>input.1</c> in InsightFace exports).</summary>
    public string InputName { get; init; } = "input.1";

    /// <summary>Feature strides, one head set each (8, 16, 32).</summary>
    public IReadOnlyList<int> Strides { get; init; } = [8, 16, 32];

    /// <summary>Anchors per feature-map location (2).</summary>
    public int AnchorsPerLocation { get; init; } = 2;
}

/// <summary>
/// Heads of the demo detector, shared by every stride. Each head is a 1×1 convolution over the stride-sized
/// average of the input's 3 channels, per anchor: weights [A·K, 3] and bias [A·K] with K = 1 (score logit),
/// 4 (box distances left, top, right, bottom, in stride units) or 10 (5 keypoints x, y offsets, in stride units).
/// </summary>
public sealed class FaceDetectorWeights
{
    /// <summary>Score head weights [A, 3].</summary>
    public required float[] ScoreWeight { get; init; }

    /// <summary>Score head bias [A].</summary>
    public required float[] ScoreBias { get; init; }

    /// <summary>Box head weights [A·4, 3].</summary>
    public required float[] BoxWeight { get; init; }

    /// <summary>Box head bias [A·4].</summary>
    public required float[] BoxBias { get; init; }

    /// <summary>Keypoint head weights [A·10, 3].</summary>
    public required float[] KeypointWeight { get; init; }

    /// <summary>Keypoint head bias [A·10].</summary>
    public required float[] KeypointBias { get; init; }

    /// <summary>Seeded random heads.</summary>
    public static FaceDetectorWeights Random(FaceDetectorSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int a = spec.AnchorsPerLocation;
        return new FaceDetectorWeights
        {
            ScoreWeight = r.Uniform(a * 3, -2f, 2f),
            ScoreBias = r.Uniform(a, -3f, 0f),
            BoxWeight = r.Uniform(a * 4 * 3, -0.5f, 0.5f),
            BoxBias = r.Uniform(a * 4, 0.5f, 2f),
            KeypointWeight = r.Uniform(a * 10 * 3, -0.5f, 0.5f),
            KeypointBias = r.Uniform(a * 10, -1f, 1f),
        };
    }

    /// <summary>
    /// Heads set by construction: every anchor's score is sigmoid(<paramref name="gain"/>·(mean RGB of the
    /// stride cell − <paramref name="brightness"/>)), so only cells brighter than <paramref name="brightness"/>
    /// fire; every anchor predicts the same box distances and keypoint offsets (stride units).
    /// </summary>
    public static FaceDetectorWeights Constructed(FaceDetectorSpec spec, float gain, float brightness, ReadOnlySpan<float> boxDistances, ReadOnlySpan<float> keypointOffsets)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (boxDistances.Length != 4 || keypointOffsets.Length != 10)
        {
            throw new ArgumentException($"Need 4 box distances and 10 keypoint offsets; got {boxDistances.Length} and {keypointOffsets.Length}.");
        }

        int a = spec.AnchorsPerLocation;
        var scoreWeight = new float[a * 3];
        Array.Fill(scoreWeight, gain / 3f);
        var scoreBias = new float[a];
        Array.Fill(scoreBias, -gain * brightness);
        var boxBias = new float[a * 4];
        var kpsBias = new float[a * 10];
        for (int i = 0; i < a; i++)
        {
            boxDistances.CopyTo(boxBias.AsSpan(i * 4));
            keypointOffsets.CopyTo(kpsBias.AsSpan(i * 10));
        }

        return new FaceDetectorWeights
        {
            ScoreWeight = scoreWeight,
            ScoreBias = scoreBias,
            BoxWeight = new float[a * 4 * 3],
            BoxBias = boxBias,
            KeypointWeight = new float[a * 10 * 3],
            KeypointBias = kpsBias,
        };
    }
}

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
