namespace FaceStudio.Core.Errors;

/// <summary>A setting or request value is outside its valid range; the message names the valid range.</summary>
public class FaceStudioValidationException : FaceStudioException
{
    /// <summary>Creates the exception for the named parameter.</summary>
    public FaceStudioValidationException(string parameterName, string message) : base(message) => ParameterName = parameterName;

    /// <summary>The setting or request field that was rejected.</summary>
    public string ParameterName { get; }
}
