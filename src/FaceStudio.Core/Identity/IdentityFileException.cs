using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>An identity embedding file is not a valid <c>facestudio.identity/1</c> document.</summary>
public class IdentityFileException : FaceStudioException
{
    /// <summary>Creates the exception for the named file.</summary>
    public IdentityFileException(string fileName, string message, Exception? innerException = null)
        : base(message, innerException) => FileName = fileName;

    /// <summary>The file (or source name) that was rejected.</summary>
    public string FileName { get; }
}
