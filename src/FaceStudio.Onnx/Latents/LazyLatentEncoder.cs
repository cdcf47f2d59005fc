using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Latents;

/// <summary>
/// A VAE encoder that loads its session on first use (the first img2img request, or the first read of
/// <see cref="LatentChannels"/>, which only img2img validation does), so text-to-image never holds its weights.
/// Loading happens once however many callers arrive together; dispose releases the session if it was loaded.
/// </summary>
internal sealed class LazyLatentEncoder : ILatentEncoder, IDisposable
{
    private readonly ResidentComponent<OnnxLatentEncoder> _holder;

    public LazyLatentEncoder(Func<OnnxLatentEncoder> load, int downscaleFactor, float scalingFactor)
    {
        _holder = new ResidentComponent<OnnxLatentEncoder>(load, ComponentResidency.Keep);
        DownscaleFactor = downscaleFactor;
        ScalingFactor = scalingFactor;
    }

    /// <summary>True once the session has been loaded.</summary>
    public bool IsLoaded => _holder.IsLoaded;

    /// <inheritdoc />
    public int LatentChannels
    {
        get
        {
            using ResidentComponent<OnnxLatentEncoder>.Use use = _holder.Acquire();
            return use.Component.LatentChannels;
        }
    }

    /// <inheritdoc />
    public int DownscaleFactor { get; }

    /// <inheritdoc />
    public float ScalingFactor { get; }

    /// <inheritdoc />
    public async Task<FloatTensor> EncodeAsync(FloatTensor images, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using ResidentComponent<OnnxLatentEncoder>.Use use = _holder.Acquire();
        return await use.Component.EncodeAsync(images, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _holder.Dispose();
}
