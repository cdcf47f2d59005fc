using System.Numerics;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Identity;

/// <summary>
/// <see cref="IFaceLandmarker"/> over MediaPipe FaceMesh (<c>facemesh.onnx</c> from FaceStudio.Models.Faces): each
/// candidate is cut as the rotated 1.5× square of <see cref="FaceMeshGeometry"/> (bilinear, black outside), scaled to
/// [0, 1], all crops in one batched run; <c>output_mesh</c> [N, 1404] is mapped back to photo pixels and
/// <c>output_faceflag</c> [N, 1] is the confidence.
/// </summary>
public sealed class FaceMeshLandmarker : IFaceLandmarker, IDisposable
{
    private const string Component = "FaceMesh landmarker";
    private const string MeshOutput = "output_mesh";
    private const string FlagOutput = "output_faceflag";
    private static readonly TensorElementType[] s_float = [TensorElementType.Float];
    private readonly SharedSession _session;
    private readonly string _inputName;
    private readonly bool _fixedBatchOfOne;

    /// <summary>Adapts an open session; the graph's contract is checked here.</summary>
    public FaceMeshLandmarker(InferenceSession session, bool ownsSession = false, string modelName = "model")
    {
        ArgumentNullException.ThrowIfNull(session);
        var contract = new GraphContract(session, Component, modelName);
        const string expected = "a float32 input [N, 3, S, S] and outputs output_mesh [N, 1404] and output_faceflag [N, 1]";
        if (session.InputMetadata.Count != 1)
        {
            throw contract.Mismatch($"{session.InputMetadata.Count} inputs", expected);
        }

        var (inputName, input) = session.InputMetadata.First();
        int[] d = input.Dimensions;
        if (input.ElementDataType != TensorElementType.Float || d.Length != 4 || d[1] != 3 || d[2] <= 0 || d[2] != d[3] || d[0] > 1)
        {
            throw contract.Mismatch($"input {GraphContract.Describe(inputName, input)}", expected);
        }

        var mesh = contract.RequireOutput(MeshOutput, expected, s_float, 2);
        contract.RequireOutput(FlagOutput, expected, s_float, 2);
        if (GraphContract.FixedDim(mesh, 1) is { } width && width != FaceMeshGeometry.MeshPointCount * 3)
        {
            throw contract.Mismatch($"output {MeshOutput} has {width} values per face", expected);
        }

        _session = new SharedSession(session, ownsSession);
        _inputName = inputName;
        _fixedBatchOfOne = d[0] == 1;
        InputSize = d[2];
    }

    /// <summary>Loads a FaceMesh model file through the session factory.</summary>
    public static FaceMeshLandmarker Load(string path, Sessions.OnnxSessionOptions? sessionOptions = null, Sessions.ISessionFactory? factory = null)
    {
        return Sessions.SessionLoading.Own(Sessions.SessionLoading.OpenExisting(path, sessionOptions, factory, Component),
            session => new FaceMeshLandmarker(session, ownsSession: true, modelName: path));
    }

    /// <summary>Side of the square crop the model takes (192).</summary>
    public int InputSize { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<FaceMeshLandmarks>> LandmarkAsync(RgbImage image, IReadOnlyList<FaceCandidate> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(candidates);
        cancellationToken.ThrowIfCancellationRequested();
        int n = candidates.Count, s = InputSize, plane = 3 * s * s;
        if (n == 0)
        {
            return Task.FromResult<IReadOnlyList<FaceMeshLandmarks>>([]);
        }

        var transforms = new SimilarityTransform[n];
        var blob = new float[n * plane];
        for (int i = 0; i < n; i++)
        {
            ArgumentNullException.ThrowIfNull(candidates[i], nameof(candidates));
            transforms[i] = FaceMeshGeometry.PhotoToCrop(candidates[i], s);
            var crop = FaceAligner.Warp(image, FaceMeshGeometry.ToPixelCentres(transforms[i]), s, s);
            ImageTensors.WriteChw(crop, ChannelNormalization.ZeroToOne, blob.AsSpan(i * plane, plane));
        }

        var meshes = new float[n * FaceMeshGeometry.MeshPointCount * 3];
        var flags = new float[n];
        int batch = _fixedBatchOfOne ? 1 : n;
        using var runOptions = new RunOptions();
        for (int start = 0; start < n; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, blob.AsMemory(start * plane, batch * plane), [batch, 3, s, s]);
            using var outputs = OrtRun.Run(_session, runOptions, [_inputName], [input], [MeshOutput, FlagOutput], cancellationToken, Component);
            float[] mesh = OrtValueReader.ReadFloats(outputs[0]);
            float[] flag = OrtValueReader.ReadFloats(outputs[1]);
            if (mesh.Length != batch * FaceMeshGeometry.MeshPointCount * 3 || flag.Length != batch)
            {
                throw new ModelContractException($"{Component}: expected outputs [{batch}, {FaceMeshGeometry.MeshPointCount * 3}] and [{batch}, 1], found {mesh.Length} and {flag.Length} values.");
            }

            mesh.CopyTo(meshes, start * FaceMeshGeometry.MeshPointCount * 3);
            flag.CopyTo(flags, start);
        }

        var results = new FaceMeshLandmarks[n];
        int stride = FaceMeshGeometry.MeshPointCount * 3;
        for (int i = 0; i < n; i++)
        {
            var points = new Vector3[FaceMeshGeometry.MeshPointCount];
            FaceMeshGeometry.MeshToPhoto(meshes.AsSpan(i * stride, stride), transforms[i], points);
            var face = new DetectedFace(candidates[i].Box, candidates[i].Score, FaceMeshGeometry.FivePoints(points));
            results[i] = new FaceMeshLandmarks(face, points, flags[i]);
        }

        return Task.FromResult<IReadOnlyList<FaceMeshLandmarks>>(results);
    }

    /// <summary>
    /// Disposes the owned session. Safe while landmarking runs: runs in flight are terminated and end with
    /// <see cref="ObjectDisposedException"/>; the native session is released when the last one has left.
    /// </summary>
    public void Dispose() => _session.Dispose();
}
