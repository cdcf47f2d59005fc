using System.Globalization;
using System.Numerics.Tensors;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// Turns text tokens, identity embeddings and a style embedding into guidance tokens, in one projector run.
/// </summary>
/// <remarks>
/// Hybrid flavour, per identity k (after mixing, <see cref="IdentityMixer"/>):
/// <c>e_i = P(e_h, e_f)</c>, <c>e_p = P(prior(e_T), e_f)</c>, <c>e_g = α·e_i + (1 − α)·e_p</c>, scale <c>s_k</c>;
/// without <see cref="GuidanceRequest.PromptImageEmbedding"/>: <c>e_g = e_i</c> with scale <c>α·s_k</c> (the text
/// branch is the text tokens alone). IP-Adapter-FaceID flavour: <c>e_g = P(e_f)</c>, scale <c>s_k</c>.
/// The unconditional tokens are <c>P(0, 0)</c> (identity and style zeroed).
/// </remarks>
public sealed class GuidanceComposer
{
    private readonly IGuidanceProjector _projector;
    private readonly ILogger<GuidanceComposer> _logger;

    /// <summary>Creates a composer over a projector.</summary>
    public GuidanceComposer(IGuidanceProjector projector, ILogger<GuidanceComposer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(projector);
        _projector = projector;
        _logger = logger ?? NullLogger<GuidanceComposer>.Instance;
    }

    /// <summary>The projector the composer runs.</summary>
    public IGuidanceProjector Projector => _projector;

    /// <summary>
    /// The pipeline's entry: validates request, options, regions and denoiser capabilities (before any model runs),
    /// composes the tokens in one projector run, then lays out the denoiser batches.
    /// </summary>
    /// <param name="request">Text tokens, identities, style and prompt image embeddings.</param>
    /// <param name="options">Flavour, α and guidance scales.</param>
    /// <param name="regions">One region per identity (null allowed for at most one identity: the whole image).</param>
    /// <param name="capabilities">The denoiser's declared capabilities (native or composed regions).</param>
    /// <param name="latentHeight">Latent h.</param>
    /// <param name="latentWidth">Latent w.</param>
    /// <param name="cancellationToken">Cancels the projector run.</param>
    /// <exception cref="FaceStudioValidationException">A request value, count or size is invalid.</exception>
    /// <exception cref="ModelContractException">The projector's tokens do not fit the denoiser.</exception>
    public async Task<GuidancePlan> PlanAsync(GuidanceRequest request, GuidanceOptions options, RegionMaskSet? regions, DenoiserCapabilities capabilities, int latentHeight, int latentWidth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        request.Validate(_projector, options.Flavor);
        (int t, _) = GuidanceRequest.TextShape(nameof(request.PromptTokens), request.PromptTokens);
        RegionStrategy.Validate(request.Identities.Count, t, _projector.TokensPerIdentity, _projector.TokenDim, regions, capabilities, latentHeight, latentWidth);
        ComposedGuidance composed = await ComposeAsync(request, options, cancellationToken).ConfigureAwait(false);
        return RegionStrategy.Plan(composed, regions, capabilities, latentHeight, latentWidth);
    }

    /// <summary>Validates the request completely, then runs the projector once for all identities and branches.</summary>
    /// <exception cref="FaceStudioValidationException">A value or shape is outside its valid range (raised before the projector runs).</exception>
    public async Task<ComposedGuidance> ComposeAsync(GuidanceRequest request, GuidanceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        request.Validate(_projector, options.Flavor);

        (int t, int d) = GuidanceRequest.TextShape(nameof(request.PromptTokens), request.PromptTokens);
        var prompt = new FloatTensor((float[])request.PromptTokens.Buffer.Clone(), t, d);
        var uncond = new FloatTensor((float[])request.UnconditionalTokens.Buffer.Clone(), t, d);

        int n = request.Identities.Count;
        int f = _projector.FaceEmbeddingDim;
        int e = _projector.ImageEmbeddingDim;
        bool hybrid = options.Flavor == GuidanceFlavor.FaceStudioHybrid;
        bool textBranch = hybrid && !request.PromptImageEmbedding.IsEmpty;

        // Row layout of the single projector run: [image branch × N][text branch × N, when present][zero row].
        int branches = textBranch ? 2 : 1;
        int rows = (branches * n) + 1;
        var faces = new FloatTensor(rows, f);
        FloatTensor? images = e > 0 ? new FloatTensor(rows, e) : null;
        for (int k = 0; k < n; k++)
        {
            Span<float> face = faces.Buffer.AsSpan(k * f, f);
            IdentityMixer.Mix(request.Identities[k], face);
            if (textBranch)
            {
                face.CopyTo(faces.Buffer.AsSpan((n + k) * f, f));
            }

            if (images is not null)
            {
                request.StyleEmbedding.Span.CopyTo(images.Buffer.AsSpan(k * e, e));
                if (textBranch)
                {
                    request.PromptImageEmbedding.Span.CopyTo(images.Buffer.AsSpan((n + k) * e, e));
                }
            }
        }

        _logger.LogDebug("Projecting {Rows} rows ({Identities} identities, flavour {Flavor}, text branch {TextBranch}).", rows, n, options.Flavor, textBranch);
        FloatTensor tokens = await _projector.ProjectAsync(faces, images, cancellationToken).ConfigureAwait(false);
        int kTokens = _projector.TokensPerIdentity;
        if (tokens.Rank != 3 || tokens.Dim(0) != rows || tokens.Dim(1) != kTokens || tokens.Dim(2) != d)
        {
            throw new ModelContractException(string.Create(CultureInfo.InvariantCulture, $"The projector must return tokens [{rows}, {kTokens}, {d}] but returned {tokens}."));
        }

        int perRow = kTokens * d;
        var identityTokens = new FloatTensor(n, kTokens, d);
        var scales = new float[n];
        for (int k = 0; k < n; k++)
        {
            ReadOnlySpan<float> imageBranch = tokens.Buffer.AsSpan(k * perRow, perRow);
            Span<float> dest = identityTokens.Buffer.AsSpan(k * perRow, perRow);
            float scale = request.Identities[k].Scale;
            if (textBranch)
            {
                ReadOnlySpan<float> textBranchTokens = tokens.Buffer.AsSpan((n + k) * perRow, perRow);
                TensorPrimitives.Multiply(imageBranch, options.Alpha, dest);
                TensorPrimitives.MultiplyAdd(textBranchTokens, 1f - options.Alpha, dest, dest);
            }
            else
            {
                imageBranch.CopyTo(dest);
                if (hybrid)
                {
                    scale *= options.Alpha;
                }
            }

            scales[k] = scale;
        }

        var zero = new FloatTensor(tokens.Buffer.AsSpan((rows - 1) * perRow, perRow).ToArray(), kTokens, d);
        return new ComposedGuidance(prompt, uncond, identityTokens, zero, scales, options);
    }
}
