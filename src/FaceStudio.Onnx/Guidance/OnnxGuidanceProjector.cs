using System.Globalization;
using System.Runtime.InteropServices;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Tensors;
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

    private readonly InferenceSession _session;
    private readonly bool _ownsSession;
    private readonly bool _faceHalf;
    private readonly bool _imageHalf;

    /// <summary>Adapts an existing session (its options and execution providers are the caller's).</summary>
    /// <param name="session">A session over a projector graph.</param>
    /// <param name="ownsSession">Dispose the session with this projector.</param>
    /// <exception cref="ModelContractException">The graph does not follow the projector contract.</exception>
    public OnnxGuidanceProjector(InferenceSession session, bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _ownsSession = ownsSession;
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
        InferenceSession session = Identity.IdentitySessions.Open(modelPath, options, factory, "Guidance projector");
        try
        {
            return new OnnxGuidanceProjector(session, ownsSession: true);
        }
        catch
        {
            session.Dispose();
            throw;
        }
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

        var names = new List<string> { FaceInput };
        var values = new List<OrtValue>();
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            values.Add(Value(faceEmbeddings, _faceHalf));
            if (ImageEmbeddingDim > 0)
            {
                names.Add(ImageInput);
                values.Add(Value(imageEmbeddings!, _imageHalf));
            }

            using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(runOptions, names, values, [TokensOutput]);
            OrtValue output = outputs[0];
            long[] shape = output.GetTensorTypeAndShape().Shape;
            if (shape.Length != 3 || shape[0] != n || shape[1] != TokensPerIdentity || shape[2] != TokenDim)
            {
                throw new ModelContractException(Inv($"The projector returned tokens [{string.Join(", ", shape)}]; expected [{n}, {TokensPerIdentity}, {TokenDim}]."));
            }

            var result = new FloatTensor(n, TokensPerIdentity, TokenDim);
            if (output.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16)
            {
                ReadOnlySpan<Half> half = MemoryMarshal.Cast<Float16, Half>(output.GetTensorDataAsSpan<Float16>());
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(half, result.Span);
            }
            else
            {
                output.GetTensorDataAsSpan<float>().CopyTo(result.Span);
            }

            return Task.FromResult(result);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        finally
        {
            foreach (OrtValue v in values)
            {
                v.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }

    private static OrtValue Value(FloatTensor tensor, bool half)
    {
        long[] shape = [tensor.Dim(0), tensor.Dim(1)];
        if (!half)
        {
            return OrtValue.CreateTensorValueFromMemory(tensor.Buffer, shape);
        }

        var converted = new Float16[tensor.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(tensor.Span, MemoryMarshal.Cast<Float16, Half>(converted.AsSpan()));
        return OrtValue.CreateTensorValueFromMemory(converted, shape);
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
