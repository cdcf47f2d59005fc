using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Contracts;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Latents;

/// <summary>
/// VAE decoder over ONNX Runtime. Contract: <c>latent_sample</c> float32/float16 [B, C, h, w] (unscaled latents)
/// → <c>sample</c> float32/float16 [B, 3, f·h, f·w] in [-1, 1]. Divides by the scaling factor before running.
/// Thread-safe.
/// </summary>
public sealed class OnnxLatentDecoder : ILatentDecoder, IDisposable
{
    private const string Expected = "input 'latent_sample' float32|float16 [batch, C, h, w]; output 'sample' float32|float16 [batch, 3, H, W]";

    private readonly VaeSession _session;
    private readonly string _source;

    /// <summary>Wraps a loaded session, checking its contract.</summary>
    public OnnxLatentDecoder(InferenceSession session, VaeOptions? options = null, bool ownsSession = false, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new VaeOptions();
        options.Validate();
        var contract = new GraphContract(session, "VAE decoder", source);
        _source = contract.Source;
        NodeMetadata input = contract.RequireInput("latent_sample", Expected, VaeSession.FloatTypes, 4);
        NodeMetadata output = contract.RequireOutput("sample", Expected, VaeSession.FloatTypes, 4);
        if (GraphContract.FixedDim(output, 1) is { } channels && channels != 3)
        {
            throw contract.Mismatch($"'sample' has {channels} channels", Expected);
        }

        if (contract.InputNames.Count() != 1)
        {
            throw contract.Mismatch("the graph has more inputs than 'latent_sample'", Expected);
        }

        _session = new VaeSession(session, ownsSession, "VAE decoder", "latent_sample", input.ElementDataType, "sample");
        LatentChannels = GraphContract.FixedDim(input, 1) ?? 4;
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

    /// <summary>Loads a model file.</summary>
    public static OnnxLatentDecoder Load(string modelPath, VaeOptions? vae = null, OnnxSessionOptions? options = null, ISessionFactory? factory = null)
    {
        options ??= OnnxSessionOptions.Default;
        bool shrink = options.ShrinksCpuArena;
        return SessionLoading.Own((factory ?? new SessionFactory()).Create(modelPath, options),
            session => new OnnxLatentDecoder(session, vae, ownsSession: true, modelPath) { ShrinkCpuArenaAfterRun = shrink });
    }

    /// <inheritdoc />
    public Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.Rank != 4 || latents.Dim(1) != LatentChannels)
        {
            throw new FaceStudioValidationException(nameof(latents), $"Latents must be [B, {LatentChannels}, h, w]; got {latents}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        float[] scaled = new float[latents.Length];
        TensorPrimitives.Multiply(latents.Span, 1f / ScalingFactor, scaled);
        (float[] image, int[] shape) = _session.Run(scaled, latents.ShapeArray(), cancellationToken);
        if (shape.Length != 4 || shape[0] != latents.Dim(0) || shape[1] != 3)
        {
            // A dynamic channel declaration is only checked here.
            throw new ModelContractException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"VAE decoder model {_source} returned 'sample' of shape [{string.Join(", ", shape)}]; expected [{latents.Dim(0)}, 3, H, W] for latents {latents}."));
        }

        return Task.FromResult(new FloatTensor(image, shape));
    }

    /// <inheritdoc />
    /// <remarks>Runs in flight finish first; the session is released when the last one ends.</remarks>
    public void Dispose() => _session.Dispose();
}
