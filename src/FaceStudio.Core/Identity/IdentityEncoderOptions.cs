using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>Settings of <see cref="IdentityEncoder"/>.</summary>
public sealed record IdentityEncoderOptions
{
    /// <summary>Face taken from a photo with several, unless a call says otherwise. Default: the largest.</summary>
    public FaceSelection Selection { get; init; } = FaceSelection.Largest;

    /// <summary>
    /// Faces whose shorter box side is below this many photo pixels are still used but logged as a warning and flagged in
    /// the report: the 112-pixel crop is then upsampled and the embedding is less reliable. Default 64.
    /// </summary>
    public float MinimumFaceSize { get; init; } = 64f;

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Selection is null)
        {
            throw new FaceStudioValidationException(nameof(Selection), "A face selection rule is required, but it is null.");
        }

        if (!(MinimumFaceSize >= 0f) || !float.IsFinite(MinimumFaceSize))
        {
            throw new FaceStudioValidationException(nameof(MinimumFaceSize), $"The minimum face size must be a finite number of pixels ≥ 0, but it is {MinimumFaceSize}.");
        }
    }
}
