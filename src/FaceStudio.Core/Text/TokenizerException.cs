using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Text;

/// <summary>
/// A tokenizer file is missing or malformed. The message names the file and says what was expected and what was found.
/// </summary>
public class TokenizerException : FaceStudioException
{
    /// <summary>Creates the exception for the named file.</summary>
    /// <param name="path">The file or folder that was rejected.</param>
    /// <param name="message">What was expected and what was found.</param>
    /// <param name="innerException">The parse or I/O error that caused it, if any.</param>
    public TokenizerException(string path, string message, Exception? innerException = null)
        : base(message, innerException) => Path = path;

    /// <summary>The file or folder that was rejected.</summary>
    public string Path { get; }
}
