using FaceStudio.Core.Denoising;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;
using FaceStudio.Core.Style;
using FaceStudio.Core.Text;

namespace FaceStudio.Core.Pipeline;

/// <summary>The models a pipeline runs. Required: text encoder, denoiser, decoder; the rest enable features.</summary>
public sealed record PipelineComponents
{
    /// <summary>Prompt to token embeddings.</summary>
    public required ITextEncoder TextEncoder { get; init; }

    /// <summary>The UNet.</summary>
    public required IDenoiser Denoiser { get; init; }

    /// <summary>VAE decoder.</summary>
    public required ILatentDecoder LatentDecoder { get; init; }

    /// <summary>VAE encoder; needed for init images (img2img).</summary>
    public ILatentEncoder? LatentEncoder { get; init; }

    /// <summary>Photos to identity embeddings; needed for identities given as photos.</summary>
    public IIdentityEncoder? IdentityEncoder { get; init; }

    /// <summary>Face detector; needed for automatic regions (faces found in the style image).</summary>
    public IFaceDetector? FaceDetector { get; init; }

    /// <summary>CLIP image encoder for the style image (hybrid guidance).</summary>
    public IStyleEncoder? StyleEncoder { get; init; }

    /// <summary>Embeddings to guidance tokens; needed for any identity.</summary>
    public IGuidanceProjector? GuidanceProjector { get; init; }

    /// <summary>The training noise schedule every scheduler is built on (the model's scheduler config).</summary>
    public SchedulerConfig SchedulerConfig { get; init; } = SchedulerConfig.StableDiffusion15;

    /// <summary>
    /// The model's diffusers scheduler config, when it has one: each request's scheduler then gets the settings
    /// <see cref="DiffusersScheduler.ConfigFor"/> gives its name (the file's keys over that scheduler class's defaults,
    /// as diffusers' <c>from_config</c>) instead of <see cref="SchedulerConfig"/>.
    /// </summary>
    public DiffusersScheduler? DiffusersScheduler { get; init; }

    /// <summary>Creates each image's scheduler from the request's name (default: <see cref="SchedulerCatalog"/>).</summary>
    public ISchedulerFactory SchedulerFactory { get; init; } = CatalogSchedulerFactory.Instance;

    /// <summary>Creates each image's noise source from the request's name and seed (default: <see cref="NoiseSources"/>).</summary>
    public INoiseSourceFactory NoiseSourceFactory { get; init; } = NamedNoiseSourceFactory.Instance;

    /// <summary>
    /// The settings the scheduler <paramref name="name"/> is built with: <see cref="DiffusersScheduler"/>'s for catalog
    /// names, else <see cref="SchedulerConfig"/> (names an injected <see cref="SchedulerFactory"/> knows).
    /// </summary>
    internal SchedulerConfig SchedulerConfigFor(string? name)
        => DiffusersScheduler is { } diffusers && name is not null && SchedulerCatalog.Names.Contains(name.Trim().ToLowerInvariant())
            ? diffusers.ConfigFor(name)
            : SchedulerConfig;
}
