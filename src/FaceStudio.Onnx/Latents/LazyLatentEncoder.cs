using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Onnx.Latents;

/// <summary>
/// A VAE encoder that loads its session on first use (the first img2img request, or the first read of
/// <see cref="LatentChannels"/>, which only img2img validation does), so text-to-image never holds its weights.
/// Loading happens once however many callers arrive together; dispose releases the session if it was loaded.
/// </summary>
internal sealed class LazyLatentEncoder : ILatentEncoder, IDisposable
{
    private readonly Func<OnnxLatentEncoder> _load;
    private readonly Lock _gate = new();
    private OnnxLatentEncoder? _encoder;
    private bool _disposed;

    public LazyLatentEncoder(Func<OnnxLatentEncoder> load, int downscaleFactor, float scalingFactor)
    {
        _load = load;
        DownscaleFactor = downscaleFactor;
        ScalingFactor = scalingFactor;
    }

    /// <summary>True once the session has been loaded.</summary>
    public bool IsLoaded
    {
        get
        {
            lock (_gate)
            {
                return _encoder is not null;
            }
        }
    }

    /// <inheritdoc />
    public int LatentChannels => Encoder().LatentChannels;

    /// <inheritdoc />
    public int DownscaleFactor { get; }

    /// <inheritdoc />
    public float ScalingFactor { get; }

    /// <inheritdoc />
    public Task<FloatTensor> EncodeAsync(FloatTensor images, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Encoder().EncodeAsync(images, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        OnnxLatentEncoder? loaded;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loaded = _encoder;
            _encoder = null;
        }

        loaded?.Dispose();
    }

    private OnnxLatentEncoder Encoder()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _encoder ??= _load();
        }
    }
}
