using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Regions;

/// <summary>
/// Where one identity should appear: a box or a mask. Automatic regions (from faces found in a style/content
/// image) become boxes through <see cref="AutomaticRegions"/>.
/// </summary>
public abstract class IdentityRegion
{
    private protected IdentityRegion() { }

    /// <summary>A box in pixels of the generated image; cells it partly covers get their covered fraction.</summary>
    /// <exception cref="FaceStudioValidationException">The box has a corner that is not a finite number, or no area (right not past left, bottom not below top).</exception>
    public static IdentityRegion FromBox(RegionBox box)
    {
        if (!float.IsFinite(box.X) || !float.IsFinite(box.Y) || !float.IsFinite(box.Right) || !float.IsFinite(box.Bottom) || !(box.Right > box.X && box.Bottom > box.Y))
        {
            throw new FaceStudioValidationException(nameof(box), $"A region box needs finite corners x0,y0,x1,y1 with x1 > x0 and y1 > y0 but is {box}.");
        }

        return new BoxRegion(box);
    }

    /// <summary>A soft mask [H, W] with values in [0, 1] (1 = inside); stretched to the generated image's size.</summary>
    public static IdentityRegion FromMask(FloatTensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Rank != 2 || mask.Length == 0)
        {
            throw new ArgumentException($"A region mask must be [H, W] but is {mask}.", nameof(mask));
        }

        foreach (float v in mask.Buffer)
        {
            if (!float.IsFinite(v))
            {
                throw new FaceStudioValidationException(nameof(mask), $"A region mask must hold finite values in [0, 1] but holds {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }
        }

        return new MaskRegion(mask.Clone());
    }

    /// <summary>A mask image: white (255) is inside, black outside, grey partial (mean of R, G, B / 255); stretched to the generated image's size.</summary>
    public static IdentityRegion FromMaskImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var mask = new FloatTensor(image.Height, image.Width);
        byte[] px = image.Pixels;
        for (int i = 0; i < mask.Length; i++)
        {
            mask.Buffer[i] = (px[3 * i] + px[(3 * i) + 1] + px[(3 * i) + 2]) / 765f;
        }

        return new MaskRegion(mask);
    }

    /// <summary>Writes this region's coverage of each latent cell ([h, w]) for an image of the given size.</summary>
    internal abstract void Rasterize(int imageWidth, int imageHeight, Span<float> destination, int width, int height);

    private sealed class BoxRegion(RegionBox box) : IdentityRegion
    {
        internal override void Rasterize(int imageWidth, int imageHeight, Span<float> destination, int width, int height)
        {
            RegionBox b = box.ClampTo(imageWidth, imageHeight);
            Span<float> cx = width <= 256 ? stackalloc float[width] : new float[width];
            Coverage(b.X, b.Right, (double)imageWidth / width, cx);
            for (int y = 0; y < height; y++)
            {
                float cy = Coverage1(b.Y, b.Bottom, (double)imageHeight / height, y);
                System.Numerics.Tensors.TensorPrimitives.Multiply(cx, cy, destination.Slice(y * width, width));
            }
        }

        private static void Coverage(float a, float b, double cell, Span<float> destination)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = Coverage1(a, b, cell, i);
            }
        }

        // Fraction of cell i ([i·cell, (i+1)·cell)) inside [a, b).
        private static float Coverage1(float a, float b, double cell, int i)
        {
            double lo = Math.Max(a, i * cell);
            double hi = Math.Min(b, (i + 1) * cell);
            return hi > lo ? (float)((hi - lo) / cell) : 0f;
        }
    }

    private sealed class MaskRegion(FloatTensor mask) : IdentityRegion
    {
        internal override void Rasterize(int imageWidth, int imageHeight, Span<float> destination, int width, int height)
        {
            Span<float> clamped = mask.Clone().Span;
            System.Numerics.Tensors.TensorPrimitives.Clamp(clamped, 0f, 1f, clamped);
            AreaResampler.Resample(clamped, mask.Dim(1), mask.Dim(0), destination, width, height);
        }
    }
}
