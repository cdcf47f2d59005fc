namespace FaceStudio.Core.Errors;

/// <summary>A model file does not honour the contract its component expects (names, types, shapes).</summary>
public class ModelContractException : FaceStudioException
{
    /// <summary>Creates the exception.</summary>
    public ModelContractException(string message, Exception? innerException = null) : base(message, innerException) { }
}
