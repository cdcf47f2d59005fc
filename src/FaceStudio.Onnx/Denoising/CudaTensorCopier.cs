using System.Globalization;
using FaceStudio.Onnx.Contracts;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Denoising;

/// <summary>
/// Copies between host and CUDA tensors with the classic CUDA provider: a one-node <c>Identity</c> graph per
/// element type and rank, run through an IOBinding whose input and output are the two tensors. ONNX Runtime
/// moves the data (host→device or device→host) as part of the run; no CUDA API is called from managed code.
/// Each prepared copy keeps its binding, so repeating it allocates nothing.
/// </summary>
internal sealed class CudaTensorCopier : IDisposable
{
    private readonly int _deviceId;
    private readonly bool _cpu;
    private readonly Dictionary<(TensorElementType Type, int Rank), InferenceSession> _sessions = [];
    private readonly List<OrtIoBinding> _bindings = [];
    private readonly RunOptions _runOptions = new();

    /// <param name="deviceId">CUDA device.</param>
    /// <param name="cpu">Tests only: run the copy graphs on the CPU provider.</param>
    public CudaTensorCopier(int deviceId, bool cpu = false)
    {
        _deviceId = deviceId;
        _cpu = cpu;
    }

    /// <summary>Binds <paramref name="source"/> → <paramref name="target"/> once and returns the copy to run.</summary>
    public Action Prepare(OrtValue source, OrtValue target, TensorElementType type, int rank)
    {
        InferenceSession session = Session(type, rank);
        OrtIoBinding binding = session.CreateIoBinding();
        _bindings.Add(binding);
        binding.BindInput("x", source);
        binding.BindOutput("y", target);
        RunOptions options = _runOptions;
        return () => session.RunWithBinding(options, binding);
    }

    public void Dispose()
    {
        foreach (OrtIoBinding binding in _bindings)
        {
            binding.Dispose();
        }

        foreach (InferenceSession session in _sessions.Values)
        {
            session.Dispose();
        }

        _runOptions.Dispose();
    }

    private InferenceSession Session(TensorElementType type, int rank)
    {
        if (_sessions.TryGetValue((type, rank), out InferenceSession? existing))
        {
            return existing;
        }

        // onnx.proto TensorProto.DataType values.
        int onnxType = type switch
        {
            TensorElementType.Float => 1,
            TensorElementType.Int32 => 6,
            TensorElementType.Int64 => 7,
            TensorElementType.Float16 => 10,
            _ => throw new NotSupportedException($"No device copy for element type {type}."),
        };
        using SessionOptions options = _cpu ? new SessionOptions() : SessionOptions.MakeSessionOptionWithCudaProvider(_deviceId);

        // Keep the Identity node: it is the copy.
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        var session = new InferenceSession(IdentityModel(onnxType, rank), options);
        _sessions[(type, rank)] = session;
        return session;
    }

    /// <summary>The ModelProto of <c>y = Identity(x)</c> over a tensor of the given element type and rank (dynamic dimensions).</summary>
    internal static byte[] IdentityModel(int elementType, int rank)
    {
        OnnxProtoWriter.Dim[] dims = Enumerable.Range(0, rank).Select(i => new OnnxProtoWriter.Dim("d" + i.ToString(CultureInfo.InvariantCulture), 0)).ToArray();
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        OnnxProtoWriter.WriteModelHeader(output, OnnxProtoWriter.IrVersion, "FaceStudio.Onnx", "1");
        OnnxProtoWriter.WriteMessage(output, OnnxProtoFields.Model.Graph, graph =>
        {
            OnnxProtoWriter.WriteMessage(graph, OnnxProtoFields.Graph.Node, node => OnnxProtoWriter.WriteNodeHeader(node, ["x"], ["y"], "copy", "Identity"));
            OnnxProtoWriter.WriteString(graph, OnnxProtoFields.Graph.Name, "copy");
            OnnxProtoWriter.WriteMessage(graph, OnnxProtoFields.Graph.Input, v => OnnxProtoWriter.WriteValueInfo(v, "x", elementType, dims));
            OnnxProtoWriter.WriteMessage(graph, OnnxProtoFields.Graph.Output, v => OnnxProtoWriter.WriteValueInfo(v, "y", elementType, dims));
        });
        OnnxProtoWriter.WriteOpset(output, OnnxProtoWriter.Opset);
        output.Flush();
        return stream.ToArray();
    }
}
