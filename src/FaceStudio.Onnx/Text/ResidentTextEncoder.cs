using FaceStudio.Core.Text;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Text;

/// <summary>
/// A text encoder whose model is kept or released after each use (<see cref="ComponentResidency"/>) and loaded again
/// on the next; its sizes are read once from the first load. Thread-safe.
/// </summary>
internal sealed class ResidentTextEncoder : ITextEncoder, IDisposable
{
    /// <param name="load">Loads the encoder.</param>
    /// <param name="residency">Keep it loaded, or release it after each use.</param>
    public ResidentTextEncoder(Func<OnnxTextEncoder> load, ComponentResidency residency)
    {
        OnnxTextEncoder first = load();
        HiddenSize = first.HiddenSize;
        MaxTokens = first.MaxTokens;
        Holder = new ResidentComponent<OnnxTextEncoder>(load, residency, first);
    }

    /// <summary>The loaded model's holder (for tests: whether it is loaded, how often it was loaded).</summary>
    public ResidentComponent<OnnxTextEncoder> Holder { get; }

    /// <inheritdoc />
    public int HiddenSize { get; }

    /// <inheritdoc />
    public int MaxTokens { get; }

    /// <inheritdoc />
    public async Task<TextEncoding> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using ResidentComponent<OnnxTextEncoder>.Use use = Holder.Acquire();
        return await use.Component.EncodeAsync(prompts, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => Holder.Dispose();
}
