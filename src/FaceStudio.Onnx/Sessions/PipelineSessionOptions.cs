using FaceStudio.Core.Errors;
using FaceStudio.Core.Latents;

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

    /// <summary>
    /// Whether the CLIP text encoder stays loaded between requests (default <see cref="ComponentResidency.Keep"/>:
    /// a service pays no load per request). <see cref="ComponentResidency.ReleaseAfterUse"/> frees its weights and
    /// arena once the prompt is encoded, before the UNet runs, and loads it again for the next request.
    /// </summary>
    public ComponentResidency TextEncoderResidency { get; init; } = ComponentResidency.Keep;

    /// <summary>
    /// Whether the CLIP vision (style) encoder stays loaded between requests (default
    /// <see cref="ComponentResidency.Keep"/>); <see cref="ComponentResidency.ReleaseAfterUse"/> frees it after each
    /// style encoding and loads it again for the next request that has a style image.
    /// </summary>
    public ComponentResidency ImageEncoderResidency { get; init; } = ComponentResidency.Keep;

    /// <summary>
    /// Low-memory mode (default <c>false</c>): the text encoder, CLIP vision encoder, UNet and VAE decoder are each
    /// loaded when a request reaches them and released when it is done with them, so only one of them is resident at
    /// a time (text encoder → release → UNet loop → release → VAE decoder → release), and the VAE decodes in tiles
    /// (<see cref="VaeTiling"/>, or diffusers' default tiling when that is null). Every request pays the loads; the
    /// images equal normal mode's except for the tiled decode, which equals diffusers' tiled decode.
    /// </summary>
    public bool LowMemory { get; init; }

    /// <summary>
    /// Decode in overlapping tiles as diffusers' <c>enable_tiling()</c> does (null: whole images, unless
    /// <see cref="LowMemory"/>, which then uses <see cref="Core.Latents.VaeTiling"/>'s defaults).
    /// </summary>
    public VaeTiling? VaeTiling { get; init; }

    /// <summary>The residency <paramref name="component"/> gets: its setting, or release-after-use in low-memory mode.</summary>
    public ComponentResidency ResidencyOf(ModelComponent component) => LowMemory ? ComponentResidency.ReleaseAfterUse : component switch
    {
        ModelComponent.TextEncoder => TextEncoderResidency,
        ModelComponent.ImageEncoder => ImageEncoderResidency,
        _ => ComponentResidency.Keep,
    };

    /// <summary>The tiling the VAE decoder gets: <see cref="VaeTiling"/>, diffusers' defaults in low-memory mode, else none.</summary>
    public VaeTiling? EffectiveVaeTiling => VaeTiling ?? (LowMemory ? new VaeTiling() : null);

    /// <summary>The options for <paramref name="component"/>.</summary>
    public OnnxSessionOptions For(ModelComponent component) =>
        Overrides.TryGetValue(component, out OnnxSessionOptions? options) ? options : Default;

    /// <summary>Validates the default and every override.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Default);
        Default.Validate();
        if (!Enum.IsDefined(TextEncoderResidency))
        {
            throw new FaceStudioValidationException(nameof(TextEncoderResidency), $"TextEncoderResidency must be one of {string.Join(", ", Enum.GetNames<ComponentResidency>())}; got {(int)TextEncoderResidency}.");
        }

        if (!Enum.IsDefined(ImageEncoderResidency))
        {
            throw new FaceStudioValidationException(nameof(ImageEncoderResidency), $"ImageEncoderResidency must be one of {string.Join(", ", Enum.GetNames<ComponentResidency>())}; got {(int)ImageEncoderResidency}.");
        }

        VaeTiling?.Validate();
        foreach (OnnxSessionOptions options in Overrides.Values)
        {
            options.Validate();
        }
    }
}
