using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Latents;

/// <summary>
/// A VAE decoder whose model is kept or released after each use (<see cref="ComponentResidency"/>) and loaded again
/// on the next; its sizes are read once from the first load. With <see cref="Tiling"/>, one use decodes every tile of
/// the image (one load per decode, not one per tile). Thread-safe.
/// </summary>
internal sealed class ResidentLatentDecoder : ILatentDecoder, IDisposable
{
    /// <param name="load">Loads the decoder.</param>
    /// <param name="residency">Keep it loaded, or release it after each use.</param>
    /// <param name="tiling">Decode in tiles (diffusers' tiled decode) inside each use; null for whole images.</param>
    public ResidentLatentDecoder(Func<OnnxLatentDecoder> load, ComponentResidency residency, VaeTiling? tiling = null)
    {
        tiling?.Validate();
        Tiling = tiling;
        OnnxLatentDecoder first = load();
        LatentChannels = first.LatentChannels;
        DownscaleFactor = first.DownscaleFactor;
        ScalingFactor = first.ScalingFactor;
        Holder = new ResidentComponent<OnnxLatentDecoder>(load, residency, first);
    }

    /// <summary>The loaded model's holder.</summary>
    public ResidentComponent<OnnxLatentDecoder> Holder { get; }

    /// <summary>The tiling each decode uses, or null for whole images.</summary>
    public VaeTiling? Tiling { get; }

    /// <inheritdoc />
    public int LatentChannels { get; }

    /// <inheritdoc />
    public int DownscaleFactor { get; }

    /// <inheritdoc />
    public float ScalingFactor { get; }

    /// <inheritdoc />
    public async Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using ResidentComponent<OnnxLatentDecoder>.Use use = Holder.Acquire();
        ILatentDecoder decoder = Tiling is null ? use.Component : new TiledLatentDecoder(use.Component, Tiling);
        return await decoder.DecodeAsync(latents, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => Holder.Dispose();
}
