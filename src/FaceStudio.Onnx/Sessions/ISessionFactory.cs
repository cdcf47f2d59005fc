using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Sessions;

/// <summary>Creates ONNX Runtime sessions from <see cref="OnnxSessionOptions"/>.</summary>
public interface ISessionFactory
{
    /// <summary>Loads <paramref name="modelPath"/> with <paramref name="options"/>. The session is thread-safe for <c>Run</c>; the caller disposes it.</summary>
    InferenceSession Create(string modelPath, OnnxSessionOptions options);
}
