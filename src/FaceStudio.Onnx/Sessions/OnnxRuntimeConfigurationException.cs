using System.Globalization;
using FaceStudio.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Sessions;

/// <summary>The configuration asked for cannot run with the installed ONNX Runtime (e.g. a missing execution provider).</summary>
public sealed class OnnxRuntimeConfigurationException : FaceStudioException
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeConfigurationException(string message, Exception? innerException = null) : base(message, innerException) { }
}
