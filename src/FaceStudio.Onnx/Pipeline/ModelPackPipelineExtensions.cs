using System.Globalization;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Style;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Guidance;
using FaceStudio.Onnx.Identity;
using FaceStudio.Onnx.Latents;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Sessions;
using FaceStudio.Onnx.Style;
using FaceStudio.Onnx.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceStudio.Onnx.Pipeline;

/// <summary>Fills a <see cref="FaceStudioPipelineBuilder"/> from a model pack.</summary>
public static class ModelPackPipelineExtensions
{
    /// <summary>
    /// Loads every component of <paramref name="pack"/> that the builder does not have yet (a component set before
    /// is kept, so callers can replace any part) and hands the created sessions to the pipeline, which disposes them.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="pack">A pack from <see cref="ModelPack.Load"/> (or FaceStudio.Onnx.Demo's <c>DemoPack.EnsureCached</c>).</param>
    /// <param name="sessionOptions">Execution provider and threads per component; CPU defaults when null.</param>
    /// <param name="sessionFactory">Creates the sessions; a <see cref="SessionFactory"/> when null.</param>
    /// <exception cref="Core.Errors.ModelContractException">A model breaks its component's contract.</exception>
    /// <exception cref="OnnxRuntimeConfigurationException">The installed ONNX Runtime lacks the requested provider.</exception>
    /// <exception cref="Core.Errors.FaceStudioValidationException"><paramref name="sessionOptions"/> or the builder's
    /// <see cref="FaceStudioPipelineBuilder.Options"/> are invalid (checked before any model is loaded).</exception>
    public static FaceStudioPipelineBuilder UseModelPack(this FaceStudioPipelineBuilder builder, ModelPack pack, PipelineSessionOptions? sessionOptions = null, ISessionFactory? sessionFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(pack);
        sessionOptions ??= new PipelineSessionOptions();
        sessionOptions.Validate();
        // The pipeline's options are checked again by Build; checking them here first means a bad setting is reported
        // before gigabytes of models are loaded, not after.
        builder.Options.Validate();
        ILoggerFactory loggers = builder.LoggerFactory ?? NullLoggerFactory.Instance;
        ISessionFactory factory = sessionFactory ?? new SessionFactory(loggers.CreateLogger<SessionFactory>());
        var loader = new ModelPackLoader(sessionOptions, factory);
        var created = new List<IDisposable>();
        try
        {
            T Own<T>(T component)
                where T : IDisposable
            {
                created.Add(component);
                return component;
            }

            // Low-memory mode loads and releases each model in turn; its first load only reads the sizes.
            if (builder.Denoiser is null)
            {
                builder.UseDenoiser(sessionOptions.LowMemory
                    ? Own(new ResidentDenoiser(() => loader.LoadDenoiser(pack), ComponentResidency.ReleaseAfterUse))
                    : Own(loader.LoadDenoiser(pack)));
            }

            if (builder.LatentDecoder is null)
            {
                VaeTiling? tiling = sessionOptions.EffectiveVaeTiling;
                if (sessionOptions.LowMemory)
                {
                    // The resident decoder tiles inside one load, so a tiled decode loads the VAE once.
                    builder.UseLatentDecoder(Own(new ResidentLatentDecoder(() => loader.LoadVaeDecoder(pack), ComponentResidency.ReleaseAfterUse, tiling)));
                }
                else
                {
                    OnnxLatentDecoder decoder = Own(loader.LoadVaeDecoder(pack));
                    builder.UseLatentDecoder(tiling is null ? decoder : new TiledLatentDecoder(decoder, tiling));
                }
            }

            if (builder.LatentEncoder is null && pack.VaeEncoderPath is not null)
            {
                VaeOptions vae = pack.Vae;
                builder.UseLatentEncoder(sessionOptions.LoadVaeEncoderOnFirstUse
                    ? Own(new LazyLatentEncoder(() => loader.LoadVaeEncoder(pack)!, vae.DownscaleFactor, vae.ScalingFactor))
                    : Own(loader.LoadVaeEncoder(pack)!));
            }

            IFaceDetector? detector = builder.FaceDetector;
            if (detector is null && pack.FaceDetectorPath is { } detectorPath)
            {
                detector = FaceBackendLoader.LoadDetector(detectorPath, pack.FaceLandmarkerPath, sessionOptions.For(ModelComponent.FaceDetector), factory);
                if (detector is IDisposable disposableDetector)
                {
                    Own(disposableDetector);
                }

                builder.UseFaceDetector(detector);
            }

            if (builder.IdentityEncoder is null && detector is not null && pack.FaceEmbedderPath is { } embedderPath)
            {
                IFaceEmbedder embedder = FaceBackendLoader.LoadEmbedder(embedderPath, sessionOptions.For(ModelComponent.FaceEmbedder), factory);
                if (embedder is IDisposable disposableEmbedder)
                {
                    Own(disposableEmbedder);
                }

                builder.UseIdentityEncoder(new IdentityEncoder(detector, embedder, logger: loggers.CreateLogger<IdentityEncoder>()));
            }

            if (builder.StyleEncoder is null && pack.ImageEncoderPath is { } imagePath)
            {
                ComponentResidency residency = sessionOptions.ResidencyOf(ModelComponent.ImageEncoder);
                Func<ClipStyleEncoder> loadStyle = () => ClipStyleEncoder.Load(imagePath, sessionOptions.For(ModelComponent.ImageEncoder), factory);
                builder.UseStyleEncoder(residency == ComponentResidency.Keep ? Own(loadStyle()) : Own(new ResidentStyleEncoder(loadStyle, residency)));
            }

            if (builder.GuidanceProjector is null && pack.ProjectorPath is { } projectorPath)
            {
                OnnxGuidanceProjector projector = Own(OnnxGuidanceProjector.Load(projectorPath, sessionOptions.For(ModelComponent.Projector), factory));
                if (pack.Manifest?.Options?.IdentityTokens is { } declared && declared != projector.TokensPerIdentity)
                {
                    throw new ModelPackException(pack.Root, [string.Create(CultureInfo.InvariantCulture, $"{ModelPackManifest.FileName}: options.identityTokens is {declared} but the projector '{projectorPath}' makes {projector.TokensPerIdentity} tokens per identity")]);
                }

                builder.UseGuidanceProjector(projector);
            }

            if (builder.TextEncoder is null)
            {
                // After the denoiser and projector: the windows a prompt may fill follow the denoiser's context, less
                // the identity tokens the composed path appends when that context is fixed.
                ITokenizer tokenizer = ClipTokenizer.FromDirectory(Path.GetDirectoryName(pack.TokenizerVocabPath)!);
                OnnxTextEncoderOptions textOptions = OnnxTextEncoderOptions.ForDenoiser(
                    builder.Denoiser!.Capabilities, builder.GuidanceProjector?.TokensPerIdentity ?? 0, tokenizer.MaxLength);
                ComponentResidency residency = sessionOptions.ResidencyOf(ModelComponent.TextEncoder);
                Func<OnnxTextEncoder> loadText = () => OnnxTextEncoder.Load(pack.TextEncoderPath, tokenizer, sessionOptions.For(ModelComponent.TextEncoder), factory, textOptions, loggers);
                builder.UseTextEncoder(residency == ComponentResidency.Keep ? Own(loadText()) : Own(new ResidentTextEncoder(loadText, residency)));
            }

            if (pack.Manifest?.Options?.Guidance is { } flavor)
            {
                GuidanceFlavor chosen = flavor == "ip-adapter-faceid" ? GuidanceFlavor.IpAdapterFaceId : GuidanceFlavor.FaceStudioHybrid;
                builder.ConfigureOptions(o => o with { DefaultFlavor = chosen });
            }

            if (pack.Scheduler is { } scheduler)
            {
                builder.UseSchedulerConfig(scheduler);
            }
        }
        catch
        {
            foreach (IDisposable d in created)
            {
                d.Dispose();
            }

            throw;
        }

        foreach (IDisposable d in created)
        {
            builder.OwnResource(d);
        }

        return builder;
    }
}
