using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

/// <summary>Where <see cref="Letterbox.Fit"/> places the resized picture inside the canvas.</summary>
public enum LetterboxAnchor
{
    /// <summary>At the top-left corner, padding right and bottom (InsightFace SCRFD detection input).</summary>
    TopLeft,

    /// <summary>Centred, padding split evenly (extra pixel right/bottom).</summary>
    Center,
}

/// <summary>
/// The result of <see cref="Letterbox.Fit"/>: the canvas and the mapping between source and canvas coordinates
/// (<c>canvas = source * Scale + Offset</c>, per axis).
/// </summary>
/// <param name="Image">The canvas, exactly the requested size.</param>
/// <param name="ScaleX">Horizontal factor: resized width / source width.</param>
/// <param name="ScaleY">Vertical factor: resized height / source height (SCRFD's <c>det_scale</c>).</param>
/// <param name="OffsetX">Left edge of the resized picture in the canvas.</param>
/// <param name="OffsetY">Top edge of the resized picture in the canvas.</param>
/// <param name="ResizedWidth">Width of the resized picture.</param>
/// <param name="ResizedHeight">Height of the resized picture.</param>
public sealed record LetterboxResult(RgbImage Image, double ScaleX, double ScaleY, int OffsetX, int OffsetY, int ResizedWidth, int ResizedHeight)
{
    /// <summary>Maps a point in canvas coordinates back to the source image.</summary>
    public (double X, double Y) ToSource(double x, double y) => ((x - OffsetX) / ScaleX, (y - OffsetY) / ScaleY);

    /// <summary>Maps a point in source coordinates into the canvas.</summary>
    public (double X, double Y) ToCanvas(double x, double y) => ((x * ScaleX) + OffsetX, (y * ScaleY) + OffsetY);
}

/// <summary>Aspect-preserving fit of an image into a fixed-size canvas (detector inputs).</summary>
public static class Letterbox
{
    /// <summary>
    /// Scales <paramref name="source"/> to fit <paramref name="width"/> x <paramref name="height"/> preserving aspect
    /// (the constrained side fills the canvas, the other is <c>floor(fill * ratio)</c>, as SCRFD does), and pads
    /// with <paramref name="fill"/>.
    /// </summary>
    /// <param name="source">The picture.</param>
    /// <param name="width">Canvas width.</param>
    /// <param name="height">Canvas height.</param>
    /// <param name="anchor">Placement of the picture in the canvas.</param>
    /// <param name="fill">Padding colour (SCRFD pads with black).</param>
    /// <param name="filter">Resampling kernel.</param>
    /// <param name="antialias">Antialias when shrinking; off matches OpenCV's <c>cv2.resize</c> used by InsightFace.</param>
    public static LetterboxResult Fit(RgbImage source, int width, int height, LetterboxAnchor anchor = LetterboxAnchor.TopLeft,
        RgbColor fill = default, ResizeFilter filter = ResizeFilter.Bilinear, bool antialias = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
        {
            throw new FaceStudioValidationException(nameof(width), $"Letterbox canvas must be positive but was {width}x{height}.");
        }

        double imageRatio = (double)source.Height / source.Width;
        double canvasRatio = (double)height / width;
        int newW, newH;
        if (imageRatio > canvasRatio)
        {
            newH = height;
            newW = Math.Clamp((int)(newH / imageRatio), 1, width);
        }
        else
        {
            newW = width;
            newH = Math.Clamp((int)(newW * imageRatio), 1, height);
        }

        var resized = ImageResize.Resize(source, newW, newH, filter, antialias);
        int offX = anchor == LetterboxAnchor.Center ? (width - newW) / 2 : 0;
        int offY = anchor == LetterboxAnchor.Center ? (height - newH) / 2 : 0;

        var canvas = new RgbImage(width, height);
        Fill(canvas.Pixels, fill);
        for (int y = 0; y < newH; y++)
        {
            resized.Row(y).CopyTo(canvas.Pixels.AsSpan((((offY + y) * width) + offX) * 3));
        }

        return new LetterboxResult(canvas, (double)newW / source.Width, (double)newH / source.Height, offX, offY, newW, newH);
    }

    internal static void Fill(Span<byte> pixels, RgbColor colour)
    {
        if (colour.R == colour.G && colour.G == colour.B)
        {
            pixels.Fill(colour.R);
            return;
        }

        for (int i = 0; i + 2 < pixels.Length; i += 3)
        {
            pixels[i] = colour.R;
            pixels[i + 1] = colour.G;
            pixels[i + 2] = colour.B;
        }
    }
}
