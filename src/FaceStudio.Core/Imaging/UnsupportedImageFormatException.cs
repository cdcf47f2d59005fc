namespace FaceStudio.Core.Imaging;

/// <summary>The data is not in one of the supported formats (PNG, JPEG, WebP, BMP).</summary>
public sealed class UnsupportedImageFormatException : ImageInputException
{
    /// <summary>Creates the exception; <paramref name="found"/> describes what the data looked like.</summary>
    public UnsupportedImageFormatException(string sourceName, string found)
        : base(sourceName, $"Image '{sourceName}' is not in a supported format (expected PNG, JPEG, WebP or BMP) but {found}.", null)
        => Found = found;

    /// <summary>What the data looked like (a detected format or its first bytes).</summary>
    public string Found { get; }
}
