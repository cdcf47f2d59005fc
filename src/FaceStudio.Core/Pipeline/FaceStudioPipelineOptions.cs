using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Pipeline;

/// <summary>Pipeline-wide settings (per-request settings live in <see cref="GenerationRequest"/>).</summary>
public sealed record FaceStudioPipelineOptions
{
    /// <summary>Requests that run at the same time; others wait. Each running request holds its own latents and bindings.</summary>
    public int MaxConcurrentRequests { get; init; } = 1;

    /// <summary>Flavour used when a request names none.</summary>
    public GuidanceFlavor DefaultFlavor { get; init; } = GuidanceFlavor.FaceStudioHybrid;

    /// <summary>How region masks are built (soft edges, overlap rule, attention levels).</summary>
    public RegionMaskOptions RegionMasks { get; init; } = new();

    /// <summary>How automatic regions are derived from faces in the style image.</summary>
    public AutomaticRegionOptions AutomaticRegions { get; init; } = new();

    /// <summary>Checks every value; throws <see cref="FaceStudioValidationException"/> naming the field and its range.</summary>
    public void Validate()
    {
        if (MaxConcurrentRequests is < 1 or > 64)
        {
            throw new FaceStudioValidationException(nameof(MaxConcurrentRequests), string.Create(CultureInfo.InvariantCulture, $"{nameof(MaxConcurrentRequests)} must be in [1, 64] but is {MaxConcurrentRequests}."));
        }

        ArgumentNullException.ThrowIfNull(RegionMasks);
        ArgumentNullException.ThrowIfNull(AutomaticRegions);
        RegionMasks.Validate();
        AutomaticRegions.Rule.Validate();
        GuidanceOptions.CheckRange(nameof(AutomaticRegionOptions.MinScore), AutomaticRegions.MinScore, 0f, 1f);
    }
}
