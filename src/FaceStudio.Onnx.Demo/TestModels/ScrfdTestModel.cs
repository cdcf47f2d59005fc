using FaceStudio.Onnx.Demo.Writer;

namespace FaceStudio.Onnx.Demo.TestModels;

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
