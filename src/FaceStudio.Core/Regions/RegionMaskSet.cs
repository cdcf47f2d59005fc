using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Regions;

/// <summary>How overlapping regions share a position.</summary>
public enum RegionOverlap
{
    /// <summary>Where the masks sum above 1, each is divided by the sum (shared fairly; Σ m_k ≤ 1 everywhere).</summary>
    Normalize,

    /// <summary>Earlier identities win: <c>m_k ← min(m_k, 1 − Σ_{j&lt;k} m_j)</c>.</summary>
    FirstWins,
}

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

/// <summary>Every identity's mask at one resolution.</summary>
/// <param name="Height">Rows h.</param>
/// <param name="Width">Columns w.</param>
/// <param name="Masks">[N, h, w], values in [0, 1], Σ_k ≤ 1 at each position.</param>
public sealed record RegionMaskLevel(int Height, int Width, FloatTensor Masks)
{
    /// <summary>Identity <paramref name="identity"/>'s mask, [h, w].</summary>
    public ReadOnlySpan<float> Mask(int identity) => Masks.Buffer.AsSpan(identity * Height * Width, Height * Width);
}

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
