using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Identity;

/// <summary>
/// <see cref="IFaceEmbedder"/> over an ArcFace ONNX export (InsightFace <c>w600k_r50</c>, …): aligned RGB crops,
/// <c>(x − 127.5) / 127.5</c> by default, one batched run (one run per crop when the graph fixes batch 1), each output
/// row L2-normalised.
/// </summary>
public sealed class ArcFaceEmbedder : IFaceEmbedder, IDisposable
{
    private const string Component = "ArcFace embedder";
    private readonly SharedSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly bool _fixedBatchOfOne;
    private readonly ChannelNormalization _normalization;

    /// <summary>Adapts an open session; the graph's contract is checked here.</summary>
    public ArcFaceEmbedder(InferenceSession session, ArcFaceOptions? options = null, bool ownsSession = false, string modelName = "model")
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new ArcFaceOptions();
        options.Validate();
        var contract = new GraphContract(session, Component, modelName);
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
        {
            throw new ModelContractException($"{Component} '{modelName}': expected one input [N, 3, S, S] and one output [N, D], found inputs {contract.DescribeInputs()} and outputs {contract.DescribeOutputs()}.");
        }

        var (inputName, input) = session.InputMetadata.First();
        int[] d = input.Dimensions;
        if (input.ElementDataType != TensorElementType.Float || d.Length != 4 || d[0] > 1 || d[1] != 3 || d[2] <= 0 || d[2] != d[3])
        {
            throw new ModelContractException($"{Component} '{modelName}': expected a float32 input [N, 3, S, S] with a dynamic (or 1) batch N and a fixed square size S, found {GraphContract.Describe(inputName, input)}.");
        }

        var (outputName, output) = session.OutputMetadata.First();
        int[] od = output.Dimensions;
        if (output.ElementDataType != TensorElementType.Float || od.Length != 2 || od[1] <= 0)
        {
            throw new ModelContractException($"{Component} '{modelName}': expected a float32 output [N, D] with a fixed D, found {GraphContract.Describe(outputName, output)}.");
        }

        _session = new SharedSession(session, ownsSession);
        _inputName = inputName;
        _outputName = outputName;
        _fixedBatchOfOne = d[0] == 1;
        InputSize = d[2];
        Dimension = od[1];
        _normalization = new ChannelNormalization(1f, (options.InputMean, options.InputMean, options.InputMean), (options.InputStd, options.InputStd, options.InputStd));
    }

    /// <summary>Loads an ArcFace model file through the session factory.</summary>
    public static ArcFaceEmbedder Load(string path, ArcFaceOptions? options = null, Sessions.OnnxSessionOptions? sessionOptions = null, Sessions.ISessionFactory? factory = null)
    {
        return Sessions.SessionLoading.Own(Sessions.SessionLoading.OpenExisting(path, sessionOptions, factory, Component),
            session => new ArcFaceEmbedder(session, options, ownsSession: true, modelName: path));
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public Task<FloatTensor> EmbedAsync(IReadOnlyList<RgbImage> alignedFaces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alignedFaces);
        cancellationToken.ThrowIfCancellationRequested();
        int n = alignedFaces.Count, s = InputSize, plane = 3 * s * s;
        var result = new FloatTensor(n, Dimension);
        if (n == 0)
        {
            return Task.FromResult(result);
        }

        var blob = new float[n * plane];
        for (int i = 0; i < n; i++)
        {
            var face = alignedFaces[i];
            if (face is null || face.Width != s || face.Height != s)
            {
                throw new FaceStudioValidationException(nameof(alignedFaces), $"Aligned face {i} must be {s}x{s}, but it is {face?.Width ?? 0}x{face?.Height ?? 0}.");
            }

            ImageTensors.WriteChw(face, _normalization, blob.AsSpan(i * plane, plane));
        }

        int batch = _fixedBatchOfOne ? 1 : n;
        using var runOptions = new RunOptions();
        for (int start = 0; start < n; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, blob.AsMemory(start * plane, batch * plane), [batch, 3, s, s]);
            using var outputs = OrtRun.Run(_session, runOptions, [_inputName], [input], [_outputName], cancellationToken, Component);
            float[] data = OrtValueReader.ReadFloats(outputs[0]);
            if (data.Length != batch * Dimension)
            {
                throw new ModelContractException($"{Component}: expected an output of [{batch}, {Dimension}], found [{string.Join(", ", OrtValueReader.Shape(outputs[0]))}].");
            }

            data.CopyTo(result.Buffer, start * Dimension);
        }

        for (int i = 0; i < n; i++)
        {
            var row = result.Buffer.AsSpan(i * Dimension, Dimension);
            float norm = TensorPrimitives.Norm(row);
            if (!(norm > 0f) || !float.IsFinite(norm))
            {
                throw new ModelContractException($"{Component}: expected a finite, non-zero embedding for face {i}, found L2 norm {norm}.");
            }

            TensorPrimitives.Divide(row, norm, row);
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
