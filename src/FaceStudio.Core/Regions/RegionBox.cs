namespace FaceStudio.Core.Regions;

/// <summary>An axis-aligned box in pixels: left, top, width, height.</summary>
public readonly record struct RegionBox(float X, float Y, float Width, float Height)
{
    /// <summary>Right edge.</summary>
    public float Right => X + Width;

    /// <summary>Bottom edge.</summary>
    public float Bottom => Y + Height;

    /// <summary>Horizontal centre.</summary>
    public float CenterX => X + (Width / 2f);

    /// <summary>The part of the box inside a <paramref name="width"/> × <paramref name="height"/> image (may be empty).</summary>
    public RegionBox ClampTo(int width, int height)
    {
        float x0 = Math.Clamp(X, 0f, width);
        float y0 = Math.Clamp(Y, 0f, height);
        float x1 = Math.Clamp(Right, 0f, width);
        float y1 = Math.Clamp(Bottom, 0f, height);
        return new RegionBox(x0, y0, Math.Max(0f, x1 - x0), Math.Max(0f, y1 - y0));
    }

    /// <summary>The box mapped from one image size to another (both axes scaled independently).</summary>
    public RegionBox Rescale(float scaleX, float scaleY) => new(X * scaleX, Y * scaleY, Width * scaleX, Height * scaleY);
}
