using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;
using FaceStudio.Onnx.Contracts;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Denoising;

/// <summary>
/// UNet denoiser over ONNX Runtime. Reads the graph's declarations at load and adapts to: <c>timestep</c>
/// int64/int32/float32/float16 as [B], [1] or a scalar; float32 or float16 <c>sample</c>,
/// <c>encoder_hidden_states</c> and <c>out_sample</c>; optional identity inputs (<c>identity_tokens</c>,
/// <c>identity_masks</c>, <c>identity_scales</c>); a fixed batch axis (the batch is then run in chunks).
/// The loaded session is shared by every <see cref="IDenoiserSession"/> and may be used concurrently, except
/// with <see cref="OnnxDenoiserOptions.CudaGraph"/>: the captured graph replays fixed device addresses, so the
/// denoiser then keeps one set of device buffers for its life, fixed to the first session's shapes, and allows one
/// open session at a time (<see cref="CreateSession"/> throws <see cref="FaceStudioValidationException"/> for a
/// second concurrent session or for other shapes).
/// </summary>
public sealed class OnnxDenoiser : IDenoiser, IDisposable
{
    internal const string Expected =
        "inputs 'sample' float32|float16 [batch, C, h, w], 'timestep' int64|int32|float32|float16 [batch] or [1] or scalar, " +
        "'encoder_hidden_states' float32|float16 [batch, T, D] (D fixed), optionally all of 'identity_tokens' [batch, N, K, D], " +
        "'identity_masks' [batch, N, h, w], 'identity_scales' [batch, N]; output 'out_sample' float32|float16 [batch, C, h, w]";

    internal static readonly string[] IdentityInputs = ["identity_tokens", "identity_masks", "identity_scales"];
    private static readonly TensorElementType[] FloatTypes = [TensorElementType.Float, TensorElementType.Float16];
    private static readonly TensorElementType[] TimestepTypes = [TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Float, TensorElementType.Float16];

    private readonly SharedSession _shared;

    /// <summary>Wraps a loaded session, checking its contract.</summary>
    public OnnxDenoiser(InferenceSession session, OnnxDenoiserOptions? options = null, bool ownsSession = false, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        Options = options ?? new OnnxDenoiserOptions();
        Options.Validate();
        Session = session;
        Graph = Options.CudaGraph ? new GraphBuffers() : null;
        _shared = new SharedSession(session, ownsSession, Graph);
        var contract = new GraphContract(session, "UNet", source);
        Sample = contract.RequireInput("sample", Expected, FloatTypes, 4);
        Timestep = contract.RequireInput("timestep", Expected, TimestepTypes, 0, 1);
        Context = contract.RequireInput("encoder_hidden_states", Expected, FloatTypes, 3);
        Output = contract.RequireOutput("out_sample", Expected, FloatTypes, 4);
        int contextDim = GraphContract.FixedDim(Context, 2) ?? throw contract.Mismatch("'encoder_hidden_states' has a dynamic width", Expected);
        if (Timestep.Dimensions.Length == 1 && GraphContract.FixedDim(Timestep, 0) is { } tLength && tLength != 1 && GraphContract.FixedDim(Sample, 0) != tLength)
        {
            throw contract.Mismatch($"'timestep' has a fixed length {tLength} that is neither 1 nor the batch", Expected);
        }

        int present = IdentityInputs.Count(contract.HasInput);
        if (present is not (0 or 3))
        {
            throw contract.Mismatch($"only {present} of the 3 identity inputs are present", Expected);
        }

        int? tokensPerIdentity = null;
        if (present == 3)
        {
            IdentityTokens = contract.RequireInput("identity_tokens", Expected, FloatTypes, 4);
            IdentityMasks = contract.RequireInput("identity_masks", Expected, FloatTypes, 4);
            IdentityScales = contract.RequireInput("identity_scales", Expected, FloatTypes, 2);
            if (GraphContract.FixedDim(IdentityTokens, 3) is { } idDim && idDim != contextDim)
            {
                throw contract.Mismatch($"'identity_tokens' width {idDim} differs from 'encoder_hidden_states' width {contextDim}", Expected);
            }

            tokensPerIdentity = GraphContract.FixedDim(IdentityTokens, 2);
        }

        foreach (string name in contract.InputNames)
        {
            if (name is not ("sample" or "timestep" or "encoder_hidden_states") && !IdentityInputs.Contains(name))
            {
                throw contract.Mismatch($"unexpected input '{name}'", Expected);
            }
        }

        int? sampleChannels = GraphContract.FixedDim(Sample, 1);
        int? outputChannels = GraphContract.FixedDim(Output, 1);
        if (sampleChannels is not null && outputChannels is not null && sampleChannels != outputChannels)
        {
            throw contract.Mismatch($"'out_sample' has {outputChannels} channels but 'sample' has {sampleChannels}", Expected);
        }

        Capabilities = new DenoiserCapabilities
        {
            LatentChannels = sampleChannels ?? outputChannels ?? 4,
            ContextDim = contextDim,
            MaxContextTokens = GraphContract.FixedDim(Context, 1),
            SupportsIdentityRegions = present == 3,
            IdentityTokensPerIdentity = tokensPerIdentity,
            MaskDownsample = present == 3 ? Options.MaskDownsample : null,
            FixedBatchSize = GraphContract.FixedDim(Sample, 0),
            Precision = Sample.ElementDataType == TensorElementType.Float16 ? TensorPrecision.Float16 : TensorPrecision.Float32,
        };
    }

    /// <inheritdoc />
    public DenoiserCapabilities Capabilities { get; }

    /// <summary>Binding options.</summary>
    public OnnxDenoiserOptions Options { get; }

    internal InferenceSession Session { get; }

    /// <summary>The device buffers every CUDA-graph generation shares; null without CUDA graphs.</summary>
    internal GraphBuffers? Graph { get; }

    internal NodeMetadata Sample { get; }

    internal NodeMetadata Timestep { get; }

    internal NodeMetadata Context { get; }

    internal NodeMetadata Output { get; }

    internal NodeMetadata? IdentityTokens { get; }

    internal NodeMetadata? IdentityMasks { get; }

    internal NodeMetadata? IdentityScales { get; }

    /// <summary>Loads a model file; the buffer location follows <paramref name="options"/>' provider.</summary>
    public static OnnxDenoiser Load(string modelPath, OnnxSessionOptions? options = null, ISessionFactory? factory = null)
        => Load(modelPath, options, factory, maskDownsample: null);

    /// <summary>Loads a model file whose graph applies <paramref name="maskDownsample"/> to <c>identity_masks</c>.</summary>
    internal static OnnxDenoiser Load(string modelPath, OnnxSessionOptions? options, ISessionFactory? factory, RegionMaskDownsample? maskDownsample)
    {
        options ??= OnnxSessionOptions.Default;
        OnnxSessionOptions sessionOptions = options;
        return SessionLoading.Own((factory ?? new SessionFactory()).Create(modelPath, options),
            session => new OnnxDenoiser(session, OnnxDenoiserOptions.From(sessionOptions) with { MaskDownsample = maskDownsample }, ownsSession: true, modelPath));
    }

    /// <inheritdoc />
    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape)
    {
        ArgumentNullException.ThrowIfNull(conditioning);
        SharedSession.Lease lease = _shared.Acquire();
        try
        {
            return new OnnxDenoiserSession(this, conditioning, latentShape, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Open denoiser sessions keep the model (and, with CUDA graphs, the shared device buffers) alive; they are
    /// released when the last one is disposed.
    /// </remarks>
    public void Dispose() => _shared.Dispose();

}
