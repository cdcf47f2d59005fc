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
    }

    private static void Check(string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new FaceStudioValidationException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be in [{min}, {max}] but is {value}."));
        }
    }
}
