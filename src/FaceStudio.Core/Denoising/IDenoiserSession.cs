namespace FaceStudio.Core.Denoising;

/// <summary>One generation's bound state (device buffers, bindings). Not thread-safe; dispose when done.</summary>
public interface IDenoiserSession : IDisposable
{
    /// <summary>Predicts the model output (ε, v or x₀ as the model was trained) for <paramref name="sample"/> at <paramref name="timestep"/>.</summary>
    /// <param name="sample">Scaled model input, [B, C, h, w] row-major.</param>
    /// <param name="timestep">The scheduler's timestep (e.g. 981).</param>
    /// <param name="prediction">Receives the output, same shape as <paramref name="sample"/>.</param>
    /// <param name="cancellationToken">Cancels the running step (the backend terminates its run).</param>
    void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken);
}
