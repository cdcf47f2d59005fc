using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Contracts;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Latents;

/// <summary>
/// VAE encoder over ONNX Runtime. Contract: <c>sample</c> float32/float16 [B, 3, H, W] in [-1, 1] →
/// <c>latent_sample</c> [B, C, H/f, W/f], or <c>latent_parameters</c> [B, 2C, H/f, W/f] (mean then log-variance;
/// the mean is used). Multiplies by the scaling factor. Thread-safe.
/// </summary>
public sealed class OnnxLatentEncoder : ILatentEncoder, IDisposable
{
    private const string Expected = "input 'sample' float32|float16 [batch, 3, H, W]; output 'latent_sample' float32|float16 [batch, C, h, w] or 'latent_parameters' float32|float16 [batch, 2C, h, w]";

    private readonly VaeSession _session;
    private readonly bool _parameters;
    private readonly string _source;

    /// <summary>Wraps a loaded session, checking its contract.</summary>
    public OnnxLatentEncoder(InferenceSession session, VaeOptions? options = null, bool ownsSession = false, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new VaeOptions();
        options.Validate();
        var contract = new GraphContract(session, "VAE encoder", source);
        _source = contract.Source;
        NodeMetadata input = contract.RequireInput("sample", Expected, VaeSession.FloatTypes, 4);
        if (GraphContract.FixedDim(input, 1) is { } inChannels && inChannels != 3)
        {
            throw contract.Mismatch($"'sample' has {inChannels} channels", Expected);
        }

        _parameters = !contract.HasOutput("latent_sample") && contract.HasOutput("latent_parameters");
        string outputName = _parameters ? "latent_parameters" : "latent_sample";
        NodeMetadata output = contract.RequireOutput(outputName, Expected, VaeSession.FloatTypes, 4);
        int? channels = GraphContract.FixedDim(output, 1);
        if (_parameters && channels is { } c && c % 2 != 0)
        {
            throw contract.Mismatch($"'latent_parameters' has an odd channel count {c}", Expected);
        }

        _session = new VaeSession(session, ownsSession, "VAE encoder", "sample", input.ElementDataType, outputName);
        LatentChannels = channels is { } n ? (_parameters ? n / 2 : n) : 4;
        ScalingFactor = options.ScalingFactor;
        DownscaleFactor = options.DownscaleFactor;
    }

    /// <inheritdoc />
    public int LatentChannels { get; }

    /// <summary>Each run frees the CPU arena's unused chunks when it ends (set by <see cref="Load"/> from <see cref="OnnxSessionOptions.ShrinkCpuArenaAfterRun"/>).</summary>
    internal bool ShrinkCpuArenaAfterRun { get => _session.ShrinkCpuArenaAfterRun; init => _session.ShrinkCpuArenaAfterRun = value; }

    /// <inheritdoc />
    public int DownscaleFactor { get; }

    /// <inheritdoc />
    public float ScalingFactor { get; }

    /// <summary>True when the graph outputs <c>latent_parameters</c> (mean and log-variance).</summary>
    public bool OutputsParameters => _parameters;

    /// <summary>Loads a model file.</summary>
    public static OnnxLatentEncoder Load(string modelPath, VaeOptions? vae = null, OnnxSessionOptions? options = null, ISessionFactory? factory = null)
    {
        options ??= OnnxSessionOptions.Default;
        bool shrink = options.ShrinksCpuArena;
        return SessionLoading.Own((factory ?? new SessionFactory()).Create(modelPath, options),
            session => new OnnxLatentEncoder(session, vae, ownsSession: true, modelPath) { ShrinkCpuArenaAfterRun = shrink });
    }

    /// <inheritdoc />
    public Task<FloatTensor> EncodeAsync(FloatTensor images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || images.Dim(1) != 3 || images.Dim(2) % DownscaleFactor != 0 || images.Dim(3) % DownscaleFactor != 0)
        {
            throw new FaceStudioValidationException(nameof(images), $"Images must be [B, 3, H, W] with H and W multiples of {DownscaleFactor}; got {images}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        (float[] raw, int[] shape) = _session.Run(images.Span, images.ShapeArray(), cancellationToken);
        int c = LatentChannels, rawChannels = _parameters ? 2 * c : c;
        int[] expected = [images.Dim(0), rawChannels, images.Dim(2) / DownscaleFactor, images.Dim(3) / DownscaleFactor];
        if (!shape.AsSpan().SequenceEqual(expected))
        {
            // Dynamic declarations are only checked here: a wrong channel count would read across rows.
            throw new ModelContractException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"VAE encoder model {_source} returned '{(_parameters ? "latent_parameters" : "latent_sample")}' of shape [{string.Join(", ", shape)}]; expected [{string.Join(", ", expected)}] for images {images}."));
        }

        int b = shape[0], h = shape[2], w = shape[3];
        int plane = c * h * w;
        var latents = new FloatTensor(b, c, h, w);
        for (int i = 0; i < b; i++)
        {
            // The mean is the first C channels of each row (all of them for latent_sample).
            TensorPrimitives.Multiply(raw.AsSpan(i * shape[1] * h * w, plane), ScalingFactor, latents.Span.Slice(i * plane, plane));
        }

        return Task.FromResult(latents);
    }

    /// <inheritdoc />
    /// <remarks>Runs in flight finish first; the session is released when the last one ends.</remarks>
    public void Dispose() => _session.Dispose();
}
