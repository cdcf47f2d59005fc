namespace FaceStudio.Core.Errors;

/// <summary>
/// An output file could not be written: the target is not a regular file (a device, a FIFO, a link, a folder), its
/// folder is missing or not writable. The message names the target path, never a temporary name.
/// </summary>
public sealed class OutputFileException : FaceStudioException
{
    /// <summary>Creates the exception for the target <paramref name="path"/>.</summary>
    public OutputFileException(string path, string message, Exception? innerException = null)
        : base(message, innerException) => Path = path;

    /// <summary>The target path (full).</summary>
    public string Path { get; }
}
