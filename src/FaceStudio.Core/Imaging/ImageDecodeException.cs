namespace FaceStudio.Core.Imaging;

/// <summary>The image data is empty, truncated or corrupt, or the file could not be read.</summary>
public sealed class ImageDecodeException : ImageInputException
{
    /// <summary>Creates the exception; <paramref name="reason"/> says what was wrong.</summary>
    public ImageDecodeException(string sourceName, string reason, Exception? innerException = null)
        : base(sourceName, $"Image '{sourceName}' could not be decoded: {reason}", innerException) { }
}
