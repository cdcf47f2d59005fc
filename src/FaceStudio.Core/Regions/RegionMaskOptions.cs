using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Regions;

/// <summary>Settings of region mask construction.</summary>
public sealed record RegionMaskOptions
{
    /// <summary>Image pixels per latent cell (8 for Stable Diffusion's VAE).</summary>
    public int LatentScale { get; init; } = 8;

    /// <summary>Resolutions built: the latent size, then each halved (rounding up); 4 gives 64, 32, 16, 8 for 512 px.</summary>
    public int Levels { get; init; } = 4;

    /// <summary>Soft-edge box blur radius in latent cells (0 = hard edges, at most 16), applied at the latent size before overlaps are resolved.</summary>
    public int SoftEdgeRadius { get; init; }

    /// <summary>Overlap rule.</summary>
    public RegionOverlap Overlap { get; init; } = RegionOverlap.Normalize;

    /// <summary>
    /// How the coarser levels are made from the latent-size masks. Null (the default) follows the denoiser: a
    /// graph that takes <c>identity_masks</c> and downsamples them itself declares its rule (a model pack's
    /// <c>options.maskDownsample</c>), and the pipeline uses that rule; with no declaration it is
    /// <see cref="RegionMaskDownsample.Area"/>. Setting a rule that differs from the graph's declared one is an
    /// error when the pipeline is built. Use <see cref="RegionMaskDownsample.Bicubic"/> for IP-Adapter(-FaceID)
    /// weights trained with diffusers' masks.
    /// </summary>
    public RegionMaskDownsample? Downsample { get; init; }

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first field outside its range.</summary>
    public void Validate()
    {
        Check(nameof(LatentScale), LatentScale, 1, 64);
        Check(nameof(Levels), Levels, 1, 8);
        Check(nameof(SoftEdgeRadius), SoftEdgeRadius, 0, 16);
        if (!Enum.IsDefined(Overlap))
        {
            throw new FaceStudioValidationException(nameof(Overlap), $"{nameof(Overlap)} must be Normalize or FirstWins but is {(int)Overlap}.");
        }

        if (Downsample is { } rule && !Enum.IsDefined(rule))
        {
            throw new FaceStudioValidationException(nameof(Downsample), string.Create(CultureInfo.InvariantCulture, $"{nameof(Downsample)} must be null, Area or Bicubic but is {(int)rule}."));
        }
    }

    private static void Check(string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new FaceStudioValidationException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be in [{min}, {max}] but is {value}."));
        }
    }
}
