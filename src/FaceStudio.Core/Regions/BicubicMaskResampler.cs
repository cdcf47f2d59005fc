using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Regions;

/// <summary>
/// diffusers 0.28.2's <c>IPAdapterMaskProcessor.downsample</c> for one mask: derive a mask size from the attention
/// layer's query count and the mask's aspect ratio, resize with PyTorch's bicubic interpolation
/// (<c>F.interpolate(mode="bicubic", align_corners=False)</c>), flatten, then pad with zeros or cut to the query
/// count. When the derived size differs from the layer's own grid (aspect ratios that do not divide evenly), the
/// flattened values land on the layer's positions row-major all the same, as they do in diffusers.
/// </summary>
/// <remarks>
/// Hand-written to match a reference bit for bit: the size arithmetic is diffusers' (Python floats are IEEE
/// doubles, <c>int()</c> truncates), and the interpolation follows PyTorch 1.13's CPU kernel: float32 scale
/// in/out, source index <c>(float)(scale·(i + 0.5) − 0.5)</c>, floor, fraction clamped to [0, 1], Keys' cubic
/// with a = −0.75 evaluated in float32, taps clamped to the border, rows first (width pass into float32, then the
/// height pass), each 4-tap sum as <c>fma(v3, w3, fma(v2, w2, fma(v0, w0, v1·w1)))</c> (the order the AVX2 build's
/// contraction produces). Measured equal to diffusers' recorded masks for whole-number size ratios; for other
/// ratios PyTorch's weights differ from these by about 1e-7.
/// </remarks>
public static class BicubicMaskResampler
{
    private const float A = -0.75f;

    /// <summary>
    /// The size diffusers resizes a <paramref name="sourceHeight"/> × <paramref name="sourceWidth"/> mask to for a
    /// layer with <paramref name="queries"/> query positions: h = ⌊√(q / (w₀/h₀))⌋, plus 1 when h does not divide
    /// q; w = ⌊q / h⌋.
    /// </summary>
    /// <exception cref="FaceStudioValidationException">The rule gives no rows (a layer far smaller than the mask's aspect ratio allows).</exception>
    public static (int Height, int Width) MaskSize(int sourceHeight, int sourceWidth, int queries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queries);
        double ratio = (double)sourceWidth / sourceHeight;
        int h = (int)Math.Sqrt(queries / ratio);
        if (h == 0)
        {
            throw new FaceStudioValidationException("Regions", string.Create(CultureInfo.InvariantCulture, $"diffusers' bicubic mask rule gives no rows for {queries} attention positions with a {sourceHeight}×{sourceWidth} mask (aspect ratio {ratio:G4}); use fewer mask levels or the area rule."));
        }

        h += queries % h != 0 ? 1 : 0;
        return (h, queries / h);
    }

    /// <summary>
    /// Downsamples <paramref name="source"/> [<paramref name="sourceHeight"/>, <paramref name="sourceWidth"/>] into
    /// <paramref name="destination"/>, one value per query position (its length is the query count).
    /// </summary>
    public static void Downsample(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, Span<float> destination)
    {
        Check(source, sourceWidth, sourceHeight);
        (int h, int w) = MaskSize(sourceHeight, sourceWidth, destination.Length);
        var resized = new float[h * w];
        Resize(source, sourceWidth, sourceHeight, resized, w, h);
        int copied = Math.Min(resized.Length, destination.Length);
        resized.AsSpan(0, copied).CopyTo(destination);
        destination[copied..].Clear();
    }

    /// <summary>
    /// PyTorch's <c>F.interpolate(mode="bicubic", align_corners=False)</c> of one float32 plane (see the remarks
    /// of <see cref="BicubicMaskResampler"/>); the same size copies.
    /// </summary>
    public static void Resize(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, Span<float> destination, int destinationWidth, int destinationHeight)
    {
        Check(source, sourceWidth, sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(destinationWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(destinationHeight);
        if (destination.Length != destinationWidth * destinationHeight)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Destination must hold {destinationWidth * destinationHeight} values; it holds {destination.Length}."), nameof(destination));
        }

        if (sourceWidth == destinationWidth && sourceHeight == destinationHeight)
        {
            source.CopyTo(destination);
            return;
        }

        (int[] xi, float[] xw) = Taps(sourceWidth, destinationWidth);
        (int[] yi, float[] yw) = Taps(sourceHeight, destinationHeight);
        var rows = new float[sourceHeight * destinationWidth];
        for (int y = 0; y < sourceHeight; y++)
        {
            ReadOnlySpan<float> row = source.Slice(y * sourceWidth, sourceWidth);
            for (int o = 0; o < destinationWidth; o++)
            {
                int t = 4 * o;
                rows[(y * destinationWidth) + o] = Sum(row[xi[t]], row[xi[t + 1]], row[xi[t + 2]], row[xi[t + 3]], xw.AsSpan(t, 4));
            }
        }

        for (int o = 0; o < destinationHeight; o++)
        {
            int t = 4 * o;
            for (int x = 0; x < destinationWidth; x++)
            {
                destination[(o * destinationWidth) + x] = Sum(
                    rows[(yi[t] * destinationWidth) + x], rows[(yi[t + 1] * destinationWidth) + x],
                    rows[(yi[t + 2] * destinationWidth) + x], rows[(yi[t + 3] * destinationWidth) + x], yw.AsSpan(t, 4));
            }
        }
    }

    private static float Sum(float v0, float v1, float v2, float v3, ReadOnlySpan<float> w)
        => MathF.FusedMultiplyAdd(v3, w[3], MathF.FusedMultiplyAdd(v2, w[2], MathF.FusedMultiplyAdd(v0, w[0], v1 * w[1])));

    // Four clamped source indices and weights per output position (PyTorch's compute_indices_weights for cubic).
    private static (int[] Index, float[] Weight) Taps(int sourceLength, int destinationLength)
    {
        var index = new int[4 * destinationLength];
        var weight = new float[4 * destinationLength];
        float scale = (float)sourceLength / destinationLength;
        for (int o = 0; o < destinationLength; o++)
        {
            float real = (float)((scale * (o + 0.5)) - 0.5);
            int input = Math.Min((int)MathF.Floor(real), sourceLength - 1);
            float t = Math.Clamp(real - input, 0f, 1f);
            float t2 = (float)(1.0 - t);
            weight[4 * o] = Far((float)(t + 1.0));
            weight[(4 * o) + 1] = Near(t);
            weight[(4 * o) + 2] = Near(t2);
            weight[(4 * o) + 3] = Far((float)(t2 + 1.0));
            for (int j = 0; j < 4; j++)
            {
                index[(4 * o) + j] = Math.Clamp(input - 1 + j, 0, sourceLength - 1);
            }
        }

        return (index, weight);
    }

    // Keys' cubic convolution for |x| ≤ 1 and for 1 < |x| < 2, in float32 as PyTorch evaluates them.
    private static float Near(float x) => ((((A + 2f) * x) - (A + 3f)) * x * x) + 1f;

    private static float Far(float x) => ((((((A * x) - (5f * A)) * x) + (8f * A)) * x) - (4f * A));

    private static void Check(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        if (source.Length != sourceWidth * sourceHeight)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Source must hold {sourceWidth * sourceHeight} values; it holds {source.Length}."), nameof(source));
        }
    }
}
