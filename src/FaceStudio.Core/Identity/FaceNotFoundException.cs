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
