using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Style;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Style;

/// <summary>
/// <see cref="IStyleEncoder"/> over a CLIP vision ONNX export with projection (<c>CLIPVisionModelWithProjection</c>):
/// shortest side to the graph's size with antialiased bicubic, centre crop, CLIP mean/std, one batched run;
/// returns <c>image_embeds</c> and, when the graph has it, <c>last_hidden_state</c>.
/// </summary>
public sealed class ClipStyleEncoder : IStyleEncoder, IDisposable
{
    private const string Component = "CLIP vision encoder";
    private const string EmbedsName = "image_embeds";
    private const string HiddenName = "last_hidden_state";
    private readonly SharedSession _session;
    private readonly string _inputName;
    private readonly string[] _outputNames;
    private readonly int _size;

    /// <summary>Adapts an open session; the graph's contract is checked here.</summary>
    public ClipStyleEncoder(InferenceSession session, bool ownsSession = false, string modelName = "model")
    {
        ArgumentNullException.ThrowIfNull(session);
        var contract = new GraphContract(session, Component, modelName);
        if (session.InputMetadata.Count != 1)
        {
            throw new ModelContractException($"{Component} '{modelName}': expected one input pixel_values [B, 3, S, S], found {contract.DescribeInputs()}.");
        }

        var (inputName, input) = session.InputMetadata.First();
        int[] d = input.Dimensions;
        if (input.ElementDataType != TensorElementType.Float || d.Length != 4 || d[1] != 3 || d[2] <= 0 || d[2] != d[3])
        {
            throw new ModelContractException($"{Component} '{modelName}': expected a float32 input [B, 3, S, S] with a fixed square size S, found {GraphContract.Describe(inputName, input)}.");
        }

        if (!session.OutputMetadata.TryGetValue(EmbedsName, out var embeds) || embeds.ElementDataType != TensorElementType.Float
            || embeds.Dimensions.Length != 2 || embeds.Dimensions[1] <= 0)
        {
            throw new ModelContractException($"{Component} '{modelName}': expected a float32 output {EmbedsName} [B, E] (a vision model with projection), found {contract.DescribeOutputs()}.");
        }

        bool hasHidden = session.OutputMetadata.TryGetValue(HiddenName, out var hidden)
            && hidden.ElementDataType == TensorElementType.Float && hidden.Dimensions.Length == 3;
        _session = new SharedSession(session, ownsSession);
        _inputName = inputName;
        _outputNames = hasHidden ? [EmbedsName, HiddenName] : [EmbedsName];
        _size = d[2];
        EmbeddingSize = embeds.Dimensions[1];
    }

    /// <summary>Loads a CLIP vision model file through the session factory.</summary>
    public static ClipStyleEncoder Load(string path, Sessions.OnnxSessionOptions? sessionOptions = null, Sessions.ISessionFactory? factory = null)
    {
        return Sessions.SessionLoading.Own(Sessions.SessionLoading.OpenExisting(path, sessionOptions, factory, Component),
            session => new ClipStyleEncoder(session, ownsSession: true, modelName: path));
    }

    /// <inheritdoc />
    public int EmbeddingSize { get; }

    /// <summary>True when the graph also returns <c>last_hidden_state</c>.</summary>
    public bool HasHiddenStates => _outputNames.Length > 1;

    /// <summary>CLIP's preprocessing of one image into <paramref name="destination"/> (3·S·S floats, CHW).</summary>
    public static void Preprocess(RgbImage image, int size, Span<float> destination)
    {
        var crop = ImageOps.ResizeAndCenterCrop(image, size, ResizeFilter.Bicubic);
        ImageTensors.WriteChw(crop, ChannelNormalization.Clip, destination);
    }

    /// <inheritdoc />
    public Task<StyleEncoding> EncodeAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new FaceStudioValidationException(nameof(images), "Image encoding needs at least one image, but none was given.");
        }

        int n = images.Count, plane = 3 * _size * _size;
        var blob = new float[n * plane];
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(images[i]);
            Preprocess(images[i], _size, blob.AsSpan(i * plane, plane));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(blob, [n, 3, _size, _size]);
        using var runOptions = new RunOptions();
        using var outputs = OrtRun.Run(_session, runOptions, [_inputName], [input], _outputNames, cancellationToken, Component);
        float[] embeds = OrtValueReader.ReadFloats(outputs[0]);
        int[] es = OrtValueReader.Shape(outputs[0]);
        if (es.Length != 2 || es[0] != n || es[1] != EmbeddingSize)
        {
            throw new ModelContractException($"{Component}: expected {EmbedsName} [{n}, {EmbeddingSize}], found [{string.Join(", ", es)}].");
        }

        FloatTensor? hidden = null;
        if (HasHiddenStates)
        {
            hidden = new FloatTensor(OrtValueReader.ReadFloats(outputs[1]), OrtValueReader.Shape(outputs[1]));
        }

        return Task.FromResult(new StyleEncoding(new FloatTensor(embeds, n, EmbeddingSize), hidden));
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
