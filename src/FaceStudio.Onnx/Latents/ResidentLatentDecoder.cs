using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Latents;

/// <summary>
/// A VAE decoder whose model is kept or released after each use (<see cref="ComponentResidency"/>) and loaded again
/// on the next; its sizes are read once from the first load. Thread-safe.
/// </summary>
internal sealed class ResidentLatentDecoder : ILatentDecoder, IDisposable
{
    /// <param name="load">Loads the decoder.</param>
    /// <param name="residency">Keep it loaded, or release it after each use.</param>
    public ResidentLatentDecoder(Func<OnnxLatentDecoder> load, ComponentResidency residency)
    {
        OnnxLatentDecoder first = load();
        LatentChannels = first.LatentChannels;
        DownscaleFactor = first.DownscaleFactor;
        ScalingFactor = first.ScalingFactor;
        Holder = new ResidentComponent<OnnxLatentDecoder>(load, residency, first);
    }

    /// <summary>The loaded model's holder.</summary>
    public ResidentComponent<OnnxLatentDecoder> Holder { get; }

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
        return await use.Component.DecodeAsync(latents, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => Holder.Dispose();
}
