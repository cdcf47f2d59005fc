using FaceStudio.Onnx.Demo.Writer;

namespace FaceStudio.Onnx.Demo.TestModels;

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
