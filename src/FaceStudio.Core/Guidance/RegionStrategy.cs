using System.Globalization;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// Chooses native or composed regions from the denoiser's capabilities and lays out the batch rows and runs.
/// </summary>
public static class RegionStrategy
{
    /// <summary>Native when the denoiser declares identity inputs, composed otherwise.</summary>
    public static RegionMode Choose(DenoiserCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        return capabilities.SupportsIdentityRegions ? RegionMode.Native : RegionMode.Composed;
    }

    /// <summary>
    /// Checks everything that can be checked without running a model: region count and size against the identities
    /// and latents, token widths and counts against the denoiser.
    /// </summary>
    /// <exception cref="FaceStudioValidationException">Regions do not match the identities or the latent size.</exception>
    /// <exception cref="ModelContractException">The denoiser cannot take these tokens.</exception>
    public static void Validate(int identityCount, int textTokens, int tokensPerIdentity, int tokenDim, RegionMaskSet? regions, DenoiserCapabilities capabilities, int latentHeight, int latentWidth, RegionMode? mode = null)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        if (latentHeight <= 0 || latentWidth <= 0)
        {
            throw new FaceStudioValidationException("LatentSize", Inv($"Latent size must be positive but is {latentHeight}×{latentWidth}."));
        }

        if (regions is null && identityCount > 1)
        {
            throw new FaceStudioValidationException("Regions", Inv($"The number of regions must match the number of identities: {identityCount} identities but no regions. Give one box, mask or detected face per identity (identity mixing puts several people into one face)."));
        }

        if (regions is not null)
        {
            if (regions.IdentityCount != identityCount)
            {
                throw new FaceStudioValidationException("Regions", Inv($"The number of regions must match the number of identities: {identityCount} identities but {regions.IdentityCount} regions."));
            }

            if (regions.Latent.Height != latentHeight || regions.Latent.Width != latentWidth)
            {
                throw new FaceStudioValidationException("Regions", Inv($"Region masks are {regions.Latent.Height}×{regions.Latent.Width} but the latents are {latentHeight}×{latentWidth}; build them for the generated image size."));
            }
        }

        if (capabilities.ContextDim != tokenDim)
        {
            throw new ModelContractException(Inv($"The denoiser's context is {capabilities.ContextDim} wide but the text and guidance tokens are {tokenDim} wide."));
        }

        RegionMode chosen = mode ?? Choose(capabilities);
        if (chosen == RegionMode.Native)
        {
            if (!capabilities.SupportsIdentityRegions)
            {
                throw new ModelContractException("Native regions need a denoiser with identity_tokens, identity_masks and identity_scales inputs; this one has none. Use the composed path.");
            }

            if (capabilities.IdentityTokensPerIdentity is int k && k != tokensPerIdentity)
            {
                throw new ModelContractException(Inv($"The denoiser expects {k} identity tokens per identity but the projector makes {tokensPerIdentity}."));
            }

            CheckContext(capabilities, textTokens, "text tokens");
        }
        else
        {
            int needed = identityCount > 0 ? textTokens + tokensPerIdentity : textTokens;
            CheckContext(capabilities, needed, identityCount > 0 ? "text tokens plus one identity's tokens (composed path)" : "text tokens");
        }
    }

    /// <summary>Lays out rows and runs for <paramref name="guidance"/> (validated first).</summary>
    /// <param name="guidance">Composed tokens.</param>
    /// <param name="regions">Region masks; null allowed for at most one identity (full image).</param>
    /// <param name="capabilities">The denoiser's declared capabilities.</param>
    /// <param name="latentHeight">Latent h.</param>
    /// <param name="latentWidth">Latent w.</param>
    /// <param name="mode">Force a mode; default from <see cref="Choose"/>.</param>
    public static GuidancePlan Plan(ComposedGuidance guidance, RegionMaskSet? regions, DenoiserCapabilities capabilities, int latentHeight, int latentWidth, RegionMode? mode = null)
    {
        ArgumentNullException.ThrowIfNull(guidance);
        int n = guidance.IdentityCount;
        int k = guidance.TokensPerIdentity;
        int t = guidance.TextTokenCount;
        int d = guidance.TokenDim;
        Validate(n, t, k, d, regions, capabilities, latentHeight, latentWidth, mode);
        RegionMode chosen = mode ?? Choose(capabilities);
        int plane = latentHeight * latentWidth;
        float[] masks = regions?.Latent.Masks.Buffer ?? Full(n, plane);
        bool separateIdentityScale = guidance.Options.IdentityGuidanceScale is not null;

        var rows = new List<GuidanceRow> { new(GuidanceRowRole.Unconditional) };
        float[][] context;   // per row [T', D]
        float[][]? identityTokens = null; // per row [N', K, D] (native)
        int contextTokens;
        CompositeNoiseBlend? blend = null;
        int nativeIdentities = Math.Max(n, 1);
        float[] nativeMasks = n > 0 ? masks : new float[plane];
        float[] nativeScales = n > 0 ? [.. guidance.IdentityScales] : [0f];

        if (chosen == RegionMode.Native)
        {
            if (separateIdentityScale)
            {
                rows.Add(new(GuidanceRowRole.TextOnly));
            }

            rows.Add(new(GuidanceRowRole.Conditional));
            contextTokens = t;
            context = new float[rows.Count][];
            identityTokens = new float[rows.Count][];
            for (int r = 0; r < rows.Count; r++)
            {
                bool unconditional = rows[r].Role == GuidanceRowRole.Unconditional;
                context[r] = (unconditional ? guidance.UnconditionalTokens : guidance.PromptTokens).Buffer;
                identityTokens[r] = rows[r].Role == GuidanceRowRole.Conditional && n > 0
                    ? guidance.IdentityTokens.Buffer
                    : Repeat(guidance.ZeroIdentityTokens.Buffer, nativeIdentities);
            }
        }
        else if (n == 0)
        {
            rows.Add(new(GuidanceRowRole.TextOnly));
            contextTokens = t;
            context = [guidance.UnconditionalTokens.Buffer, guidance.PromptTokens.Buffer];
        }
        else
        {
            rows.Add(new(GuidanceRowRole.TextOnly));
            for (int i = 0; i < n; i++)
            {
                rows.Add(new(GuidanceRowRole.Identity, i));
            }

            contextTokens = t + k;
            int perIdentity = k * d;
            context = new float[rows.Count][];
            context[0] = [.. guidance.UnconditionalTokens.Buffer, .. guidance.ZeroIdentityTokens.Buffer];
            context[1] = [.. guidance.PromptTokens.Buffer, .. guidance.ZeroIdentityTokens.Buffer];
            for (int i = 0; i < n; i++)
            {
                context[2 + i] = [.. guidance.PromptTokens.Buffer, .. guidance.IdentityTokens.Buffer.AsSpan(i * perIdentity, perIdentity)];
            }

            blend = new CompositeNoiseBlend(masks, [.. guidance.IdentityScales], plane);
        }

        int rowCount = rows.Count;
        int perRun = capabilities.FixedBatchSize ?? rowCount;
        if (perRun <= 0)
        {
            throw new ModelContractException(Inv($"The denoiser's fixed batch size must be positive but is {perRun}."));
        }

        int runCount = (rowCount + perRun - 1) / perRun;
        var runs = new DenoiserConditioning[runCount];
        int contextLength = contextTokens * d;
        int identityLength = nativeIdentities * k * d;
        for (int run = 0; run < runCount; run++)
        {
            var hidden = new FloatTensor(perRun, contextTokens, d);
            IdentityConditioning? identity = null;
            if (chosen == RegionMode.Native)
            {
                identity = new IdentityConditioning(new FloatTensor(perRun, nativeIdentities, k, d), new FloatTensor(perRun, nativeIdentities, latentHeight, latentWidth), new FloatTensor(perRun, nativeIdentities));
            }

            for (int b = 0; b < perRun; b++)
            {
                int r = (run * perRun) + b;
                int source = r < rowCount ? r : 0;
                context[source].CopyTo(hidden.Buffer.AsSpan(b * contextLength, contextLength));
                if (identity is not null)
                {
                    identityTokens![source].CopyTo(identity.Tokens.Buffer.AsSpan(b * identityLength, identityLength));
                    nativeMasks.CopyTo(identity.Masks.Buffer.AsSpan(b * nativeIdentities * plane, nativeIdentities * plane));
                    nativeScales.CopyTo(identity.Scales.Buffer.AsSpan(b * nativeIdentities, nativeIdentities));
                }
            }

            runs[run] = new DenoiserConditioning(hidden, identity);
        }

        return new GuidancePlan(chosen, rows, runs, perRun, latentHeight, latentWidth, guidance.Options, blend);
    }

    private static void CheckContext(DenoiserCapabilities capabilities, int needed, string what)
    {
        if (capabilities.MaxContextTokens is int max && max < needed)
        {
            throw new ModelContractException(Inv($"The denoiser accepts at most {max} context tokens but {what} need {needed}. Export it with a dynamic or longer sequence axis, or with identity inputs (native path)."));
        }
    }

    private static float[] Full(int n, int plane)
    {
        var m = new float[n * plane];
        Array.Fill(m, 1f);
        return m;
    }

    private static float[] Repeat(float[] tokens, int times)
    {
        var result = new float[tokens.Length * times];
        for (int i = 0; i < times; i++)
        {
            tokens.CopyTo(result, i * tokens.Length);
        }

        return result;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
