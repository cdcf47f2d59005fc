using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

/// <summary>
/// Base of the errors raised while reading an image: catch it to handle every bad picture
/// (unreadable, unsupported, too large) in one place.
/// </summary>
public abstract class ImageInputException : FaceStudioException
{
    /// <summary>Creates the exception for the named source.</summary>
    protected ImageInputException(string sourceName, string message, Exception? innerException)
        : base(message, innerException) => SourceName = sourceName;

    /// <summary>The file path or stream name the image came from.</summary>
    public string SourceName { get; }
}

/// <summary>The image data is empty, truncated or corrupt, or the file could not be read.</summary>
public sealed class ImageDecodeException : ImageInputException
{
    /// <summary>Creates the exception; <paramref name="reason"/> says what was wrong.</summary>
    public ImageDecodeException(string sourceName, string reason, Exception? innerException = null)
        : base(sourceName, $"Image '{sourceName}' could not be decoded: {reason}", innerException) { }
}

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

/// <summary>
/// The image header declares more pixels than <see cref="ImageDecodeOptions.MaxPixels"/> allows; raised from the
/// header alone, before any pixel memory is allocated (decompression-bomb guard).
/// </summary>
public sealed class ImageTooLargeException : ImageInputException
{
    /// <summary>Creates the exception for a header of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public ImageTooLargeException(string sourceName, int width, int height, long maxPixels)
        : base(sourceName, $"Image '{sourceName}' is {width}x{height} = {(long)width * height} pixels, more than the limit of {maxPixels} pixels (ImageDecodeOptions.MaxPixels).", null)
    {
        Width = width;
        Height = height;
        MaxPixels = maxPixels;
    }

    /// <summary>Width declared by the header.</summary>
    public int Width { get; }

    /// <summary>Height declared by the header.</summary>
    public int Height { get; }

    /// <summary>The limit that was exceeded.</summary>
    public long MaxPixels { get; }
}
