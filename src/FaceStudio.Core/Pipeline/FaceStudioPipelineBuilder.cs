using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;
using FaceStudio.Core.Style;
using FaceStudio.Core.Text;
using Microsoft.Extensions.Logging;

namespace FaceStudio.Core.Pipeline;

/// <summary>
/// Composes a <see cref="FaceStudioPipeline"/> fluently. Model-pack extensions (e.g. <c>UseModelPack</c> in
/// FaceStudio.Onnx) fill in components that are still unset, so any component can be replaced by the caller's own
/// implementation before or after.
/// </summary>
public sealed class FaceStudioPipelineBuilder
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>The text encoder, if set.</summary>
    public ITextEncoder? TextEncoder { get; private set; }

    /// <summary>The denoiser, if set.</summary>
    public IDenoiser? Denoiser { get; private set; }

    /// <summary>The VAE decoder, if set.</summary>
    public ILatentDecoder? LatentDecoder { get; private set; }

    /// <summary>The VAE encoder, if set.</summary>
    public ILatentEncoder? LatentEncoder { get; private set; }

    /// <summary>The identity encoder, if set.</summary>
    public IIdentityEncoder? IdentityEncoder { get; private set; }

    /// <summary>The face detector, if set.</summary>
    public IFaceDetector? FaceDetector { get; private set; }

    /// <summary>The style image encoder, if set.</summary>
    public IStyleEncoder? StyleEncoder { get; private set; }

    /// <summary>The guidance projector, if set.</summary>
    public IGuidanceProjector? GuidanceProjector { get; private set; }

    /// <summary>The training noise schedule (defaults to Stable Diffusion 1.5's).</summary>
    public SchedulerConfig SchedulerConfig { get; private set; } = SchedulerConfig.StableDiffusion15;

    /// <summary>Creates each image's scheduler (defaults to <see cref="CatalogSchedulerFactory"/>).</summary>
    public ISchedulerFactory SchedulerFactory { get; private set; } = CatalogSchedulerFactory.Instance;

    /// <summary>Creates each image's noise source (defaults to <see cref="NamedNoiseSourceFactory"/>).</summary>
    public INoiseSourceFactory NoiseSourceFactory { get; private set; } = NamedNoiseSourceFactory.Instance;

    /// <summary>Pipeline-wide settings.</summary>
    public FaceStudioPipelineOptions Options { get; private set; } = new();

    /// <summary>Sets the text encoder.</summary>
    public FaceStudioPipelineBuilder UseTextEncoder(ITextEncoder textEncoder) { TextEncoder = textEncoder ?? throw new ArgumentNullException(nameof(textEncoder)); return this; }

    /// <summary>Sets the denoiser.</summary>
    public FaceStudioPipelineBuilder UseDenoiser(IDenoiser denoiser) { Denoiser = denoiser ?? throw new ArgumentNullException(nameof(denoiser)); return this; }

    /// <summary>Sets the VAE decoder.</summary>
    public FaceStudioPipelineBuilder UseLatentDecoder(ILatentDecoder decoder) { LatentDecoder = decoder ?? throw new ArgumentNullException(nameof(decoder)); return this; }

    /// <summary>Sets the VAE encoder (img2img).</summary>
    public FaceStudioPipelineBuilder UseLatentEncoder(ILatentEncoder encoder) { LatentEncoder = encoder ?? throw new ArgumentNullException(nameof(encoder)); return this; }

    /// <summary>Sets the identity encoder (photos to embeddings).</summary>
    public FaceStudioPipelineBuilder UseIdentityEncoder(IIdentityEncoder encoder) { IdentityEncoder = encoder ?? throw new ArgumentNullException(nameof(encoder)); return this; }

    /// <summary>Sets the face detector (automatic regions).</summary>
    public FaceStudioPipelineBuilder UseFaceDetector(IFaceDetector detector) { FaceDetector = detector ?? throw new ArgumentNullException(nameof(detector)); return this; }

    /// <summary>Sets the style image encoder (CLIP vision).</summary>
    public FaceStudioPipelineBuilder UseStyleEncoder(IStyleEncoder encoder) { StyleEncoder = encoder ?? throw new ArgumentNullException(nameof(encoder)); return this; }

    /// <summary>Sets the guidance projector.</summary>
    public FaceStudioPipelineBuilder UseGuidanceProjector(IGuidanceProjector projector) { GuidanceProjector = projector ?? throw new ArgumentNullException(nameof(projector)); return this; }

    /// <summary>The model's diffusers scheduler config, if set with <see cref="UseSchedulerConfig(Scheduling.DiffusersScheduler)"/>.</summary>
    public DiffusersScheduler? DiffusersScheduler { get; private set; }

    /// <summary>Sets the training noise schedule every scheduler is built on, as given (no per-class defaults).</summary>
    public FaceStudioPipelineBuilder UseSchedulerConfig(SchedulerConfig config)
    {
        SchedulerConfig = config ?? throw new ArgumentNullException(nameof(config));
        DiffusersScheduler = null;
        return this;
    }

    /// <summary>
    /// Sets the model's diffusers scheduler config (e.g. a pack's <c>scheduler/scheduler_config.json</c>): each request's
    /// scheduler gets what diffusers' <c>{Class}.from_config</c> would give it (<see cref="DiffusersScheduler.ConfigFor"/>),
    /// so a DDIM request on an Euler config keeps DDIM's own defaults for the keys the file leaves out.
    /// </summary>
    public FaceStudioPipelineBuilder UseSchedulerConfig(DiffusersScheduler config)
    {
        DiffusersScheduler = config ?? throw new ArgumentNullException(nameof(config));
        SchedulerConfig = config.Config;
        return this;
    }

    /// <summary>Sets the factory that creates each image's scheduler from the request's scheduler name.</summary>
    public FaceStudioPipelineBuilder UseSchedulerFactory(ISchedulerFactory factory) { SchedulerFactory = factory ?? throw new ArgumentNullException(nameof(factory)); return this; }

    /// <summary>Sets the factory that creates each image's noise source from the request's noise name and seed.</summary>
    public FaceStudioPipelineBuilder UseNoiseSourceFactory(INoiseSourceFactory factory) { NoiseSourceFactory = factory ?? throw new ArgumentNullException(nameof(factory)); return this; }

    /// <summary>Replaces the pipeline-wide settings.</summary>
    public FaceStudioPipelineBuilder UseOptions(FaceStudioPipelineOptions options) { Options = options ?? throw new ArgumentNullException(nameof(options)); return this; }

    /// <summary>Changes the pipeline-wide settings.</summary>
    public FaceStudioPipelineBuilder ConfigureOptions(Func<FaceStudioPipelineOptions, FaceStudioPipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Options = configure(Options) ?? throw new ArgumentException("The options delegate returned null.", nameof(configure));
        return this;
    }

    /// <summary>Logging for the pipeline and its parts.</summary>
    public ILoggerFactory? LoggerFactory { get; private set; }

    /// <summary>Sets the logger factory.</summary>
    public FaceStudioPipelineBuilder UseLoggerFactory(ILoggerFactory loggerFactory) { LoggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory)); return this; }

    /// <summary>Traces and metrics (DI passes one built from <c>IMeterFactory</c>).</summary>
    public FaceStudioTelemetry? Telemetry { get; private set; }

    /// <summary>Sets the telemetry instance (not disposed by the pipeline).</summary>
    public FaceStudioPipelineBuilder UseTelemetry(FaceStudioTelemetry telemetry) { Telemetry = telemetry ?? throw new ArgumentNullException(nameof(telemetry)); return this; }

    /// <summary>Hands a resource (e.g. a model session) to the pipeline, which disposes it with itself.</summary>
    public FaceStudioPipelineBuilder OwnResource(IDisposable resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _owned.Add(resource);
        return this;
    }

    /// <summary>Builds the pipeline.</summary>
    /// <exception cref="FaceStudioValidationException">A required component is missing (all missing ones are named) or an option is invalid.</exception>
    public FaceStudioPipeline Build()
    {
        var missing = new List<string>();
        if (TextEncoder is null) { missing.Add("text encoder (UseTextEncoder)"); }
        if (Denoiser is null) { missing.Add("denoiser (UseDenoiser)"); }
        if (LatentDecoder is null) { missing.Add("VAE decoder (UseLatentDecoder)"); }
        if (missing.Count > 0)
        {
            throw new FaceStudioValidationException("Components", $"A pipeline needs a text encoder, a denoiser and a VAE decoder; missing: {string.Join(", ", missing)}. Call UseModelPack(...) or set them.");
        }

        var components = new PipelineComponents
        {
            TextEncoder = TextEncoder!,
            Denoiser = Denoiser!,
            LatentDecoder = LatentDecoder!,
            LatentEncoder = LatentEncoder,
            IdentityEncoder = IdentityEncoder,
            FaceDetector = FaceDetector,
            StyleEncoder = StyleEncoder,
            GuidanceProjector = GuidanceProjector,
            SchedulerConfig = SchedulerConfig,
            DiffusersScheduler = DiffusersScheduler,
            SchedulerFactory = SchedulerFactory,
            NoiseSourceFactory = NoiseSourceFactory,
        };
        return new FaceStudioPipeline(components, Options, LoggerFactory, Telemetry, [.. _owned]);
    }
}
