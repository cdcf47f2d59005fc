using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Latents;

/// <summary>
/// Tiled VAE decoding as diffusers' <c>AutoencoderKL.enable_tiling()</c> does it: latents larger than one tile are
/// decoded in overlapping tiles whose seams are blended linearly, so the decoder's activations are those of one tile
/// whatever the image size. The result differs slightly from an untiled decode (each tile sees only its own
/// neighbourhood), exactly as diffusers' does.
/// </summary>
public sealed record VaeTiling
{
    /// <summary>diffusers' default tile for Stable Diffusion 1.x (<c>tile_sample_min_size</c> = the VAE's <c>sample_size</c>).</summary>
    public const int DefaultTileSampleSize = 512;

    /// <summary>diffusers' <c>tile_overlap_factor</c>.</summary>
    public const double DefaultOverlapFactor = 0.25;

    /// <summary>
    /// Tile edge in pixels (<c>tile_sample_min_size</c>); the latent tile is this divided by the decoder's downscale
    /// factor (<c>tile_latent_min_size</c>). Latents no larger than one tile are decoded whole.
    /// </summary>
    public int TileSampleSize { get; init; } = DefaultTileSampleSize;

    /// <summary>Share of a tile that overlaps its neighbour (<c>tile_overlap_factor</c>), in [0, 0.75].</summary>
    public double OverlapFactor { get; init; } = DefaultOverlapFactor;

    /// <summary>Checks ranges; throws <see cref="FaceStudioValidationException"/> naming the setting.</summary>
    public void Validate()
    {
        if (TileSampleSize is < 8 or > 8192)
        {
            throw new FaceStudioValidationException(nameof(TileSampleSize), string.Create(CultureInfo.InvariantCulture, $"TileSampleSize must be in [8, 8192] pixels; got {TileSampleSize}."));
        }

        if (!double.IsFinite(OverlapFactor) || OverlapFactor < 0 || OverlapFactor > 0.75)
        {
            throw new FaceStudioValidationException(nameof(OverlapFactor), string.Create(CultureInfo.InvariantCulture, $"OverlapFactor must be in [0, 0.75]; got {OverlapFactor}."));
        }
    }
}
