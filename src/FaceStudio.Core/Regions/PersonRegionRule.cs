using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;

namespace FaceStudio.Core.Regions;

/// <summary>
/// How a face box grows into the region of the whole person: widened about its centre, extended a little above
/// (hair) and further below (neck, shoulders, torso), then clamped to the image.
/// </summary>
/// <remarks>
/// For a face box (x, y, w, h): the person box is centred on the face, <c>WidthFactor·w</c> wide, and spans
/// from <c>y − AboveFactor·h</c> to <c>y + h + BelowFactor·h</c>. Defaults: 2.0, 0.5, 3.5.
/// </remarks>
public sealed record PersonRegionRule
{
    /// <summary>Person width in face widths, ≥ 1.</summary>
    public float WidthFactor { get; init; } = 2.0f;

    /// <summary>Extension above the face, in face heights, ≥ 0.</summary>
    public float AboveFactor { get; init; } = 0.5f;

    /// <summary>Extension below the face, in face heights, ≥ 0.</summary>
    public float BelowFactor { get; init; } = 3.5f;

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first factor outside its range.</summary>
    public void Validate()
    {
        GuidanceOptions.CheckRange(nameof(WidthFactor), WidthFactor, 1f, 100f);
        GuidanceOptions.CheckRange(nameof(AboveFactor), AboveFactor, 0f, 100f);
        GuidanceOptions.CheckRange(nameof(BelowFactor), BelowFactor, 0f, 100f);
    }

    /// <summary>The person box for a face box, clamped to a <paramref name="imageWidth"/> × <paramref name="imageHeight"/> image.</summary>
    public RegionBox Expand(RegionBox face, int imageWidth, int imageHeight)
    {
        float width = face.Width * WidthFactor;
        float top = face.Y - (AboveFactor * face.Height);
        float bottom = face.Bottom + (BelowFactor * face.Height);
        return RegionBox.FromSize(face.CenterX - (width / 2f), top, width, bottom - top).ClampTo(imageWidth, imageHeight);
    }
}
