using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

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
