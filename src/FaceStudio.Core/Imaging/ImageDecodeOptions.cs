using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

/// <summary>Limits and choices applied when an <see cref="IImageCodec"/> decodes a picture.</summary>
public sealed record ImageDecodeOptions
{
    /// <summary>Default pixel limit: 64 megapixels (an 8000x8000 photo fits; a decompression bomb does not).</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>Shared instance with the defaults.</summary>
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>
    /// Largest <c>width * height</c> accepted, checked against the header before decoding; larger images raise
    /// <see cref="ImageTooLargeException"/>. Must be positive.
    /// </summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Colour that transparent pixels are composited over (default white).</summary>
    public RgbColor Background { get; init; } = RgbColor.White;

    /// <summary>Throws <see cref="FaceStudioValidationException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxPixels <= 0)
        {
            throw new FaceStudioValidationException(nameof(MaxPixels), $"ImageDecodeOptions.MaxPixels must be positive but was {MaxPixels}.");
        }
    }
}
