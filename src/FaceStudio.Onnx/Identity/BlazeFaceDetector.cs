using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Identity;

/// <summary>
/// <see cref="IFaceDetector"/> over MediaPipe BlazeFace (<c>blazeface.onnx</c>, 256, or <c>blazeface-front.onnx</c>,
/// 128, from FaceStudio.Models.Faces) with a landmark stage: the photo is letterboxed top-left into the square canvas
/// (bilinear without antialias, black), scaled to [−1, 1], decoded by <see cref="BlazeFaceDecoder"/>; each candidate is
/// then landmarked by an <see cref="IFaceLandmarker"/> (FaceMesh), which supplies the five alignment points and confirms
/// the face (<see cref="BlazeFaceOptions.FaceConfidenceThreshold"/>). Faces smaller than about 15 pixels in the canvas
/// (about 6 % of the photo's longer side at 256) are not found.
/// </summary>
public sealed class BlazeFaceDetector : IFaceDetector, IDisposable
{
    private const string Component = "BlazeFace face detector";
    private static readonly string[] s_outputs = ["classificators_1", "classificators_2", "regressors_1", "regressors_2"];
    private static readonly TensorElementType[] s_float = [TensorElementType.Float];
    private readonly SharedSession _session;
    private readonly IFaceLandmarker _landmarker;
    private readonly bool _ownsLandmarker;
    private readonly string _inputName;
    private readonly BlazeFaceDecoder _decoder;

    /// <summary>Adapts an open session; the graph's contract is checked here.</summary>
    /// <param name="session">The BlazeFace session.</param>
    /// <param name="landmarker">The landmark stage (a <see cref="FaceMeshLandmarker"/>).</param>
    /// <param name="options">Thresholds; an input size fixed in the graph takes precedence.</param>
    /// <param name="ownsSession">Dispose the session and, when disposable, the landmarker with this detector.</param>
    /// <param name="modelName">Names the model in error messages.</param>
    public BlazeFaceDetector(InferenceSession session, IFaceLandmarker landmarker, BlazeFaceOptions? options = null, bool ownsSession = false, string modelName = "model")
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(landmarker);
        options ??= new BlazeFaceOptions();
        options.Validate();
        var contract = new GraphContract(session, Component, modelName);
        const string expected = "a float32 input [1, 3, S, S] and outputs classificators_1 [1, 512, 1], classificators_2 [1, 384, 1], regressors_1 [1, 512, 16], regressors_2 [1, 384, 16]";
        if (session.InputMetadata.Count != 1)
        {
            throw contract.Mismatch($"{session.InputMetadata.Count} inputs", expected);
        }

        var (inputName, input) = session.InputMetadata.First();
        int[] d = input.Dimensions;
        if (input.ElementDataType != TensorElementType.Float || d.Length != 4 || d[1] != 3 || d[2] != d[3])
        {
            throw contract.Mismatch($"input {GraphContract.Describe(inputName, input)}", expected);
        }

        foreach (string output in s_outputs)
        {
            contract.RequireOutput(output, expected, s_float, 3);
        }

        if (d[2] > 0)
        {
            options = options with { InputSize = d[2] };
        }

        _decoder = new BlazeFaceDecoder(options);
        _session = new SharedSession(session, ownsSession);
        _landmarker = landmarker;
        _ownsLandmarker = ownsSession;
        _inputName = inputName;
    }

    /// <summary>Loads a BlazeFace model and a FaceMesh model through the session factory; the detector owns both.</summary>
    public static BlazeFaceDetector Load(string detectorPath, string landmarkerPath, BlazeFaceOptions? options = null, Sessions.OnnxSessionOptions? sessionOptions = null, Sessions.ISessionFactory? factory = null)
    {
        var landmarker = FaceMeshLandmarker.Load(landmarkerPath, sessionOptions, factory);
        try
        {
            return Sessions.SessionLoading.Own(Sessions.SessionLoading.OpenExisting(detectorPath, sessionOptions, factory, Component),
                session => new BlazeFaceDetector(session, landmarker, options, ownsSession: true, modelName: detectorPath));
        }
        catch
        {
            landmarker.Dispose();
            throw;
        }
    }

    /// <summary>The settings in effect (input size as the graph fixes it).</summary>
    public BlazeFaceOptions Options => _decoder.Options;

    /// <summary>Runs BlazeFace alone: candidates after weighted NMS, in photo pixels, best first, not yet confirmed.</summary>
    public Task<IReadOnlyList<FaceCandidate>> DetectCandidatesAsync(RgbImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        cancellationToken.ThrowIfCancellationRequested();
        int size = _decoder.Options.InputSize;
        var letterbox = Letterbox.Fit(image, size, size, LetterboxAnchor.TopLeft, RgbColor.Black, ResizeFilter.Bilinear, antialias: false);
        var blob = new float[3 * size * size];
        ImageTensors.WriteChw(letterbox.Image, ChannelNormalization.MinusOneToOne, blob);
        using var input = OrtValue.CreateTensorValueFromMemory(blob, [1, 3, size, size]);
        using var runOptions = new RunOptions();
        using var outputs = OrtRun.Run(_session, runOptions, [_inputName], [input], s_outputs, cancellationToken, Component);
        return Task.FromResult(_decoder.Decode(
            OrtValueReader.ReadFloats(outputs[0]), OrtValueReader.ReadFloats(outputs[1]),
            OrtValueReader.ReadFloats(outputs[2]), OrtValueReader.ReadFloats(outputs[3]), letterbox));
    }

    /// <summary>
    /// Detects and landmarks the faces: those the landmark stage confirms, best detector score first, with all 468 points.
    /// </summary>
    public async Task<IReadOnlyList<FaceMeshLandmarks>> DetectWithLandmarksAsync(RgbImage image, CancellationToken cancellationToken = default)
    {
        var candidates = await DetectCandidatesAsync(image, cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return [];
        }

        var marks = await _landmarker.LandmarkAsync(image, candidates, cancellationToken).ConfigureAwait(false);
        if (marks.Count != candidates.Count)
        {
            throw new ModelContractException($"{Component}: the landmark stage must return one result per candidate ({candidates.Count}), but returned {marks.Count}.");
        }

        float threshold = _decoder.Options.FaceConfidenceThreshold;
        return [.. marks.Where(m => m.Confidence >= threshold)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, CancellationToken cancellationToken = default)
    {
        var marks = await DetectWithLandmarksAsync(image, cancellationToken).ConfigureAwait(false);
        return [.. marks.Select(m => m.Face)];
    }

    /// <summary>
    /// Disposes the owned session and landmarker. Safe while detections run: runs in flight are terminated and end with
    /// <see cref="ObjectDisposedException"/>; the native session is released when the last one has left.
    /// </summary>
    public void Dispose()
    {
        _session.Dispose();
        if (_ownsLandmarker && _landmarker is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
