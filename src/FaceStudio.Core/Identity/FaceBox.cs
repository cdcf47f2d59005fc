namespace FaceStudio.Core.Identity;

/// <summary>
/// An axis-aligned face box in pixel coordinates of the photo it was found in: left, top, right, bottom
/// (InsightFace's <c>x1, y1, x2, y2</c>; not clamped to the image).
/// </summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
public readonly record struct FaceBox(float X1, float Y1, float X2, float Y2)
{
    /// <summary>Width, <c>X2 − X1</c>.</summary>
    public float Width => X2 - X1;

    /// <summary>Height, <c>Y2 − Y1</c>.</summary>
    public float Height => Y2 - Y1;

    /// <summary>Area, <c>Width × Height</c> (zero for an inverted box).</summary>
    public float Area => Math.Max(0f, Width) * Math.Max(0f, Height);

    /// <summary>The shorter side, the size that decides whether a face is large enough to embed well.</summary>
    public float ShortSide => Math.Min(Width, Height);
}
