using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Tests;

/// <summary>Runs a model directly with ONNX Runtime, converting float inputs/outputs to the declared element types.</summary>
internal static class OrtRunner
{
    public static Dictionary<string, float[]> Run(byte[] model, params (string Name, Array Data, long[] Shape)[] inputs)
    {
        using var session = new InferenceSession(model);
        return Run(session, inputs);
    }

    public static Dictionary<string, float[]> Run(InferenceSession session, params (string Name, Array Data, long[] Shape)[] inputs)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach ((string name, Array data, long[] shape) in inputs)
            {
                TensorElementType type = session.InputMetadata[name].ElementDataType;
                values.Add(type switch
                {
                    TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(((float[])data).Select(v => new Float16(BitConverter.HalfToUInt16Bits((Half)v))).ToArray(), shape),
                    TensorElementType.Float => OrtValue.CreateTensorValueFromMemory((float[])data, shape),
                    TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory((long[])data, shape),
                    TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(((long[])data).Select(v => (int)v).ToArray(), shape),
                    _ => throw new NotSupportedException(type.ToString()),
                });
            }

            string[] outputNames = session.OutputMetadata.Keys.ToArray();
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(new RunOptions(), inputs.Select(i => i.Name).ToArray(), values, outputNames);
            var outputs = new Dictionary<string, float[]>();
            for (int i = 0; i < outputNames.Length; i++)
            {
                OrtValue r = results[i];
                outputs[outputNames[i]] = r.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16
                    ? MemoryMarshal.Cast<Float16, Half>(r.GetTensorDataAsSpan<Float16>()).ToArray().Select(h => (float)h).ToArray()
                    : r.GetTensorDataAsSpan<float>().ToArray();
            }

            return outputs;
        }
        finally
        {
            foreach (OrtValue v in values)
            {
                v.Dispose();
            }
        }
    }
}
