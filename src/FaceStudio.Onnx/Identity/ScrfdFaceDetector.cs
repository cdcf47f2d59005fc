using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Identity;

/// <summary>
/// <see cref="IFaceDetector"/> over an SCRFD ONNX export with keypoints (InsightFace <c>det_10g</c>, <c>det_2.5g</c>, …):
/// RGB photo letterboxed into the canvas at the top-left (bilinear, no antialias, as <c>cv2.resize</c>), normalised as
/// <c>(x − 127.5) / 128</c>, one run, the nine head outputs taken by shape (score/box/keypoint width 1/4/10, strides
/// by anchor count) because their names differ between exports, then <see cref="ScrfdDecoder"/>.
/// </summary>
public sealed class ScrfdFaceDetector : IFaceDetector, IDisposable
{
    private const string Component = "SCRFD face detector";
    private static readonly ChannelNormalization s_normalization = ChannelNormalization.Scrfd;
    private readonly SharedSession _session;
    private readonly string _inputName;
    private readonly string[] _outputNames;
    private readonly ScrfdDecoder _decoder;

    /// <summary>Adapts an open session; the graph's contract is checked here.</summary>
    /// <param name="session">The SCRFD session.</param>
    /// <param name="options">Thresholds and canvas size; a canvas size fixed in the graph takes precedence, as in InsightFace.</param>
    /// <param name="ownsSession">Dispose the session with this detector.</param>
    /// <param name="modelName">Names the model in error messages.</param>
    public ScrfdFaceDetector(InferenceSession session, ScrfdOptions? options = null, bool ownsSession = false, string modelName = "model")
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new ScrfdOptions();
        options.Validate();
        var contract = new GraphContract(session, Component, modelName);
        if (session.InputMetadata.Count != 1)
        {
            throw new ModelContractException($"{Component} '{modelName}': expected one image input [1, 3, H, W], found {contract.DescribeInputs()}.");
        }

        var (inputName, input) = session.InputMetadata.First();
        int[] dims = input.Dimensions;
        if (input.ElementDataType != TensorElementType.Float || dims.Length != 4 || (dims[1] >= 0 && dims[1] != 3))
        {
            throw new ModelContractException($"{Component} '{modelName}': expected a float32 input [1, 3, H, W], found {GraphContract.Describe(inputName, input)}.");
        }

        int expectedOutputs = 3 * options.Strides.Count;
        if (session.OutputMetadata.Count != expectedOutputs || session.OutputMetadata.Values.Any(m => m.ElementDataType != TensorElementType.Float))
        {
            throw new ModelContractException($"{Component} '{modelName}': expected {expectedOutputs} float32 outputs (scores, boxes and keypoints for strides {string.Join("/", options.Strides)}), found {session.OutputMetadata.Count}: {contract.DescribeOutputs()}.");
        }

        if (dims[2] > 0 && dims[3] > 0)
        {
            options = options with { InputHeight = dims[2], InputWidth = dims[3] };
        }

        _decoder = new ScrfdDecoder(options);
        _session = new SharedSession(session, ownsSession);
        _inputName = inputName;
        _outputNames = [.. session.OutputMetadata.Keys];
    }

    /// <summary>Loads an SCRFD model file through the session factory.</summary>
    public static ScrfdFaceDetector Load(string path, ScrfdOptions? options = null, Sessions.OnnxSessionOptions? sessionOptions = null, Sessions.ISessionFactory? factory = null)
    {
        return Sessions.SessionLoading.Own(Sessions.SessionLoading.OpenExisting(path, sessionOptions, factory, Component),
            session => new ScrfdFaceDetector(session, options, ownsSession: true, modelName: path));
    }

    /// <summary>The settings in effect (canvas size as the graph fixes it).</summary>
    public ScrfdOptions Options => _decoder.Options;

    /// <inheritdoc />
    public Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        cancellationToken.ThrowIfCancellationRequested();
        var opts = _decoder.Options;
        var letterbox = Letterbox.Fit(image, opts.InputWidth, opts.InputHeight, LetterboxAnchor.TopLeft, RgbColor.Black, ResizeFilter.Bilinear, antialias: false);
        var blob = new float[3 * opts.InputWidth * opts.InputHeight];
        ImageTensors.WriteChw(letterbox.Image, s_normalization, blob);

        using var input = OrtValue.CreateTensorValueFromMemory(blob, [1, 3, opts.InputHeight, opts.InputWidth]);
        using var runOptions = new RunOptions();
        using var outputs = OrtRun.Run(_session, runOptions, [_inputName], [input], _outputNames, cancellationToken, Component);
        var (scores, boxes, keypoints) = SortHeads(outputs, opts.Strides.Count);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_decoder.Decode(scores, boxes, keypoints, letterbox.ScaleY));
    }

    /// <summary>
    /// Groups the outputs by their last dimension (1 scores, 4 boxes, 10 keypoints) and orders each group by anchor
    /// count, largest first (stride 8 first), whatever their names or order in the graph.
    /// </summary>
    internal static (float[][] Scores, float[][] Boxes, float[][] Keypoints) SortHeads(IReadOnlyList<OrtValue> outputs, int levels)
    {
        var groups = new Dictionary<long, List<float[]>> { [1] = [], [4] = [], [10] = [] };
        foreach (var output in outputs)
        {
            float[] data = OrtValueReader.ReadFloats(output);
            int[] shape = OrtValueReader.Shape(output);
            long width = shape.Length >= 2 ? shape[^1] : 1;
            if (!groups.TryGetValue(width, out var list))
            {
                throw new ModelContractException($"{Component}: expected head outputs whose last dimension is 1 (scores), 4 (boxes) or 10 (keypoints), found shape [{string.Join(", ", shape)}].");
            }

            list.Add(data);
        }

        if (groups.Values.Any(g => g.Count != levels))
        {
            throw new ModelContractException($"{Component}: expected {levels} score, {levels} box and {levels} keypoint outputs, found {groups[1].Count}, {groups[4].Count} and {groups[10].Count}.");
        }

        // Stable sort: equal sizes keep graph order.
        float[][] Order(List<float[]> list) => [.. list.Select((d, i) => (d, i)).OrderByDescending(t => t.d.Length).ThenBy(t => t.i).Select(t => t.d)];
        return (Order(groups[1]), Order(groups[4]), Order(groups[10]));
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
