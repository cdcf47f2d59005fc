using System.Globalization;
using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Regions;

/// <summary>
/// Builds <see cref="RegionMaskSet"/>: rasterise each region at the latent size by exact area coverage, soften,
/// resolve overlaps, then bring the masks down to each coarser level by <see cref="RegionMaskOptions.Downsample"/>:
/// area averaging (the default; keeps Σ m_k ≤ 1 and each mask's area) or diffusers' bicubic rule, each level made
/// from the latent-size masks as diffusers makes each attention layer's mask.
/// </summary>
public static class RegionMaskBuilder
{
    /// <summary>Builds the masks of <paramref name="identityCount"/> identities.</summary>
    /// <param name="regions">One region per identity, in identity order.</param>
    /// <param name="identityCount">N; must equal the number of regions.</param>
    /// <param name="imageWidth">Generated image width, a multiple of <see cref="RegionMaskOptions.LatentScale"/>.</param>
    /// <param name="imageHeight">Generated image height, a multiple of <see cref="RegionMaskOptions.LatentScale"/>.</param>
    /// <param name="options">Defaults when null.</param>
    /// <exception cref="FaceStudioValidationException">Counts, sizes or options are invalid, or a region is empty.</exception>
    public static RegionMaskSet Build(IReadOnlyList<IdentityRegion> regions, int identityCount, int imageWidth, int imageHeight, RegionMaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(regions);
        options ??= new RegionMaskOptions();
        options.Validate();
        if (regions.Count != identityCount)
        {
            throw new FaceStudioValidationException("Regions", Inv($"The number of regions must match the number of identities: {identityCount} identities but {regions.Count} regions."));
        }

        if (imageWidth <= 0 || imageHeight <= 0 || imageWidth % options.LatentScale != 0 || imageHeight % options.LatentScale != 0)
        {
            throw new FaceStudioValidationException("ImageSize", Inv($"Image size must be positive multiples of {options.LatentScale} but is {imageWidth}×{imageHeight}."));
        }

        int w = imageWidth / options.LatentScale;
        int h = imageHeight / options.LatentScale;
        int plane = w * h;
        var latent = new FloatTensor(identityCount, h, w);
        for (int k = 0; k < identityCount; k++)
        {
            IdentityRegion region = regions[k] ?? throw new FaceStudioValidationException("Regions", Inv($"Regions[{k}] is null."));
            Span<float> mask = latent.Buffer.AsSpan(k * plane, plane);
            region.Rasterize(imageWidth, imageHeight, mask, w, h);
            if (TensorPrimitives.Sum(mask) <= 0f)
            {
                throw new FaceStudioValidationException("Regions", Inv($"Regions[{k}] covers no part of the {imageWidth}×{imageHeight} image."));
            }

            if (options.SoftEdgeRadius > 0)
            {
                BoxBlur(mask, w, h, options.SoftEdgeRadius);
            }
        }

        ResolveOverlaps(latent.Buffer, identityCount, plane, options.Overlap);

        RegionMaskDownsample rule = options.Downsample ?? RegionMaskDownsample.Area;
        var levels = new List<RegionMaskLevel>(options.Levels) { new(h, w, latent) };
        for (int i = 1; i < options.Levels; i++)
        {
            RegionMaskLevel prev = levels[i - 1];
            int lh = (prev.Height + 1) / 2;
            int lw = (prev.Width + 1) / 2;
            var masks = new FloatTensor(identityCount, lh, lw);
            for (int k = 0; k < identityCount; k++)
            {
                Span<float> destination = masks.Buffer.AsSpan(k * lh * lw, lh * lw);
                if (rule == RegionMaskDownsample.Bicubic)
                {
                    // diffusers downsamples the mask it was given (here the latent-size one) for each layer.
                    BicubicMaskResampler.Downsample(latent.Buffer.AsSpan(k * plane, plane), w, h, destination);
                }
                else
                {
                    AreaResampler.Resample(prev.Mask(k), prev.Width, prev.Height, destination, lw, lh);
                }
            }

            levels.Add(new RegionMaskLevel(lh, lw, masks));
        }

        return new RegionMaskSet(identityCount, imageWidth, imageHeight, levels);
    }

    /// <summary>A mask set where every identity covers the whole image (one identity: plain IP-Adapter).</summary>
    public static RegionMaskSet Full(int identityCount, int imageWidth, int imageHeight, RegionMaskOptions? options = null)
    {
        var box = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, imageWidth, imageHeight));
        return Build(Enumerable.Repeat(box, identityCount).ToArray(), identityCount, imageWidth, imageHeight, options);
    }

    private static void ResolveOverlaps(Span<float> masks, int n, int plane, RegionOverlap rule)
    {
        for (int p = 0; p < plane; p++)
        {
            if (rule == RegionOverlap.Normalize)
            {
                float sum = 0f;
                for (int k = 0; k < n; k++)
                {
                    sum += masks[(k * plane) + p];
                }

                if (sum > 1f)
                {
                    for (int k = 0; k < n; k++)
                    {
                        masks[(k * plane) + p] /= sum;
                    }
                }
            }
            else
            {
                float left = 1f;
                for (int k = 0; k < n; k++)
                {
                    float m = Math.Min(masks[(k * plane) + p], left);
                    masks[(k * plane) + p] = m;
                    left = Math.Max(0f, left - m);
                }
            }
        }
    }

    // Separable box blur; at the borders the window is cut and renormalised, so a mask that is 1 up to the edge stays 1.
    private static void BoxBlur(Span<float> mask, int w, int h, int r)
    {
        var tmp = new float[mask.Length];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int a = Math.Max(0, x - r);
                int b = Math.Min(w - 1, x + r);
                tmp[(y * w) + x] = TensorPrimitives.Sum(mask.Slice((y * w) + a, b - a + 1)) / (b - a + 1);
            }
        }

        for (int y = 0; y < h; y++)
        {
            int a = Math.Max(0, y - r);
            int b = Math.Min(h - 1, y + r);
            for (int x = 0; x < w; x++)
            {
                float s = 0f;
                for (int j = a; j <= b; j++)
                {
                    s += tmp[(j * w) + x];
                }

                mask[(y * w) + x] = s / (b - a + 1);
            }
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
