using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Latents;

/// <summary>
/// The session plumbing both VAE halves share: one float32/float16 input in, one float output back as float32,
/// over a <see cref="SharedSession"/> with cancellable runs.
/// </summary>
internal sealed class VaeSession : IDisposable
{
    /// <summary>Element types a VAE input or output may have.</summary>
    public static readonly TensorElementType[] FloatTypes = [TensorElementType.Float, TensorElementType.Float16];

    private readonly SharedSession _shared;
    private readonly string _component;
    private readonly string _inputName;
    private readonly TensorElementType _inputType;
    private readonly string _outputName;

    public VaeSession(InferenceSession session, bool ownsSession, string component, string inputName, TensorElementType inputType, string outputName)
    {
        _shared = new SharedSession(session, ownsSession);
        _component = component;
        _inputName = inputName;
        _inputType = inputType;
        _outputName = outputName;
    }

    /// <summary>Each run frees the CPU arena's unused chunks when it ends (<see cref="Sessions.OnnxSessionOptions.ShrinkCpuArenaAfterRun"/>).</summary>
    public bool ShrinkCpuArenaAfterRun { get; set; }

    /// <summary>Runs the graph on <paramref name="values"/> of <paramref name="shape"/>; returns the output as float32 and its shape.</summary>
    public (float[] Values, int[] Shape) Run(ReadOnlySpan<float> values, int[] shape, CancellationToken cancellationToken)
    {
        using SharedSession.Lease lease = _shared.Acquire();
        using var input = new HostTensor(_inputType, shape.Select(d => (long)d).ToArray());
        input.WriteFloats(values);
        using var runOptions = new RunOptions();
        if (ShrinkCpuArenaAfterRun)
        {
            OrtRun.ShrinkCpuArenaAfterRun(runOptions);
        }

        using IDisposableReadOnlyCollection<OrtValue> results = OrtRun.Run(_shared, runOptions, [_inputName], [input.Value], [_outputName], cancellationToken, _component);
        return (OrtValueReader.ReadFloats(results[0]), OrtValueReader.Shape(results[0]));
    }

    /// <summary>Runs in flight are terminated; the session is released when the last one has returned.</summary>
    public void Dispose() => _shared.Dispose();
}
