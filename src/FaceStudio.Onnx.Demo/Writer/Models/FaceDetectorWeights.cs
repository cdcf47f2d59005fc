namespace FaceStudio.Onnx.Demo.Writer.Models;

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
