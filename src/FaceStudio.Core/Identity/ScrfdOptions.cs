using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Settings of an SCRFD face detector (InsightFace defaults: 640×640 canvas, strides 8/16/32, two anchors per
/// location, score threshold 0.5, NMS IoU threshold 0.4).
/// </summary>
public sealed record ScrfdOptions
{
    /// <summary>Canvas width the photo is letterboxed into (top-left anchored). Must be a multiple of the largest stride.</summary>
    public int InputWidth { get; init; } = 640;

    /// <summary>Canvas height the photo is letterboxed into. Must be a multiple of the largest stride.</summary>
    public int InputHeight { get; init; } = 640;

    /// <summary>Faces scoring at least this are kept (InsightFace's <c>det_thresh</c>).</summary>
    public float ScoreThreshold { get; init; } = 0.5f;

    /// <summary>A box overlapping a better one by more than this IoU is suppressed.</summary>
    public float NmsThreshold { get; init; } = 0.4f;

    /// <summary>Feature strides of the detection heads, in output order.</summary>
    public IReadOnlyList<int> Strides { get; init; } = [8, 16, 32];

    /// <summary>Anchors per feature-map location.</summary>
    public int AnchorsPerLocation { get; init; } = 2;

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Strides is null || Strides.Count == 0 || Strides.Any(s => s <= 0))
        {
            throw new FaceStudioValidationException(nameof(Strides), "SCRFD strides must be a non-empty list of positive integers.");
        }

        int maxStride = Strides.Max();
        if (InputWidth <= 0 || InputWidth % maxStride != 0)
        {
            throw new FaceStudioValidationException(nameof(InputWidth), $"SCRFD input width must be a positive multiple of {maxStride}, but it is {InputWidth}.");
        }

        if (InputHeight <= 0 || InputHeight % maxStride != 0)
        {
            throw new FaceStudioValidationException(nameof(InputHeight), $"SCRFD input height must be a positive multiple of {maxStride}, but it is {InputHeight}.");
        }

        if (!(ScoreThreshold is >= 0f and <= 1f))
        {
            throw new FaceStudioValidationException(nameof(ScoreThreshold), $"The score threshold must lie in [0, 1], but it is {ScoreThreshold}.");
        }

        if (!(NmsThreshold is > 0f and <= 1f))
        {
            throw new FaceStudioValidationException(nameof(NmsThreshold), $"The NMS IoU threshold must lie in (0, 1], but it is {NmsThreshold}.");
        }

        if (AnchorsPerLocation <= 0)
        {
            throw new FaceStudioValidationException(nameof(AnchorsPerLocation), $"Anchors per location must be positive, but it is {AnchorsPerLocation}.");
        }
    }
}
