using FaceStudio.Core.Denoising;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Denoising;

/// <summary>
/// A UNet whose model is kept or released when its last <see cref="IDenoiserSession"/> closes
/// (<see cref="ComponentResidency"/>) and loaded again by the next <see cref="CreateSession"/>; its capabilities are
/// read once from the first load. Thread-safe.
/// </summary>
internal sealed class ResidentDenoiser : IDenoiser, IDisposable
{
    /// <param name="load">Loads the denoiser.</param>
    /// <param name="residency">Keep it loaded, or release it when no session is open.</param>
    public ResidentDenoiser(Func<OnnxDenoiser> load, ComponentResidency residency)
    {
        OnnxDenoiser first = load();
        Capabilities = first.Capabilities;
        Holder = new ResidentComponent<OnnxDenoiser>(load, residency, first);
    }

    /// <summary>The loaded model's holder.</summary>
    public ResidentComponent<OnnxDenoiser> Holder { get; }

    /// <inheritdoc />
    public DenoiserCapabilities Capabilities { get; }

    /// <inheritdoc />
    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape)
    {
        ArgumentNullException.ThrowIfNull(conditioning);
        ResidentComponent<OnnxDenoiser>.Use use = Holder.Acquire();
        try
        {
            return new Session(use.Component.CreateSession(conditioning, latentShape), use);
        }
        catch
        {
            use.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Holder.Dispose();

    /// <summary>The loaded denoiser's session; closing it ends the use of the model.</summary>
    private sealed class Session(IDenoiserSession inner, ResidentComponent<OnnxDenoiser>.Use use) : IDenoiserSession
    {
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken) =>
            inner.Predict(sample, timestep, prediction, cancellationToken);

        public void Dispose()
        {
            inner.Dispose();
            use.Dispose();
        }
    }
}
