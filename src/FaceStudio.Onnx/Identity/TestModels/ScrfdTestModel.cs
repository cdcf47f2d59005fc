using FaceStudio.Onnx.Writer;

namespace FaceStudio.Onnx.Identity.TestModels;

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

/// <summary>Shape options of the test SCRFD graph.</summary>
public sealed record ScrfdTestModelSpec
{
    /// <summary>Side of the square input canvas (fixed in the graph unless <see cref="DynamicInput"/>).</summary>
    public int InputSize { get; init; } = 128;

    /// <summary>Declare height and width as symbolic dimensions (the values still have to be <see cref="InputSize"/>).</summary>
    public bool DynamicInput { get; init; }

    /// <summary>Strides of the three heads.</summary>
    public IReadOnlyList<int> Strides { get; init; } = [8, 16, 32];

    /// <summary>Emit outputs as <c>[1, anchors, k]</c> instead of <c>[anchors, k]</c>.</summary>
    public bool BatchAxis { get; init; }

    /// <summary>
    /// Order of the nine outputs as indices into InsightFace's order (scores ×3, boxes ×3, keypoints ×3); null keeps it.
    /// </summary>
    public IReadOnlyList<int>? OutputOrder { get; init; }

    /// <summary>Added to every score: <c>gain · mean(input)</c>, so a test can observe the input normalisation.</summary>
    public float ScoreInputGain { get; init; }
}

/// <summary>
/// Builds a graph with SCRFD's contract (one image input <c>[1, 3, H, W]</c>, nine head outputs named like a real
/// export with numbers) whose outputs are constants chosen by the caller, plus an optional term in the input mean.
/// Detection decoding can then be tested against boxes computed independently from those constants.
/// </summary>
public static class ScrfdTestModel
{
    /// <summary>Builds the graph.</summary>
    public static OnnxModelBuilder Build(ScrfdTestModelSpec spec, ScrfdHeads heads)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(heads);
        var g = new GraphBuilder("scrfd_test");
        OnnxDim side = spec.DynamicInput ? OnnxDim.Dynamic("?") : OnnxDim.Fixed(spec.InputSize);
        OnnxDim side2 = spec.DynamicInput ? OnnxDim.Dynamic("??") : OnnxDim.Fixed(spec.InputSize);
        string input = g.Input("input.1", OnnxElementType.Float, 1, 3, side, side2);
        string mean = g.ReduceMean(input, [0, 1, 2, 3], keepDims: false);
        string scoreTerm = g.Mul(mean, g.FloatScalar(spec.ScoreInputGain));
        string zeroTerm = g.Mul(mean, g.FloatScalar(0f));

        var values = new List<(string Value, long Anchors, long Width)>();
        for (int kind = 0; kind < 3; kind++)
        {
            float[][] source = kind switch { 0 => heads.Scores, 1 => heads.Boxes, _ => heads.Keypoints };
            int width = kind switch { 0 => 1, 1 => 4, _ => 10 };
            for (int level = 0; level < spec.Strides.Count; level++)
            {
                long anchors = source[level].Length / width;
                long[] dims = spec.BatchAxis ? [1, anchors, width] : [anchors, width];
                string constant = g.Initializer(g.UniqueName("head"), dims, source[level]);
                values.Add((g.Add(constant, kind == 0 ? scoreTerm : zeroTerm), anchors, width));
            }
        }

        var order = spec.OutputOrder ?? Enumerable.Range(0, values.Count).ToArray();
        int name = 448;
        foreach (int i in order)
        {
            var (value, anchors, width) = values[i];
            OnnxDim[] shape = spec.BatchAxis ? [1, anchors, width] : [anchors, width];
            g.Output((name++).ToString(System.Globalization.CultureInfo.InvariantCulture), value, OnnxElementType.Float, shape);
        }

        return new OnnxModelBuilder(g) { DocString = "FaceStudio test SCRFD: constant head outputs set by construction." };
    }
}
