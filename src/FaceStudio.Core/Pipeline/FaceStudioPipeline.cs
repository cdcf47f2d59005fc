using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;
using FaceStudio.Core.Style;
using FaceStudio.Core.Tensors;
using FaceStudio.Core.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceStudio.Core.Pipeline;

/// <summary>
/// Text, identity and style to images: encodes the prompt, the people and the style image, composes hybrid guidance
/// and identity regions, runs the denoise loop with the chosen scheduler and decodes the latents.
/// </summary>
/// <remarks>
/// Thread-safe: concurrent requests run independently (up to <see cref="FaceStudioPipelineOptions.MaxConcurrentRequests"/>
/// at once) and give the same images as the same requests run one after another. Every request is validated
/// completely before any model runs. Build one with <see cref="FaceStudioPipelineBuilder"/>.
/// </remarks>
public sealed class FaceStudioPipeline : IDisposable
{
    private readonly PipelineComponents _components;
    private readonly FaceStudioPipelineOptions _options;
    private readonly ILogger<FaceStudioPipeline> _logger;
    private readonly FaceStudioTelemetry _telemetry;
    private readonly bool _ownsTelemetry;
    private readonly SemaphoreSlim _gate;
    private readonly GuidanceComposer? _composer;
    private readonly IReadOnlyList<IDisposable> _owned;
    private readonly DisposeGate _life = new();
    private int _disposed;

    /// <summary>Creates a pipeline over <paramref name="components"/>. Prefer <see cref="FaceStudioPipelineBuilder"/>.</summary>
    /// <param name="components">The models.</param>
    /// <param name="options">Pipeline-wide settings (validated here).</param>
    /// <param name="loggerFactory">Logging; null logs nothing.</param>
    /// <param name="telemetry">Traces and metrics; null creates an owned instance.</param>
    /// <param name="ownedResources">Disposed with the pipeline (e.g. model sessions the builder created).</param>
    public FaceStudioPipeline(PipelineComponents components, FaceStudioPipelineOptions? options = null, ILoggerFactory? loggerFactory = null, FaceStudioTelemetry? telemetry = null, IReadOnlyList<IDisposable>? ownedResources = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(components.TextEncoder, nameof(components.TextEncoder));
        ArgumentNullException.ThrowIfNull(components.Denoiser, nameof(components.Denoiser));
        ArgumentNullException.ThrowIfNull(components.LatentDecoder, nameof(components.LatentDecoder));
        _options = options ?? new FaceStudioPipelineOptions();
        _options.Validate();
        _components = components;
        RegionMasks = ResolveRegionMasks(_options.RegionMasks, components.Denoiser.Capabilities);
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<FaceStudioPipeline>();
        _ownsTelemetry = telemetry is null;
        _telemetry = telemetry ?? new FaceStudioTelemetry();
        _gate = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
        _owned = ownedResources ?? [];
        if (components.GuidanceProjector is not null)
        {
            _composer = new GuidanceComposer(components.GuidanceProjector, loggerFactory.CreateLogger<GuidanceComposer>());
        }
    }

    /// <summary>The models this pipeline runs.</summary>
    public PipelineComponents Components => _components;

    /// <summary>The pipeline-wide settings.</summary>
    public FaceStudioPipelineOptions Options => _options;

    /// <summary>
    /// The region mask settings in effect: <see cref="FaceStudioPipelineOptions.RegionMasks"/> with
    /// <see cref="RegionMaskOptions.Downsample"/> resolved (the option when set, else the rule the denoiser declares,
    /// else <see cref="RegionMaskDownsample.Area"/>).
    /// </summary>
    public RegionMaskOptions RegionMasks { get; }

    /// <summary>Generates the images of <paramref name="request"/>.</summary>
    /// <param name="request">What to generate; validated before any model runs.</param>
    /// <param name="progress">Receives stage and step reports, in order.</param>
    /// <param name="cancellationToken">Cancels the request, also inside a running denoiser step. Nothing partial is returned.</param>
    /// <exception cref="FaceStudioValidationException">The request is invalid (raised before any model runs).</exception>
    /// <exception cref="FaceStudioException">A model failed or produced non-finite values.</exception>
    /// <exception cref="OperationCanceledException">The request was cancelled.</exception>
    public Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
        => RunAsync(request, progress, onStep: null, cancellationToken);

    /// <summary>
    /// Generates the images of <paramref name="request"/> as a stream of step events (with optional latent previews),
    /// ending with a <see cref="CompletedEvent"/>.
    /// </summary>
    /// <param name="request">What to generate; validated before any model runs.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async IAsyncEnumerable<GenerationEvent> GenerateStreamingAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channel = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<GenerationResult> run = RunAsync(request, progress: null, onStep: e => channel.Writer.TryWrite(e), linked.Token);
        _ = run.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    channel.Writer.TryWrite(new CompletedEvent(t.Result));
                }

                channel.Writer.TryComplete(t.Exception?.InnerException);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        try
        {
            await foreach (GenerationEvent e in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return e;
            }

            await run.ConfigureAwait(false);
        }
        finally
        {
            if (!run.IsCompleted)
            {
                // The consumer stopped early: stop the generation and wait so no native work outlives the stream.
                await linked.CancelAsync().ConfigureAwait(false);
                try
                {
                    await run.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>
    /// Checks <paramref name="request"/> against the pipeline's models without running any of them.
    /// </summary>
    /// <exception cref="FaceStudioValidationException">The first problem found, naming the field and its valid range.</exception>
    public void Validate(GenerationRequest request) => _ = Prepare(request);

    /// <inheritdoc />
    /// <remarks>
    /// Safe while requests are in flight: running requests are cancelled (they end with
    /// <see cref="ObjectDisposedException"/>), queued ones fail with <see cref="ObjectDisposedException"/>, and this
    /// call waits until every request has left the models before it frees them. Do not call it from a progress
    /// callback of this pipeline's own request (it would wait for itself).
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _life.Close();
        _life.WaitIdle();
        _gate.Dispose();
        if (_ownsTelemetry)
        {
            _telemetry.Dispose();
        }

        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }

        _life.Dispose();
    }

    private async Task<GenerationResult> RunAsync(GenerationRequest request, IProgress<GenerationProgress>? progress, Action<StepEvent>? onStep, CancellationToken cancellationToken)
    {
        _life.Enter(this);
        try
        {
            PreparedRequest prepared = Prepare(request);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _life.Closing);
            try
            {
                await _gate.WaitAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    return await RunPreparedAsync(prepared, progress, onStep, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (OperationCanceledException ex) when (_life.Closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ObjectDisposedException($"The {nameof(FaceStudioPipeline)} was disposed before the request completed.", ex);
            }
        }
        finally
        {
            _life.Exit();
        }
    }

    private async Task<GenerationResult> RunPreparedAsync(PreparedRequest p, IProgress<GenerationProgress>? progress, Action<StepEvent>? onStep, CancellationToken ct)
    {
        GenerationRequest request = p.Request;
        using Activity? activity = _telemetry.ActivitySource.StartActivity("facestudio.generate");
        activity?.SetTag("facestudio.scheduler", request.Scheduler);
        activity?.SetTag("facestudio.steps", request.Steps);
        activity?.SetTag("facestudio.identities", request.Identities.Count);
        var total = Stopwatch.StartNew();
        var stage = Stopwatch.StartNew();

        // 1. Text: negative (unconditional) and prompt in one batched run.
        progress?.Report(new GenerationProgress(GenerationStage.EncodingText, 0, 0, p.ModelCalls));
        var text = await _components.TextEncoder.EncodeAsync([request.NegativePrompt ?? string.Empty, request.Prompt], ct).ConfigureAwait(false);
        (FloatTensor uncondTokens, FloatTensor promptTokens) = SplitRows(text.HiddenStates);
        TimeSpan textTime = Lap(stage, GenerationStage.EncodingText);

        // 2. Identities and style.
        progress?.Report(new GenerationProgress(GenerationStage.EncodingIdentities, 0, 0, p.ModelCalls));
        var embeddings = new IdentityEmbedding[request.Identities.Count];
        for (int i = 0; i < embeddings.Length; i++)
        {
            IdentityInput input = request.Identities[i];
            embeddings[i] = input.Embedding ?? await _components.IdentityEncoder!.EncodeAsync(input.Photos, input.Selection, ct).ConfigureAwait(false);
        }

        ReadOnlyMemory<float> styleEmbedding = default;
        if (request.Style is not null && p.UsesStyleGuidance)
        {
            StyleEncoding style = await _components.StyleEncoder!.EncodeAsync([request.Style.Image], ct).ConfigureAwait(false);
            styleEmbedding = style.ImageEmbeds.Buffer.AsMemory(0, _components.StyleEncoder.EmbeddingSize);
        }

        RegionMaskSet? regions = await BuildRegionsAsync(p, ct).ConfigureAwait(false);
        TimeSpan identityTime = Lap(stage, GenerationStage.EncodingIdentities);

        // 3. Conditioning: guidance plan and denoiser sessions bound once for all images.
        progress?.Report(new GenerationProgress(GenerationStage.Conditioning, 0, 0, p.ModelCalls));
        GuidancePlan plan;
        if (embeddings.Length == 0)
        {
            plan = TextGuidancePlan.Create(_components.Denoiser.Capabilities, promptTokens, uncondTokens, p.Guidance, p.LatentHeight, p.LatentWidth);
        }
        else
        {
            var identities = new IdentityGuidance[embeddings.Length];
            for (int i = 0; i < identities.Length; i++)
            {
                identities[i] = IdentityGuidance.Single(embeddings[i].ToArray(), request.Identities[i].Scale);
            }

            var guidanceRequest = new GuidanceRequest(promptTokens, uncondTokens, identities) { StyleEmbedding = styleEmbedding };
            plan = await _composer!.PlanAsync(guidanceRequest, p.Guidance, regions, _components.Denoiser.Capabilities, p.LatentHeight, p.LatentWidth, ct).ConfigureAwait(false);
        }

        int channels = _components.Denoiser.Capabilities.LatentChannels;
        FloatTensor? initLatents = null;
        if (request.Style is { UseAsInitImage: true } init)
        {
            RgbImage resized = ImageResize.Resize(init.Image, request.Width, request.Height, ResizeFilter.Bicubic);
            FloatTensor pixels = ImageTensors.ToChw(resized, ChannelNormalization.MinusOneToOne);
            initLatents = await _components.LatentEncoder!.EncodeAsync(pixels, ct).ConfigureAwait(false);
        }

        TimeSpan conditioningTime;
        TimeSpan denoiseTime;
        var latents = new FloatTensor[request.BatchCount];
        using (GuidedDenoiser guided = GuidedDenoiser.Create(_components.Denoiser, plan, channels))
        {
            conditioningTime = Lap(stage, GenerationStage.Conditioning);

            // 4. Denoise each image. The loop is seconds to minutes of synchronous native work, so it runs on a dedicated
            // thread: holding a thread-pool thread that long starves small machines, where the stream's consumer, the
            // progress callbacks and other requests would then wait for the pool to grow.
            for (int b = 0; b < request.BatchCount; b++)
            {
                int imageIndex = b;
                latents[b] = await Task.Factory.StartNew(() => new DenoiseLoop(_components.SchedulerConfigFor(p.Request.Scheduler), _components.SchedulerFactory, _components.NoiseSourceFactory, _telemetry).Run(p.Request, p.Seed, p.Strength, p.LatentHeight, p.LatentWidth, guided, channels, initLatents, imageIndex, progress, onStep, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }

            denoiseTime = Lap(stage, GenerationStage.Denoising);
        }

        // 5. Decode.
        progress?.Report(new GenerationProgress(GenerationStage.Decoding, request.BatchCount - 1, p.ModelCalls, p.ModelCalls));
        var images = new GeneratedImage[request.BatchCount];
        for (int b = 0; b < request.BatchCount; b++)
        {
            FloatTensor decoded = await _components.LatentDecoder.DecodeAsync(latents[b], ct).ConfigureAwait(false);
            DenoiseLoop.EnsureFinite(decoded.Span, "VAE decoder output");
            images[b] = new GeneratedImage(ImageTensors.FromChw(decoded, ChannelNormalization.MinusOneToOne), p.Seed + b);
        }

        TimeSpan decodeTime = Lap(stage, GenerationStage.Decoding);
        total.Stop();
        double stepsPerSecond = denoiseTime > TimeSpan.Zero ? p.ModelCalls * request.BatchCount / denoiseTime.TotalSeconds : 0;
        _telemetry.StepsPerSecond.Record(stepsPerSecond);
        _telemetry.Images.Add(request.BatchCount);
        progress?.Report(new GenerationProgress(GenerationStage.Completed, request.BatchCount - 1, p.ModelCalls, p.ModelCalls));
        _logger.LogInformation("Generated {Count} image(s) {Width}x{Height}, {Steps} steps of {Scheduler} in {Seconds:F2} s ({StepsPerSecond:F2} steps/s)", request.BatchCount, request.Width, request.Height, p.ModelCalls, request.Scheduler, total.Elapsed.TotalSeconds, stepsPerSecond);

        var metadata = new GenerationMetadata
        {
            Seed = p.Seed,
            Noise = request.Noise,
            Scheduler = request.Scheduler,
            Steps = request.Steps,
            ModelCalls = p.ModelCalls,
            Width = request.Width,
            Height = request.Height,
            GuidanceScale = request.GuidanceScale,
            Alpha = request.Alpha,
            RegionMode = embeddings.Length == 0 ? null : plan.Mode,
            Regions = regions is null ? [] : RegionBounds(regions),
            Timings = new StageTimings
            {
                TextEncoding = textTime,
                IdentityEncoding = identityTime,
                Conditioning = conditioningTime,
                Denoising = denoiseTime,
                Decoding = decodeTime,
                Total = total.Elapsed,
                StepsPerSecond = stepsPerSecond,
            },
        };
        return new GenerationResult(images, metadata);
    }

    // An explicit rule must agree with the one the denoiser's graph applies to identity_masks; unset follows the graph.
    private static RegionMaskOptions ResolveRegionMasks(RegionMaskOptions options, DenoiserCapabilities capabilities)
    {
        RegionMaskDownsample? declared = capabilities.MaskDownsample;
        if (options.Downsample is { } chosen && declared is { } graph && chosen != graph)
        {
            throw new FaceStudioValidationException(
                "RegionMasks.Downsample",
                $"RegionMasks.Downsample is {chosen} but the denoiser downsamples identity_masks with the {graph} rule (declared by the model pack's options.maskDownsample); leave Downsample unset to follow the model, or set it to {graph}.");
        }

        return options with { Downsample = options.Downsample ?? declared ?? RegionMaskDownsample.Area };
    }

    private async Task<RegionMaskSet?> BuildRegionsAsync(PreparedRequest p, CancellationToken ct)
    {
        GenerationRequest request = p.Request;
        int n = request.Identities.Count;
        if (n == 0)
        {
            return null;
        }

        if (p.ExplicitRegions is not null)
        {
            return p.ExplicitRegions;
        }

        IReadOnlyList<IdentityRegion> regions;
        if (n == 1)
        {
            return RegionMaskBuilder.Full(1, request.Width, request.Height, RegionMasks);
        }
        else
        {
            // Automatic: the faces in the style image, each expanded to a person region, left to right.
            RgbImage style = request.Style!.Image;
            IReadOnlyList<DetectedFace> faces = await _components.FaceDetector!.DetectAsync(style, ct).ConfigureAwait(false);
            regions = AutomaticRegions.FromFaces(faces, style.Width, style.Height, n, request.Width, request.Height, _options.AutomaticRegions);
        }

        return RegionMaskBuilder.Build(regions, n, request.Width, request.Height, RegionMasks);
    }

    /// <summary>Validates <paramref name="request"/> completely, in named stages, before any model runs.</summary>
    private PreparedRequest Prepare(GenerationRequest request)
    {
        CheckShape(request);
        float strength = CheckInitImage(request);
        int modelCalls = ResolveSampling(request, strength);
        GuidanceOptions guidance = ResolveGuidance(request);
        int factor = CheckModelContracts(request);
        int withRegion = CheckIdentities(request, guidance);
        bool usesStyle = CheckStyleGuidance(request, guidance);
        RegionMaskSet? explicitRegions = BuildExplicitRegions(request, withRegion, factor);
        long seed = request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        return new PreparedRequest(request, seed, strength, modelCalls, request.Height / factor, request.Width / factor, guidance, usesStyle, explicitRegions);
    }

    /// <summary>Stage 1: prompt, size, batch count and the seed range.</summary>
    private static void CheckShape(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Prompt is null)
        {
            throw new FaceStudioValidationException(nameof(request.Prompt), "A prompt is required (it may be empty) but was null.");
        }

        CheckSize(nameof(request.Width), request.Width);
        CheckSize(nameof(request.Height), request.Height);
        if (request.BatchCount is < 1 or > GenerationRequest.MaxBatchCount)
        {
            throw Invalid(nameof(request.BatchCount), $"BatchCount must be in [1, {GenerationRequest.MaxBatchCount}] but is {request.BatchCount}.");
        }

        if (request.Seed is long given && given > long.MaxValue - (request.BatchCount - 1))
        {
            // Image b uses seed + b: past long.MaxValue it would wrap to long.MinValue.
            throw Invalid(nameof(request.Seed), Inv($"Seed must be at most {long.MaxValue - (request.BatchCount - 1)} for {request.BatchCount} images (image b uses seed + b) but is {given}."));
        }
    }

    /// <summary>Stage 2: the style image and, for img2img, its strength and the VAE encoder; returns the strength (1 without img2img).</summary>
    private float CheckInitImage(GenerationRequest request)
    {
        if (request.Style is not { } style)
        {
            return 1f;
        }

        ArgumentNullException.ThrowIfNull(style.Image, nameof(request.Style));
        if (!style.UseAsInitImage)
        {
            return 1f;
        }

        if (!(style.Strength > 0f && style.Strength <= 1f))
        {
            throw Invalid("Style.Strength", $"Style.Strength (img2img) must be in (0, 1] but is {style.Strength}.");
        }

        if (_components.LatentEncoder is null)
        {
            throw Invalid("Style.UseAsInitImage", "Using the style image as init image needs a VAE encoder, but the pipeline has none (model pack without vae_encoder/).");
        }

        return style.Strength;
    }

    /// <summary>Stage 3: noise source, scheduler name, steps and strength (the factories name the valid values); returns the model calls per image.</summary>
    private int ResolveSampling(GenerationRequest request, float strength)
    {
        if (request.Noise is null)
        {
            throw Invalid(nameof(request.Noise), "Noise must name a noise source (for example torch-cpu) but was null.");
        }

        INoiseSource probeNoise = _components.NoiseSourceFactory.Create(request.Noise, 0);
        IScheduler probe = _components.SchedulerFactory.Create(request.Scheduler, _components.SchedulerConfigFor(request.Scheduler), probeNoise);
        probe.SetTimesteps(request.Steps, strength);
        return probe.Timesteps.Length;
    }

    /// <summary>Stage 4: the guidance settings.</summary>
    private GuidanceOptions ResolveGuidance(GenerationRequest request)
    {
        var guidance = new GuidanceOptions
        {
            Flavor = request.Flavor ?? _options.DefaultFlavor,
            Alpha = request.Alpha,
            GuidanceScale = request.GuidanceScale,
            IdentityGuidanceScale = request.IdentityGuidanceScale,
        };
        guidance.Validate();
        return guidance;
    }

    /// <summary>Stage 5: the models fit each other and the size (latent channels, VAE factor, context width and length); returns the VAE factor.</summary>
    private int CheckModelContracts(GenerationRequest request)
    {
        DenoiserCapabilities caps = _components.Denoiser.Capabilities;
        int factor = _components.LatentDecoder.DownscaleFactor;
        if (request.Width % factor != 0 || request.Height % factor != 0)
        {
            throw Invalid(nameof(request.Width), $"Width and height must be multiples of the VAE factor {factor} but are {request.Width}x{request.Height}.");
        }

        if (_components.LatentDecoder.LatentChannels != caps.LatentChannels)
        {
            throw new ModelContractException(Inv($"The denoiser works on {caps.LatentChannels} latent channels but the VAE decoder on {_components.LatentDecoder.LatentChannels}."));
        }

        if (request.Style is { UseAsInitImage: true })
        {
            // img2img: the encoded init image is noised into the denoiser's latents, so the encoder must match them.
            ILatentEncoder encoder = _components.LatentEncoder!;
            if (encoder.LatentChannels != caps.LatentChannels || encoder.DownscaleFactor != factor)
            {
                throw new ModelContractException(Inv($"The VAE encoder makes {encoder.LatentChannels} latent channels at factor {encoder.DownscaleFactor} but the denoiser works on {caps.LatentChannels} channels and the VAE decoder at factor {factor}."));
            }
        }

        // The text tokens feed the denoiser's context on every path, so their width and count are checked now,
        // before the text encoder runs (the identity path adds its own token checks later).
        ITextEncoder textEncoder = _components.TextEncoder;
        if (textEncoder.HiddenSize != caps.ContextDim)
        {
            throw new ModelContractException(Inv($"The denoiser's context is {caps.ContextDim} wide but the text encoder's tokens are {textEncoder.HiddenSize} wide."));
        }

        if (caps.MaxContextTokens is int maxContext && maxContext < textEncoder.MaxTokens)
        {
            throw new ModelContractException(Inv($"The denoiser accepts at most {maxContext} context tokens but the text encoder makes up to {textEncoder.MaxTokens}."));
        }

        return factor;
    }

    /// <summary>Stage 6: identity inputs, the components they need, region counts and projector widths; returns how many identities have a region.</summary>
    private int CheckIdentities(GenerationRequest request, GuidanceOptions guidance)
    {
        IReadOnlyList<IdentityInput> ids = request.Identities ?? throw Invalid(nameof(request.Identities), "Identities must not be null (use an empty list).");
        for (int i = 0; i < ids.Count; i++)
        {
            IdentityInput id = ids[i] ?? throw Invalid(nameof(request.Identities), Inv($"Identities[{i}] is null."));
            bool hasPhotos = id.Photos is { Count: > 0 };
            if (!hasPhotos && id.Embedding is null)
            {
                throw Invalid(Inv($"Identities[{i}]"), Inv($"Identities[{i}] needs reference photos or an embedding but has neither."));
            }

            if (id.Embedding is null && _components.IdentityEncoder is null)
            {
                throw Invalid(Inv($"Identities[{i}]"), "Identities given as photos need an identity encoder (face detector + embedder), but the pipeline has none.");
            }

            if (!(id.Scale >= 0f && id.Scale <= IdentityGuidance.MaxScale))
            {
                throw Invalid(Inv($"Identities[{i}].Scale"), Inv($"Identities[{i}].Scale must be in [0, {IdentityGuidance.MaxScale}] but is {id.Scale}."));
            }
        }

        if (ids.Count > 0 && _composer is null)
        {
            throw Invalid(nameof(request.Identities), "Identities need a guidance projector, but the pipeline has none (the model pack has no projector).");
        }

        int withRegion = ids.Count(i => i.Region is not null);
        if (withRegion != 0 && withRegion != ids.Count)
        {
            throw Invalid("Regions", Inv($"The number of regions must match the number of identities: {ids.Count} identities but {withRegion} regions. Give every identity a region, or none."));
        }

        if (ids.Count > 1 && withRegion == 0 && (request.Style is null || _components.FaceDetector is null))
        {
            throw Invalid("Regions", Inv($"The number of regions must match the number of identities: {ids.Count} identities but no regions, and automatic regions need a style image and a face detector. Give each identity a box or mask."));
        }

        if (_composer is not null && ids.Count > 0)
        {
            // What the projector can take is known now; the composer would find out only after the encoders ran.
            IGuidanceProjector projector = _composer.Projector;
            if (guidance.Flavor == GuidanceFlavor.FaceStudioHybrid && projector.ImageEmbeddingDim == 0)
            {
                throw Invalid("Flavor", "The FaceStudio hybrid flavour needs a projector that takes image_embeds (E > 0) but this projector takes face_embeds only; use the IpAdapterFaceId flavour.");
            }

            for (int i = 0; i < ids.Count; i++)
            {
                if (ids[i].Embedding is { } embedding && embedding.Dimension != projector.FaceEmbeddingDim)
                {
                    throw Invalid(Inv($"Identities[{i}].Embedding"), Inv($"Identities[{i}].Embedding must hold {projector.FaceEmbeddingDim} values (the projector's face embedding width) but holds {embedding.Dimension}."));
                }
            }
        }

        return withRegion;
    }

    /// <summary>Stage 7: whether the style image feeds hybrid guidance, and the style encoder it then needs.</summary>
    private bool CheckStyleGuidance(GenerationRequest request, GuidanceOptions guidance)
    {
        bool usesStyle = request.Style is not null && guidance.Flavor == GuidanceFlavor.FaceStudioHybrid && request.Identities.Count > 0;
        if (usesStyle && _components.StyleEncoder is null)
        {
            throw Invalid(nameof(request.Style), "A style image for hybrid guidance needs a CLIP image encoder, but the pipeline has none.");
        }

        if (usesStyle && _composer!.Projector.ImageEmbeddingDim is int imageDim and > 0 && _components.StyleEncoder!.EmbeddingSize != imageDim)
        {
            throw new ModelContractException(Inv($"The style encoder makes {_components.StyleEncoder.EmbeddingSize}-wide image embeddings but the guidance projector takes {imageDim}-wide image_embeds."));
        }

        return usesStyle;
    }

    /// <summary>Stage 8: explicit regions are built now (no model needed), so counts, sizes and token contracts fail before any model runs.</summary>
    private RegionMaskSet? BuildExplicitRegions(GenerationRequest request, int withRegion, int factor)
    {
        IReadOnlyList<IdentityInput> ids = request.Identities;
        if (_composer is null || ids.Count == 0)
        {
            return null;
        }

        int latentH = request.Height / factor, latentW = request.Width / factor;
        RegionMaskSet? explicitRegions = withRegion == ids.Count
            ? RegionMaskBuilder.Build([.. ids.Select(i => i.Region!)], ids.Count, request.Width, request.Height, RegionMasks)
            : null;
        IGuidanceProjector projector = _composer.Projector;
        bool automatic = ids.Count > 1 && explicitRegions is null;
        RegionStrategy.Validate(automatic ? 1 : ids.Count, _components.TextEncoder.MaxTokens, projector.TokensPerIdentity, projector.TokenDim, explicitRegions, _components.Denoiser.Capabilities, latentH, latentW);
        return explicitRegions;
    }

    private TimeSpan Lap(Stopwatch stage, GenerationStage name)
    {
        TimeSpan elapsed = stage.Elapsed;
        _telemetry.RecordStage(name, elapsed);
        stage.Restart();
        return elapsed;
    }

    private static (FloatTensor First, FloatTensor Second) SplitRows(FloatTensor hidden)
    {
        if (hidden.Rank != 3 || hidden.Dim(0) != 2)
        {
            throw new ModelContractException(Inv($"The text encoder must return [2, T, D] for two prompts but returned {hidden}."));
        }

        int t = hidden.Dim(1), d = hidden.Dim(2);
        var a = new FloatTensor(hidden.Buffer.AsSpan(0, t * d).ToArray(), t, d);
        var b = new FloatTensor(hidden.Buffer.AsSpan(t * d, t * d).ToArray(), t, d);
        return (a, b);
    }

    private static IReadOnlyList<RegionBox> RegionBounds(RegionMaskSet regions)
    {
        RegionMaskLevel level = regions.Latent;
        var boxes = new RegionBox[regions.IdentityCount];
        for (int k = 0; k < boxes.Length; k++)
        {
            ReadOnlySpan<float> mask = level.Mask(k);
            int x0 = level.Width, y0 = level.Height, x1 = -1, y1 = -1;
            for (int y = 0; y < level.Height; y++)
            {
                for (int x = 0; x < level.Width; x++)
                {
                    if (mask[(y * level.Width) + x] > 0f)
                    {
                        x0 = Math.Min(x0, x);
                        y0 = Math.Min(y0, y);
                        x1 = Math.Max(x1, x);
                        y1 = Math.Max(y1, y);
                    }
                }
            }

            boxes[k] = x1 < 0 ? default : RegionBox.FromCorners(x0, y0, x1 + 1, y1 + 1);
        }

        return boxes;
    }

    private static void CheckSize(string name, int value)
    {
        if (value < GenerationRequest.MinSize || value > GenerationRequest.MaxSize || value % 8 != 0)
        {
            throw Invalid(name, Inv($"{name} must be a multiple of 8 in [{GenerationRequest.MinSize}, {GenerationRequest.MaxSize}] but is {value}."));
        }
    }

    private static FaceStudioValidationException Invalid(string field, string message) => new(field, message);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed record PreparedRequest(GenerationRequest Request, long Seed, float Strength, int ModelCalls, int LatentHeight, int LatentWidth, GuidanceOptions Guidance, bool UsesStyleGuidance, RegionMaskSet? ExplicitRegions);
}
