namespace FaceStudio.Onnx.Demo.Writer.Models;

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
