using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.CpuBench;

/// <summary>Deterministic inputs for a graph's declared inputs (free dimensions: batch, latent size, 77 tokens).</summary>
internal sealed class GraphInputs : IDisposable
{
    private readonly List<OrtValue> _values = [];
    private readonly List<string> _names = [];
    private readonly string[] _outputs;

    private GraphInputs(string[] outputs) => _outputs = outputs;

    public static GraphInputs For(InferenceSession session, int batch, int latent)
    {
        var inputs = new GraphInputs(session.OutputMetadata.Keys.ToArray());
        foreach ((string name, NodeMetadata meta) in session.InputMetadata)
        {
            long[] shape = meta.Dimensions.Select((d, axis) => d > 0 ? d : axis switch
            {
                0 => batch,
                1 => name == "encoder_hidden_states" ? 77 : (name == "input_ids" ? 77 : 4),
                _ => latent,
            }).Select(d => (long)d).ToArray();
            if (name == "input_ids" && shape.Length == 2)
            {
                shape[1] = meta.Dimensions[1] > 0 ? meta.Dimensions[1] : 77;
            }

            long count = shape.Aggregate(1L, (a, b) => a * b);
            OrtValue value = meta.ElementDataType switch
            {
                TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, (int)count).Select(i => MathF.Sin(i * 0.1f)).ToArray(), shape),
                TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, (int)count).Select(i => name == "input_ids" ? 49406L + (i % 2) : 500L).ToArray(), shape),
                TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, (int)count).Select(i => name == "input_ids" ? 49406 + (i % 2) : 500).ToArray(), shape),
                _ => throw new NotSupportedException($"input '{name}' of type {meta.ElementDataType}"),
            };
            inputs._names.Add(name);
            inputs._values.Add(value);
        }

        return inputs;
    }

    public void Run(InferenceSession session)
    {
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(options, _names, _values, _outputs);
    }

    public void Dispose()
    {
        foreach (OrtValue v in _values)
        {
            v.Dispose();
        }
    }
}
