using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Guidance;

/// <summary>
/// A guidance projector model behind <see cref="IGuidanceProjector"/>: <c>face_embeds [N, F]</c> and, when the graph has
/// it, <c>image_embeds [N, E]</c> → <c>tokens [N, K, D]</c> (FaceStudio Linear, or IP-Adapter-FaceID projection without
/// <c>image_embeds</c>). Widths are read from the graph; float32 or float16 I/O. Thread-safe as ONNX Runtime's Run is.
/// </summary>
public sealed class OnnxGuidanceProjector : IGuidanceProjector, IDisposable
{
    /// <summary>Input holding the face embeddings.</summary>
    public const string FaceInput = "face_embeds";

    /// <summary>Optional input holding the CLIP-image-space embeddings.</summary>
    public const string ImageInput = "image_embeds";

    /// <summary>Output holding the tokens.</summary>
    public const string TokensOutput = "tokens";

    private readonly SharedSession _session;
    private readonly bool _faceHalf;
    private readonly bool _imageHalf;

    /// <summary>Adapts an existing session (its options and execution providers are the caller's).</summary>
    /// <param name="session">A session over a projector graph.</param>
    /// <param name="ownsSession">Dispose the session with this projector.</param>
    /// <exception cref="ModelContractException">The graph does not follow the projector contract.</exception>
    public OnnxGuidanceProjector(InferenceSession session, bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = new SharedSession(session, ownsSession);
        (FaceEmbeddingDim, _faceHalf) = ReadInput(session, FaceInput, required: true);
        (ImageEmbeddingDim, _imageHalf) = ReadInput(session, ImageInput, required: false);
        if (!session.OutputMetadata.TryGetValue(TokensOutput, out NodeMetadata? tokens))
        {
            throw new ModelContractException($"The projector model must have an output '{TokensOutput}' [N, K, D]; found {Names(session.OutputMetadata.Keys)}.");
        }

        int[] dims = tokens.Dimensions;
        if (dims.Length != 3 || dims[1] <= 0 || dims[2] <= 0 || !IsFloat(tokens.ElementDataType))
        {
            throw new ModelContractException($"The projector output '{TokensOutput}' must be float or float16 [N, K, D] with fixed K and D; found {tokens.ElementDataType} [{string.Join(", ", dims)}].");
        }

        TokensPerIdentity = dims[1];
        TokenDim = dims[2];
    }

    /// <inheritdoc />
    public int FaceEmbeddingDim { get; }

    /// <inheritdoc />
    public int ImageEmbeddingDim { get; }

    /// <inheritdoc />
    public int TokensPerIdentity { get; }

    /// <inheritdoc />
    public int TokenDim { get; }

    /// <summary>Loads a projector model file.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="options">Session options (execution provider, threads); CPU defaults when null.</param>
    /// <param name="factory">Creates the session; the shared <see cref="Sessions.SessionFactory"/> when null.</param>
    /// <exception cref="ModelContractException">The file is missing, unreadable or breaks the projector contract.</exception>
    public static OnnxGuidanceProjector Load(string modelPath, Sessions.OnnxSessionOptions? options = null, Sessions.ISessionFactory? factory = null)
    {
        return Sessions.SessionLoading.Own(Sessions.SessionLoading.OpenExisting(modelPath, options, factory, "Guidance projector"),
            session => new OnnxGuidanceProjector(session, ownsSession: true));
    }

    /// <inheritdoc />
    public Task<FloatTensor> ProjectAsync(FloatTensor faceEmbeddings, FloatTensor? imageEmbeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faceEmbeddings);
        cancellationToken.ThrowIfCancellationRequested();
        if (faceEmbeddings.Rank != 2 || faceEmbeddings.Dim(1) != FaceEmbeddingDim)
        {
            throw new ModelContractException(Inv($"face_embeds must be [N, {FaceEmbeddingDim}] but is {faceEmbeddings}."));
        }

        int n = faceEmbeddings.Dim(0);
        if (ImageEmbeddingDim > 0 && (imageEmbeddings is null || imageEmbeddings.Rank != 2 || imageEmbeddings.Dim(0) != n || imageEmbeddings.Dim(1) != ImageEmbeddingDim))
        {
            throw new ModelContractException(Inv($"image_embeds must be [{n}, {ImageEmbeddingDim}] but is {imageEmbeddings?.ToString() ?? "missing"}."));
        }

        using HostTensor face = Input(faceEmbeddings, _faceHalf);
        using HostTensor? image = ImageEmbeddingDim > 0 ? Input(imageEmbeddings!, _imageHalf) : null;
        string[] names = image is null ? [FaceInput] : [FaceInput, ImageInput];
        OrtValue[] values = image is null ? [face.Value] : [face.Value, image.Value];
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = OrtRun.Run(_session, runOptions, names, values, [TokensOutput], cancellationToken, "Guidance projector");
        int[] shape = OrtValueReader.Shape(outputs[0]);
        if (shape.Length != 3 || shape[0] != n || shape[1] != TokensPerIdentity || shape[2] != TokenDim)
        {
            throw new ModelContractException(Inv($"The projector returned tokens [{string.Join(", ", shape)}]; expected [{n}, {TokensPerIdentity}, {TokenDim}]."));
        }

        return Task.FromResult(new FloatTensor(OrtValueReader.ReadFloats(outputs[0]), n, TokensPerIdentity, TokenDim));
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    // [N, width] in the input's precision.
    private static HostTensor Input(FloatTensor tensor, bool half)
    {
        var input = new HostTensor(half ? TensorElementType.Float16 : TensorElementType.Float, [tensor.Dim(0), tensor.Dim(1)]);
        input.WriteFloats(tensor.Span);
        return input;
    }

    private static (int Width, bool Half) ReadInput(InferenceSession session, string name, bool required)
    {
        if (!session.InputMetadata.TryGetValue(name, out NodeMetadata? meta))
        {
            if (required)
            {
                throw new ModelContractException($"The projector model must have an input '{name}' [N, width]; found {Names(session.InputMetadata.Keys)}.");
            }

            return (0, false);
        }

        int[] dims = meta.Dimensions;
        if (dims.Length != 2 || dims[1] <= 0 || !IsFloat(meta.ElementDataType))
        {
            throw new ModelContractException($"The projector input '{name}' must be float or float16 [N, width] with a fixed width; found {meta.ElementDataType} [{string.Join(", ", dims)}].");
        }

        return (dims[1], meta.ElementDataType == TensorElementType.Float16);
    }

    private static bool IsFloat(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Float16;

    private static string Names(IEnumerable<string> names) => "[" + string.Join(", ", names) + "]";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
