using FaceStudio.Core.Imaging;
using FaceStudio.Core.Style;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Style;

/// <summary>
/// A CLIP vision (style) encoder whose model is kept or released after each use (<see cref="ComponentResidency"/>)
/// and loaded again on the next; its embedding size is read once from the first load. Thread-safe.
/// </summary>
internal sealed class ResidentStyleEncoder : IStyleEncoder, IDisposable
{
    /// <param name="load">Loads the encoder.</param>
    /// <param name="residency">Keep it loaded, or release it after each use.</param>
    public ResidentStyleEncoder(Func<ClipStyleEncoder> load, ComponentResidency residency)
    {
        ClipStyleEncoder first = load();
        EmbeddingSize = first.EmbeddingSize;
        Holder = new ResidentComponent<ClipStyleEncoder>(load, residency, first);
    }

    /// <summary>The loaded model's holder.</summary>
    public ResidentComponent<ClipStyleEncoder> Holder { get; }

    /// <inheritdoc />
    public int EmbeddingSize { get; }

    /// <inheritdoc />
    public async Task<StyleEncoding> EncodeAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using ResidentComponent<ClipStyleEncoder>.Use use = Holder.Acquire();
        return await use.Component.EncodeAsync(images, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => Holder.Dispose();
}
