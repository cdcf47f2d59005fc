using FaceStudio.Core.Errors;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Sessions;

/// <summary>What every backend's <c>Load(path, ...)</c> does around its constructor.</summary>
internal static class SessionLoading
{
    /// <summary>Opens <paramref name="path"/>, first failing with a message that names it when the file does not exist.</summary>
    public static InferenceSession OpenExisting(string path, OnnxSessionOptions? options, ISessionFactory? factory, string component)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ModelContractException($"{component} model '{path}': expected an ONNX file, but the file does not exist.");
        }

        return (factory ?? new SessionFactory()).Create(path, options ?? OnnxSessionOptions.Default);
    }

    /// <summary>Hands a freshly opened session to <paramref name="wrap"/> (which takes ownership); disposes it when wrapping throws, e.g. on a contract mismatch.</summary>
    public static T Own<T>(InferenceSession session, Func<InferenceSession, T> wrap)
    {
        try
        {
            return wrap(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
