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
