using FaceStudio.Onnx.Demo.Writer;

namespace FaceStudio.Onnx.Demo.TestModels;

/// <summary>
/// The head outputs of a test SCRFD graph, per stride in anchor order: scores <c>[anchors]</c>, box distances
/// <c>[anchors, 4]</c> and keypoint offsets <c>[anchors, 10]</c>, all in stride units as a real head emits them.
/// </summary>
public sealed class ScrfdHeads
{
    /// <summary>Scores per stride.</summary>
    public required float[][] Scores { get; init; }

    /// <summary>Box distances (left, top, right, bottom) per stride.</summary>
    public required float[][] Boxes { get; init; }

    /// <summary>Keypoint offsets (x, y for five points) per stride.</summary>
    public required float[][] Keypoints { get; init; }

    /// <summary>All-zero heads for a square canvas of side <paramref name="inputSize"/>.</summary>
    public static ScrfdHeads Zeros(int inputSize, IReadOnlyList<int> strides, int anchors = 2)
    {
        ArgumentNullException.ThrowIfNull(strides);
        int[] counts = strides.Select(s => (inputSize / s) * (inputSize / s) * anchors).ToArray();
        return new ScrfdHeads
        {
            Scores = counts.Select(n => new float[n]).ToArray(),
            Boxes = counts.Select(n => new float[n * 4]).ToArray(),
            Keypoints = counts.Select(n => new float[n * 10]).ToArray(),
        };
    }
}
