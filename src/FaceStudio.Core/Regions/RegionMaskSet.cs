using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Regions;

/// <summary>Region masks of N identities at every latent resolution the denoiser uses; <see cref="Levels"/>[0] is the latent size.</summary>
public sealed class RegionMaskSet
{
    internal RegionMaskSet(int identityCount, int imageWidth, int imageHeight, IReadOnlyList<RegionMaskLevel> levels)
    {
        IdentityCount = identityCount;
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        Levels = levels;
    }

    /// <summary>N.</summary>
    public int IdentityCount { get; }

    /// <summary>Generated image width in pixels.</summary>
    public int ImageWidth { get; }

    /// <summary>Generated image height in pixels.</summary>
    public int ImageHeight { get; }

    /// <summary>Finest (latent size) first, each next one halved.</summary>
    public IReadOnlyList<RegionMaskLevel> Levels { get; }

    /// <summary>The masks at the latent size.</summary>
    public RegionMaskLevel Latent => Levels[0];

    /// <summary>The level of size <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <exception cref="FaceStudioValidationException">No level has that size.</exception>
    public RegionMaskLevel At(int height, int width)
    {
        foreach (RegionMaskLevel level in Levels)
        {
            if (level.Height == height && level.Width == width)
            {
                return level;
            }
        }

        throw new FaceStudioValidationException("Regions", string.Create(CultureInfo.InvariantCulture, $"No region masks at {height}×{width}; built: {string.Join(", ", Levels.Select(l => $"{l.Height}×{l.Width}"))}."));
    }
}
