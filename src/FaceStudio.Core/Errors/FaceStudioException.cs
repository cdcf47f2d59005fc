namespace FaceStudio.Core.Errors;

/// <summary>
/// Base type of every error the SDK raises on purpose. Catch this to handle all expected failures
/// (bad input, wrong model contract, invalid settings) while letting programming errors through.
/// </summary>
/// <remarks>Messages always say what was expected and what was found.</remarks>
public class FaceStudioException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public FaceStudioException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    public FaceStudioException(string message, Exception? innerException) : base(message, innerException) { }
}
