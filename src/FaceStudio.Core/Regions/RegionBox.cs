using System.Globalization;
using System.Text.Json.Serialization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Regions;

/// <summary>
/// An axis-aligned rectangle in pixel coordinates, the one box type of the SDK: face boxes from the detectors
/// (<see cref="Identity.DetectedFace.Box"/>), identity regions (<see cref="IdentityRegion.FromBox"/>) and the regions
/// reported in <see cref="Pipeline.GenerationMetadata.Regions"/>.
/// </summary>
/// <remarks>
/// <para>
/// A box is stored as its corners: left <see cref="X"/>, top <see cref="Y"/>, right <see cref="Right"/> and bottom
/// <see cref="Bottom"/> (InsightFace's <c>x1, y1, x2, y2</c>); <see cref="Width"/> and <see cref="Height"/> are derived.
/// Pixel edges lie on integers, so a box <c>0,0,10,10</c> covers the 10 × 10 pixels 0…9.
/// </para>
/// <para>
/// Create one with <see cref="FromCorners"/> (<c>x0, y0, x1, y1</c>) or <see cref="FromSize"/> (<c>x, y, width,
/// height</c>); read one a user typed with <see cref="Parse"/>. The text form, <see cref="ToString"/>, is the corners
/// <c>x0,y0,x1,y1</c> that <see cref="Parse"/> reads back (the notation of the CLI's <c>--face photo@x0,y0,x1,y1</c>
/// and of its <c>faces</c> output). The factories do not reorder or reject corners: a detector's raw output may be an
/// inverted box, whose <see cref="Area"/> is zero. In JSON (System.Text.Json) a box is its corners
/// <c>{"x0", "y0", "x1", "y1"}</c>.
/// </para>
/// </remarks>
[JsonConverter(typeof(RegionBoxJsonConverter))]
public readonly record struct RegionBox
{
    private RegionBox(float x0, float y0, float x1, float y1)
    {
        X = x0;
        Y = y0;
        Right = x1;
        Bottom = y1;
    }

    /// <summary>Left edge, <c>x0</c>.</summary>
    public float X { get; }

    /// <summary>Top edge, <c>y0</c>.</summary>
    public float Y { get; }

    /// <summary>Right edge, <c>x1</c>.</summary>
    public float Right { get; }

    /// <summary>Bottom edge, <c>y1</c>.</summary>
    public float Bottom { get; }

    /// <summary>Width, <c>x1 − x0</c> (negative for an inverted box).</summary>
    public float Width => Right - X;

    /// <summary>Height, <c>y1 − y0</c> (negative for an inverted box).</summary>
    public float Height => Bottom - Y;

    /// <summary>Area, <c>Width × Height</c> (zero for an inverted box).</summary>
    public float Area => Math.Max(0f, Width) * Math.Max(0f, Height);

    /// <summary>The shorter side, the size that decides whether a face is large enough to embed well.</summary>
    public float ShortSide => Math.Min(Width, Height);

    /// <summary>Horizontal centre.</summary>
    public float CenterX => X + (Width / 2f);

    /// <summary>A box from its corners: left <paramref name="x0"/>, top <paramref name="y0"/>, right <paramref name="x1"/>, bottom <paramref name="y1"/>.</summary>
    public static RegionBox FromCorners(float x0, float y0, float x1, float y1) => new(x0, y0, x1, y1);

    /// <summary>A box from its top-left corner and size; the right edge is <c>x + width</c>, the bottom <c>y + height</c>.</summary>
    public static RegionBox FromSize(float x, float y, float width, float height) => new(x, y, x + width, y + height);

    /// <summary>
    /// Reads a box a user typed as pixel corners <c>x0,y0,x1,y1</c> (invariant culture, e.g. <c>10,20,74.5,100</c>):
    /// four finite numbers with <c>x1 &gt; x0</c> and <c>y1 &gt; y0</c>.
    /// </summary>
    /// <param name="text">The text to read.</param>
    /// <param name="parameterName">The option or field the text came from, named in the exception.</param>
    /// <exception cref="FaceStudioValidationException">The text is not four numbers, or the corners enclose no area.</exception>
    public static RegionBox Parse(string text, string parameterName = "box")
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',');
        var v = new float[4];
        bool numbers = parts.Length == 4;
        for (int i = 0; numbers && i < 4; i++)
        {
            numbers = float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && float.IsFinite(v[i]);
        }

        if (!numbers)
        {
            throw new FaceStudioValidationException(parameterName, $"A box is four numbers 'x0,y0,x1,y1' (pixel corners: left, top, right, bottom) but '{text}' was given.");
        }

        if (!(v[2] > v[0] && v[3] > v[1]))
        {
            throw new FaceStudioValidationException(parameterName, $"A box 'x0,y0,x1,y1' needs x1 > x0 and y1 > y0 (right of and below the first corner) but '{text}' has x0 {v[0].ToString(CultureInfo.InvariantCulture)}, x1 {v[2].ToString(CultureInfo.InvariantCulture)}, y0 {v[1].ToString(CultureInfo.InvariantCulture)}, y1 {v[3].ToString(CultureInfo.InvariantCulture)}.");
        }

        return new RegionBox(v[0], v[1], v[2], v[3]);
    }

    /// <summary>Whether <paramref name="text"/> has the shape of a box, four comma-separated numbers (it may still fail <see cref="Parse"/>'s corner check).</summary>
    public static bool LooksLikeBox(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',');
        return parts.Length == 4 && parts.All(p => float.TryParse(p.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }

    /// <summary>The part of the box inside a <paramref name="width"/> × <paramref name="height"/> image (may be empty).</summary>
    public RegionBox ClampTo(int width, int height)
    {
        float x0 = Math.Clamp(X, 0f, width);
        float y0 = Math.Clamp(Y, 0f, height);
        float x1 = Math.Clamp(Right, 0f, width);
        float y1 = Math.Clamp(Bottom, 0f, height);
        return new RegionBox(x0, y0, Math.Max(x0, x1), Math.Max(y0, y1));
    }

    /// <summary>The box mapped from one image size to another (both axes scaled independently).</summary>
    public RegionBox Rescale(float scaleX, float scaleY) => new(X * scaleX, Y * scaleY, Right * scaleX, Bottom * scaleY);

    /// <summary>
    /// The corners as <c>x0,y0,x1,y1</c> in invariant culture with round-trip precision, the text
    /// <see cref="Parse"/> reads back.
    /// </summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{X},{Y},{Right},{Bottom}");

    /// <summary>A readable description for messages: <c>x0=… y0=… x1=… y1=… (w×h)</c>, one decimal.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"x0={X:0.#} y0={Y:0.#} x1={Right:0.#} y1={Bottom:0.#} ({Width:0.#}×{Height:0.#})");
}
