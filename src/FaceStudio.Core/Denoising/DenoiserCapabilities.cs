using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Denoising;

/// <summary>What a denoiser accepts, read from its graph.</summary>
public sealed record DenoiserCapabilities
{
    /// <summary>Latent channels (4 for Stable Diffusion 1.5).</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Width of each context token (768 for Stable Diffusion 1.5).</summary>
    public int ContextDim { get; init; } = 768;

    /// <summary>Most context tokens the model accepts; null when the sequence axis is dynamic.</summary>
    public int? MaxContextTokens { get; init; }

    /// <summary>True when the model takes <c>identity_tokens</c>, <c>identity_masks</c> and <c>identity_scales</c>.</summary>
    public bool SupportsIdentityRegions { get; init; }

    /// <summary>
    /// The rule the model applies to <c>identity_masks</c> on their way to each attention resolution, when the model
    /// declares one (a model pack's <c>options.maskDownsample</c>); null when undeclared.
    /// </summary>
    public RegionMaskDownsample? MaskDownsample { get; init; }

    /// <summary>Identity tokens per identity (K) the model expects, when fixed.</summary>
    public int? IdentityTokensPerIdentity { get; init; }

    /// <summary>Batch size the model is fixed to; null when the batch axis is dynamic.</summary>
    public int? FixedBatchSize { get; init; }

    /// <summary>Precision of the model's inputs and outputs.</summary>
    public TensorPrecision Precision { get; init; } = TensorPrecision.Float32;
}
