using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>A reference photo contains no face the detector accepts (or not the face index asked for).</summary>
public class FaceNotFoundException : FaceStudioException
{
    /// <summary>Creates the exception for the named photo.</summary>
    public FaceNotFoundException(string photoName, string message) : base(message) => PhotoName = photoName;

    /// <summary>The photo's name (usually its path) as the caller gave it.</summary>
    public string PhotoName { get; }
}

/// <summary>An identity embedding file is not a valid <c>facestudio.identity/1</c> document.</summary>
public class IdentityFileException : FaceStudioException
{
    /// <summary>Creates the exception for the named file.</summary>
    public IdentityFileException(string fileName, string message, Exception? innerException = null)
        : base(message, innerException) => FileName = fileName;

    /// <summary>The file (or source name) that was rejected.</summary>
    public string FileName { get; }
}
