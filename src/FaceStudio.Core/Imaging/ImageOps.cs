using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

/// <summary>Cropping and the resize-then-crop steps of CLIP-style preprocessing.</summary>
public static class ImageOps
{
    /// <summary>Copies the rectangle at (<paramref name="x"/>, <paramref name="y"/>) of size <paramref name="width"/> x <paramref name="height"/>, which must lie inside the image.</summary>
    public static RgbImage Crop(RgbImage source, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0 || x < 0 || y < 0 || (long)x + width > source.Width || (long)y + height > source.Height)
        {
            throw new FaceStudioValidationException("rectangle", $"Crop rectangle (x={x}, y={y}, {width}x{height}) must be non-empty and lie inside the {source.Width}x{source.Height} image.");
        }

        var output = new RgbImage(width, height);
        for (int row = 0; row < height; row++)
        {
            source.Pixels.AsSpan((((y + row) * source.Width) + x) * 3, width * 3).CopyTo(output.Row(row));
        }

        return output;
    }

    /// <summary>
    /// Crops the centred <paramref name="width"/> x <paramref name="height"/> rectangle; the offset is
    /// <c>round((W - width) / 2)</c> with round half to even, as torchvision's <c>CenterCrop</c>.
    /// </summary>
    public static RgbImage CenterCrop(RgbImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0 || width > source.Width || height > source.Height)
        {
            throw new FaceStudioValidationException("size", $"Centre crop {width}x{height} must be non-empty and fit inside the {source.Width}x{source.Height} image.");
        }

        int left = (int)Math.Round((source.Width - width) / 2.0, MidpointRounding.ToEven);
        int top = (int)Math.Round((source.Height - height) / 2.0, MidpointRounding.ToEven);
        return Crop(source, left, top, width, height);
    }

    /// <summary>
    /// Resizes so the shorter side becomes <paramref name="size"/> and the longer one
    /// <c>floor(size * long / short)</c> (torchvision <c>Resize(int)</c> and Hugging Face CLIP processor rule).
    /// </summary>
    public static RgbImage ResizeShortestSide(RgbImage source, int size, ResizeFilter filter = ResizeFilter.Bicubic, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (size <= 0)
        {
            throw new FaceStudioValidationException(nameof(size), $"Shortest-side size must be positive but was {size}.");
        }

        (int w, int h) = source.Width <= source.Height
            ? (size, (int)((long)size * source.Height / source.Width))
            : ((int)((long)size * source.Width / source.Height), size);
        return ImageResize.Resize(source, w, h, filter, antialias);
    }

    /// <summary>
    /// CLIP image preprocessing geometry, as transformers' <c>CLIPImageProcessor</c>: shortest side to
    /// <paramref name="size"/> (bicubic, antialiased), then a centred <paramref name="size"/> x <paramref name="size"/>
    /// crop whose offsets are floored (<c>(W - size) // 2</c>; e.g. 640×427 → 335×224 → left 55, where
    /// <see cref="CenterCrop"/>'s round-half-to-even would take 56).
    /// </summary>
    public static RgbImage ResizeAndCenterCrop(RgbImage source, int size, ResizeFilter filter = ResizeFilter.Bicubic)
    {
        var resized = ResizeShortestSide(source, size, filter);
        if (resized.Width == size && resized.Height == size)
        {
            return resized;
        }

        if (size > resized.Width || size > resized.Height)
        {
            throw new FaceStudioValidationException(nameof(size), $"Centre crop {size}x{size} must fit inside the {resized.Width}x{resized.Height} resized image.");
        }

        return Crop(resized, (resized.Width - size) / 2, (resized.Height - size) / 2, size, size);
    }
}
