using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Identity;

/// <summary>
/// <c>cv2.warpAffine(src, M, size, flags=INTER_LINEAR, borderMode=BORDER_CONSTANT, borderValue=0)</c> for 8-bit RGB,
/// reproduced to the bit: the forward matrix is inverted in double precision, source coordinates are computed in
/// OpenCV's 10-bit fixed point and quantised to 1/32 pixel, and the four bilinear weights are 15-bit integers.
/// Pixel centres sit on integer coordinates (no half-pixel shift); neighbours outside the source read as black.
/// </summary>
/// <remarks>
/// This is the arithmetic of OpenCV's long-standing fixed-point path (the one InsightFace installations used when
/// public identity adapters were trained). OpenCV 4.11+ may take a float path under its "accurate" hint, which
/// differs by at most one grey level at some pixels.
/// </remarks>
internal static class OpenCvAffineWarp
{
    private const int InterBits = 5;
    private const int InterTabSize = 1 << InterBits;
    private const int AbBits = 10;
    private const int AbScale = 1 << AbBits;
    private const int RoundDelta = AbScale / InterTabSize / 2;
    private const int CoefBits = 15;

    /// <summary>Warps <paramref name="source"/> by the forward (source to destination) matrix <paramref name="forward"/>.</summary>
    public static RgbImage Warp(RgbImage source, SimilarityTransform forward, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        var m = forward.ToAffineMatrix();
        InvertInPlace(m);
        var dst = new RgbImage(width, height);
        byte[] src = source.Pixels;
        byte[] output = dst.Pixels;
        int sw = source.Width, sh = source.Height, stride = sw * 3;

        var adelta = new int[width];
        var bdelta = new int[width];
        for (int x = 0; x < width; x++)
        {
            adelta[x] = CvRound(m[0] * x * AbScale);
            bdelta[x] = CvRound(m[3] * x * AbScale);
        }

        for (int y = 0; y < height; y++)
        {
            int x0 = CvRound(((m[1] * y) + m[2]) * AbScale) + RoundDelta;
            int y0 = CvRound(((m[4] * y) + m[5]) * AbScale) + RoundDelta;
            int o = y * width * 3;
            for (int x = 0; x < width; x++, o += 3)
            {
                int xf = (x0 + adelta[x]) >> (AbBits - InterBits);
                int yf = (y0 + bdelta[x]) >> (AbBits - InterBits);
                int sx = xf >> InterBits, sy = yf >> InterBits;
                int fx = xf & (InterTabSize - 1), fy = yf & (InterTabSize - 1);
                if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0)
                {
                    continue; // fully outside: border value 0, already there
                }

                // Weights of the 1/32 grid times 2^15; they sum to exactly 32768.
                int w00 = (InterTabSize - fx) * (InterTabSize - fy) * 32;
                int w01 = fx * (InterTabSize - fy) * 32;
                int w10 = (InterTabSize - fx) * fy * 32;
                int w11 = fx * fy * 32;
                if ((uint)sx < (uint)(sw - 1) && (uint)sy < (uint)(sh - 1))
                {
                    // All four taps inside (OpenCV's "inlier" path): no border checks.
                    int q00 = (sy * stride) + (sx * 3), q10 = q00 + stride;
                    output[o] = (byte)(((src[q00] * w00) + (src[q00 + 3] * w01) + (src[q10] * w10) + (src[q10 + 3] * w11) + (1 << (CoefBits - 1))) >> CoefBits);
                    output[o + 1] = (byte)(((src[q00 + 1] * w00) + (src[q00 + 4] * w01) + (src[q10 + 1] * w10) + (src[q10 + 4] * w11) + (1 << (CoefBits - 1))) >> CoefBits);
                    output[o + 2] = (byte)(((src[q00 + 2] * w00) + (src[q00 + 5] * w01) + (src[q10 + 2] * w10) + (src[q10 + 5] * w11) + (1 << (CoefBits - 1))) >> CoefBits);
                    continue;
                }

                bool inX0 = sx >= 0, inX1 = sx + 1 < sw, inY0 = sy >= 0, inY1 = sy + 1 < sh;
                int p00 = inX0 && inY0 ? (sy * stride) + (sx * 3) : -1;
                int p01 = inX1 && inY0 ? (sy * stride) + ((sx + 1) * 3) : -1;
                int p10 = inX0 && inY1 ? ((sy + 1) * stride) + (sx * 3) : -1;
                int p11 = inX1 && inY1 ? ((sy + 1) * stride) + ((sx + 1) * 3) : -1;
                for (int c = 0; c < 3; c++)
                {
                    int sum = (p00 >= 0 ? src[p00 + c] * w00 : 0)
                        + (p01 >= 0 ? src[p01 + c] * w01 : 0)
                        + (p10 >= 0 ? src[p10 + c] * w10 : 0)
                        + (p11 >= 0 ? src[p11 + c] * w11 : 0);
                    int v = (sum + (1 << (CoefBits - 1))) >> CoefBits;
                    output[o + c] = (byte)Math.Clamp(v, 0, 255);
                }
            }
        }

        return dst;
    }

    /// <summary>OpenCV's inversion of a 2×3 affine matrix (warpAffine without WARP_INVERSE_MAP).</summary>
    internal static void InvertInPlace(double[] m)
    {
        double d = (m[0] * m[4]) - (m[1] * m[3]);
        d = d != 0 ? 1.0 / d : 0;
        double a11 = m[4] * d, a22 = m[0] * d;
        m[0] = a11; m[1] *= -d;
        m[3] *= -d; m[4] = a22;
        double b1 = (-m[0] * m[2]) - (m[1] * m[5]);
        double b2 = (-m[3] * m[2]) - (m[4] * m[5]);
        m[2] = b1; m[5] = b2;
    }

    /// <summary><c>saturate_cast&lt;int&gt;(double)</c>: round half to even, saturate.</summary>
    private static int CvRound(double v)
    {
        double r = Math.Round(v, MidpointRounding.ToEven);
        return r >= int.MaxValue ? int.MaxValue : r <= int.MinValue ? int.MinValue : (int)r;
    }
}
