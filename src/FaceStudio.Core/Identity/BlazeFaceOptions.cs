using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Settings of a BlazeFace detector with a FaceMesh confirmation stage. Defaults: the 256×256 full-range model,
/// candidates scoring ≥ 0.5, MediaPipe's weighted NMS at IoU 0.3, faces kept when FaceMesh's face flag is ≥ 0.5.
/// </summary>
public sealed record BlazeFaceOptions
{
    /// <summary>Side of the square canvas the photo is letterboxed into (256 full range, 128 front camera); a size fixed in the graph takes precedence.</summary>
    public int InputSize { get; init; } = 256;

    /// <summary>Anchors scoring at least this (after the sigmoid) become candidates.</summary>
    public float ScoreThreshold { get; init; } = 0.5f;

    /// <summary>Candidates overlapping a better one by more than this IoU are merged into it.</summary>
    public float NmsThreshold { get; init; } = 0.3f;

    /// <summary>
    /// A candidate is reported as a face when the landmark model's face flag is at least this. BlazeFace alone scores
    /// some faceless photos above 0.6 (a cat 0.73); FaceMesh's flag rejects them (≤ 0.03 there, ≥ 0.8 on faces).
    /// </summary>
    public float FaceConfidenceThreshold { get; init; } = 0.5f;

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (InputSize <= 0 || InputSize % BlazeFaceDecoder.CoarseGrid != 0)
        {
            throw new FaceStudioValidationException(nameof(InputSize), $"The BlazeFace input size must be a positive multiple of {BlazeFaceDecoder.CoarseGrid}, but it is {InputSize}.");
        }

        if (!(ScoreThreshold is >= 0f and <= 1f))
        {
            throw new FaceStudioValidationException(nameof(ScoreThreshold), $"The score threshold must lie in [0, 1], but it is {ScoreThreshold}.");
        }

        if (!(NmsThreshold is > 0f and <= 1f))
        {
            throw new FaceStudioValidationException(nameof(NmsThreshold), $"The NMS IoU threshold must lie in (0, 1], but it is {NmsThreshold}.");
        }

        if (!(FaceConfidenceThreshold is >= 0f and <= 1f))
        {
            throw new FaceStudioValidationException(nameof(FaceConfidenceThreshold), $"The face confidence threshold must lie in [0, 1], but it is {FaceConfidenceThreshold}.");
        }
    }
}
