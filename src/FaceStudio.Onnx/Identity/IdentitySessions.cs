using FaceStudio.Core.Errors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Identity;

/// <summary>Opening model files and describing graph I/O for contract messages.</summary>
internal static class IdentitySessions
{
    public static InferenceSession Open(string path, Sessions.OnnxSessionOptions? options, Sessions.ISessionFactory? factory, string component)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ModelContractException($"{component} model '{path}': expected an ONNX file, but the file does not exist.");
        }

        return (factory ?? new Sessions.SessionFactory()).Create(path, options ?? Sessions.OnnxSessionOptions.Default);
    }

    public static string Describe(string name, NodeMetadata m) => Contracts.GraphContract.Describe(name, m);

    public static string DescribeAll(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "none" : string.Join("; ", nodes.Select(kv => Describe(kv.Key, kv.Value)));

    /// <summary>Copies a float tensor output out of ONNX Runtime.</summary>
    public static float[] ReadFloats(OrtValue value, out long[] shape)
    {
        var info = value.GetTensorTypeAndShape();
        shape = info.Shape;
        if (info.ElementDataType != TensorElementType.Float)
        {
            throw new ModelContractException($"Expected a float32 output, but the model returned {info.ElementDataType}.");
        }

        return value.GetTensorDataAsSpan<float>().ToArray();
    }
}
