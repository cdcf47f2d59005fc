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

/// <summary>A setting or request value is outside its valid range; the message names the valid range.</summary>
public class FaceStudioValidationException : FaceStudioException
{
    /// <summary>Creates the exception for the named parameter.</summary>
    public FaceStudioValidationException(string parameterName, string message) : base(message) => ParameterName = parameterName;

    /// <summary>The setting or request field that was rejected.</summary>
    public string ParameterName { get; }
}

/// <summary>A model file does not honour the contract its component expects (names, types, shapes).</summary>
public class ModelContractException : FaceStudioException
{
    /// <summary>Creates the exception.</summary>
    public ModelContractException(string message, Exception? innerException = null) : base(message, innerException) { }
}
