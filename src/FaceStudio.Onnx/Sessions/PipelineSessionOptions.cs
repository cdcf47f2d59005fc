namespace FaceStudio.Onnx.Sessions;

/// <summary>Session options for every component: one default and per-component overrides.</summary>
public sealed record PipelineSessionOptions
{
    /// <summary>Used by components without an override.</summary>
    public OnnxSessionOptions Default { get; init; } = OnnxSessionOptions.Default;

    /// <summary>Per-component overrides (e.g. the denoiser on CUDA with graphs, the rest on CPU).</summary>
    public IReadOnlyDictionary<ModelComponent, OnnxSessionOptions> Overrides { get; init; } = new Dictionary<ModelComponent, OnnxSessionOptions>();

    /// <summary>
    /// Load the VAE encoder on the first request that needs it (img2img) instead of with the pipeline (default
    /// <c>true</c>): text-to-image never holds its weights and arena. The first img2img request pays its load time;
    /// loading is thread-safe (one load however many requests arrive at once).
    /// </summary>
    public bool LoadVaeEncoderOnFirstUse { get; init; } = true;

    /// <summary>The options for <paramref name="component"/>.</summary>
    public OnnxSessionOptions For(ModelComponent component) =>
        Overrides.TryGetValue(component, out OnnxSessionOptions? options) ? options : Default;

    /// <summary>Validates the default and every override.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Default);
        Default.Validate();
        foreach (OnnxSessionOptions options in Overrides.Values)
        {
            options.Validate();
        }
    }
}
