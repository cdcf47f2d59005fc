using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;

namespace FaceStudio.TestSupport;

/// <summary>
/// Affine warp with bilinear sampling and a constant border, following <c>cv2.warpAffine(src, M, size,
/// flags=INTER_LINEAR, borderMode=BORDER_CONSTANT, borderValue)</c>: M maps source to destination, pixel centres
/// sit at integer coordinates, and each output pixel (x, y) samples the source at <c>M⁻¹ (x, y)</c>. Taps that
/// fall outside the source take the border colour, so edges blend into it as in OpenCV.
/// </summary>
/// <remarks>The exact-position oracle beside the SDK's bit-exact OpenCV warp (FaceStudio.Core.Identity.OpenCvAffineWarp): OpenCV quantises the sample position to 1/32 pixel; this warp uses exact positions, so results differ
/// from OpenCV's by at most about one grey level.</remarks>
public static class AffineWarp
{
    /// <summary>Warps <paramref name="source"/> by <paramref name="sourceToDestination"/> into a new image of the given size.</summary>
    public static RgbImage Warp(RgbImage source, AffineMatrix sourceToDestination, int width, int height, RgbColor border = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
        {
            throw new FaceStudioValidationException(nameof(width), $"Warp output must be positive but was {width}x{height}.");
        }

        var output = new RgbImage(width, height);
        WarpInto(source, sourceToDestination, output, border);
        return output;
    }

    /// <summary>Warps into an existing <paramref name="destination"/> image (every pixel is written).</summary>
    public static void WarpInto(RgbImage source, AffineMatrix sourceToDestination, RgbImage destination, RgbColor border = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        AffineMatrix inv = sourceToDestination.Invert();
        int sw = source.Width, sh = source.Height;
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = destination.Pixels;
        int stride = sw * 3;
        float br = border.R, bg = border.G, bb = border.B;

        for (int y = 0; y < destination.Height; y++)
        {
            // Row start and per-column step of the source position: no multiplications by x in the inner loop.
            double sx = (inv.M01 * y) + inv.M02, sy = (inv.M11 * y) + inv.M12;
            int o = y * destination.Width * 3;
            for (int x = 0; x < destination.Width; x++, o += 3, sx += inv.M00, sy += inv.M10)
            {
                // Positions far outside (or NaN) give the border; the bounds keep the int conversion safe.
                if (!(sx > -1.0 && sy > -1.0 && sx < sw && sy < sh))
                {
                    dst[o] = border.R;
                    dst[o + 1] = border.G;
                    dst[o + 2] = border.B;
                    continue;
                }

                double fx0 = Math.Floor(sx), fy0 = Math.Floor(sy);
                int x0 = (int)fx0, y0 = (int)fy0;
                float ax = (float)(sx - fx0), ay = (float)(sy - fy0);
                float w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
                float r, g, b;
                if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh)
                {
                    int p = (y0 * stride) + (x0 * 3);
                    int q = p + stride;
                    r = (w00 * src[p]) + (w10 * src[p + 3]) + (w01 * src[q]) + (w11 * src[q + 3]);
                    g = (w00 * src[p + 1]) + (w10 * src[p + 4]) + (w01 * src[q + 1]) + (w11 * src[q + 4]);
                    b = (w00 * src[p + 2]) + (w10 * src[p + 5]) + (w01 * src[q + 2]) + (w11 * src[q + 5]);
                }
                else
                {
                    bool left = x0 >= 0, right = x0 + 1 < sw, top = y0 >= 0, bottom = y0 + 1 < sh;
                    int p = (y0 * stride) + (x0 * 3);
                    r = Tap(src, p, left && top, br) * w00 + Tap(src, p + 3, right && top, br) * w10
                        + Tap(src, p + stride, left && bottom, br) * w01 + Tap(src, p + stride + 3, right && bottom, br) * w11;
                    g = Tap(src, p + 1, left && top, bg) * w00 + Tap(src, p + 4, right && top, bg) * w10
                        + Tap(src, p + stride + 1, left && bottom, bg) * w01 + Tap(src, p + stride + 4, right && bottom, bg) * w11;
                    b = Tap(src, p + 2, left && top, bb) * w00 + Tap(src, p + 5, right && top, bb) * w10
                        + Tap(src, p + stride + 2, left && bottom, bb) * w01 + Tap(src, p + stride + 5, right && bottom, bb) * w11;
                }

                dst[o] = ToByte(r);
                dst[o + 1] = ToByte(g);
                dst[o + 2] = ToByte(b);
            }
        }
    }

    private static float Tap(ReadOnlySpan<byte> src, int index, bool inside, float border) => inside ? src[index] : border;

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v), 0f, 255f);
}
