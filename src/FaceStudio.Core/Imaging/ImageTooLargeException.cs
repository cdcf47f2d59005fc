namespace FaceStudio.Core.Imaging;

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
