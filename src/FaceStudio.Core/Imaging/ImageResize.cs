using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

/// <summary>
/// Separable resampling in the style of Pillow's <c>Image.resize</c>: output pixel x samples the source around
/// centre <c>(x + 0.5) * scale</c> (pixel centres at half-integers of this coordinate, i.e. the usual
/// "align corners = false" convention); taps outside the image are dropped and the remaining weights renormalised.
/// When shrinking with <c>antialias</c> the kernel is stretched by the scale factor, so every source pixel
/// contributes (area-like averaging instead of aliasing); without it, the kernel keeps its support (OpenCV
/// <c>INTER_LINEAR</c>/<c>INTER_CUBIC</c>-like point sampling).
/// </summary>
public static class ImageResize
{
    /// <summary>Keys' cubic convolution parameter; -0.5 matches Pillow (CLIP preprocessing) and reproduces quadratics.</summary>
    public const double BicubicA = -0.5;

    /// <summary>Resizes <paramref name="source"/> to <paramref name="width"/> x <paramref name="height"/>.</summary>
    /// <param name="source">The image to resample.</param>
    /// <param name="width">Output width, positive.</param>
    /// <param name="height">Output height, positive.</param>
    /// <param name="filter">Interpolation kernel.</param>
    /// <param name="antialias">Widen the kernel when shrinking (Pillow behaviour). Turn off to mimic OpenCV's resize.</param>
    public static RgbImage Resize(RgbImage source, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
        {
            throw new FaceStudioValidationException(nameof(width), $"Resize target must be positive but was {width}x{height}.");
        }

        if (width == source.Width && height == source.Height)
        {
            // Both kernels are interpolating (weight 1 at distance 0, 0 at other integers): scale 1 is the identity.
            return source.Clone();
        }

        var horizontal = Coefficients.Compute(source.Width, width, filter, antialias);
        var vertical = Coefficients.Compute(source.Height, height, filter, antialias);

        // Pass 1: resample every source row horizontally into a float buffer (only the rows some output row uses).
        int rowFloats = width * 3;
        int firstRow = vertical.Start[0];
        int lastRow = vertical.Start[height - 1] + vertical.Count[height - 1];
        int usedRows = lastRow - firstRow;
        float[] temp = ArrayPool<float>.Shared.Rent(usedRows * rowFloats);
        float[] acc = ArrayPool<float>.Shared.Rent(rowFloats);

        // Wide kernels (strong shrinks: CLIP from a photo) run the horizontal pass as 8-lane dot products over the
        // interleaved row, with each tap weight repeated for R, G and B; narrow ones stay scalar.
        bool wide = Vector256.IsHardwareAccelerated && horizontal.MaxTaps * 3 >= WideBlock;
        int taps3 = wide ? RoundUp(horizontal.MaxTaps * 3, WideBlock) : 0;
        float[]? expanded = wide ? horizontal.ExpandInterleaved(taps3) : null;
        float[]? sourceRow = wide ? ArrayPool<float>.Shared.Rent((source.Width * 3) + taps3) : null;
        try
        {
            // The dot products may read past the row end (with zero weights): keep that padding finite.
            sourceRow?.AsSpan(source.Width * 3, taps3).Clear();
            for (int y = 0; y < usedRows; y++)
            {
                Span<float> row = temp.AsSpan(y * rowFloats, rowFloats);
                if (wide)
                {
                    WidenToFloat(source.Row(firstRow + y), sourceRow!);
                    HorizontalRowWide(sourceRow!, row, horizontal, expanded!, taps3);
                }
                else
                {
                    HorizontalRow(source.Row(firstRow + y), row, horizontal);
                }

                // Pillow stores its intermediate image as 8-bit; doing the same (clamp, round half up) keeps
                // results equal to Pillow's (CLIP preprocessing) instead of differing where bicubic overshoots.
                TensorPrimitives.Clamp(row, 0f, 255f, row);
                TensorPrimitives.Round(row, MidpointRounding.AwayFromZero, row);
            }

            // Pass 2: each output row is a weighted sum of temp rows: vectorised multiply-adds over whole rows.
            var output = new RgbImage(width, height);
            Span<float> accRow = acc.AsSpan(0, rowFloats);
            for (int oy = 0; oy < height; oy++)
            {
                int start = vertical.Start[oy] - firstRow, count = vertical.Count[oy];
                ReadOnlySpan<float> weights = vertical.Weights.AsSpan(oy * vertical.MaxTaps, count);
                TensorPrimitives.Multiply(temp.AsSpan(start * rowFloats, rowFloats), weights[0], accRow);
                for (int k = 1; k < count; k++)
                {
                    TensorPrimitives.MultiplyAdd(temp.AsSpan((start + k) * rowFloats, rowFloats), weights[k], accRow, accRow);
                }

                StoreRounded(accRow, output.Row(oy));
            }

            return output;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(temp);
            ArrayPool<float>.Shared.Return(acc);
            if (sourceRow is not null)
            {
                ArrayPool<float>.Shared.Return(sourceRow);
            }
        }
    }

    /// <summary>Lanes per wide step: the least common multiple of 3 channels and 8 float lanes.</summary>
    private const int WideBlock = 24;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static void WidenToFloat(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (; i <= source.Length - 32; i += 32)
        {
            var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
            var (a, b) = Vector256.Widen(lo);
            var (c, e) = Vector256.Widen(hi);
            Vector256.ConvertToSingle(a.AsInt32()).StoreUnsafe(ref d, (nuint)i);
            Vector256.ConvertToSingle(b.AsInt32()).StoreUnsafe(ref d, (nuint)(i + 8));
            Vector256.ConvertToSingle(c.AsInt32()).StoreUnsafe(ref d, (nuint)(i + 16));
            Vector256.ConvertToSingle(e.AsInt32()).StoreUnsafe(ref d, (nuint)(i + 24));
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    private static void HorizontalRowWide(float[] source, Span<float> dst, Coefficients c, float[] expanded, int taps3)
    {
        ref float sourceRef = ref MemoryMarshal.GetArrayDataReference(source);
        ref float weightRef = ref MemoryMarshal.GetArrayDataReference(expanded);
        Span<float> lanes = stackalloc float[WideBlock];
        for (int ox = 0; ox < c.Count.Length; ox++)
        {
            int n = RoundUp(c.Count[ox] * 3, WideBlock);
            ref float s = ref Unsafe.Add(ref sourceRef, c.Start[ox] * 3);
            ref float w = ref Unsafe.Add(ref weightRef, ox * taps3);
            Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero, a2 = Vector256<float>.Zero;
            for (int j = 0; j < n; j += WideBlock)
            {
                a0 += Vector256.LoadUnsafe(ref w, (nuint)j) * Vector256.LoadUnsafe(ref s, (nuint)j);
                a1 += Vector256.LoadUnsafe(ref w, (nuint)(j + 8)) * Vector256.LoadUnsafe(ref s, (nuint)(j + 8));
                a2 += Vector256.LoadUnsafe(ref w, (nuint)(j + 16)) * Vector256.LoadUnsafe(ref s, (nuint)(j + 16));
            }

            // Lane p of the 24 holds products of channel p % 3.
            a0.CopyTo(lanes);
            a1.CopyTo(lanes[8..]);
            a2.CopyTo(lanes[16..]);
            float r = 0, g = 0, b = 0;
            for (int p = 0; p < WideBlock; p += 3)
            {
                r += lanes[p];
                g += lanes[p + 1];
                b += lanes[p + 2];
            }

            dst[ox * 3] = r;
            dst[(ox * 3) + 1] = g;
            dst[(ox * 3) + 2] = b;
        }
    }

    /// <summary>Clamps to 0..255, rounds half up (as Pillow) and stores a row of floats as bytes.</summary>
    internal static void StoreRounded(Span<float> values, Span<byte> destination)
    {
        TensorPrimitives.Clamp(values, 0f, 255f, values);
        TensorPrimitives.Round(values, MidpointRounding.AwayFromZero, values);
        for (int i = 0; i < destination.Length; i++)
        {
            // Float-to-int conversion saturates (NaN -> 0) since .NET 9; the value is already in 0..255.
            destination[i] = (byte)(int)values[i];
        }
    }

    private static void HorizontalRow(ReadOnlySpan<byte> src, Span<float> dst, Coefficients c)
    {
        // Bounds were established when the coefficients were built (Start + Count <= source width), so the
        // inner loop walks refs instead of re-slicing spans per output pixel.
        int taps = c.MaxTaps;
        ref float weights = ref MemoryMarshal.GetArrayDataReference(c.Weights);
        ref byte srcRef = ref MemoryMarshal.GetReference(src);
        ref float dstRef = ref MemoryMarshal.GetReference(dst);
        int outWidth = c.Count.Length;
        for (int ox = 0; ox < outWidth; ox++)
        {
            int count = c.Count[ox];
            ref float w = ref Unsafe.Add(ref weights, ox * taps);
            ref byte px = ref Unsafe.Add(ref srcRef, c.Start[ox] * 3);
            float r = 0, g = 0, b = 0;
            for (int k = 0; k < count; k++)
            {
                float wk = Unsafe.Add(ref w, k);
                r += wk * Unsafe.Add(ref px, 0);
                g += wk * Unsafe.Add(ref px, 1);
                b += wk * Unsafe.Add(ref px, 2);
                px = ref Unsafe.Add(ref px, 3);
            }

            ref float o = ref Unsafe.Add(ref dstRef, ox * 3);
            o = r;
            Unsafe.Add(ref o, 1) = g;
            Unsafe.Add(ref o, 2) = b;
        }
    }

    /// <summary>The kernel, evaluated at <paramref name="x"/> in kernel units.</summary>
    internal static double Kernel(ResizeFilter filter, double x)
    {
        x = Math.Abs(x);
        if (filter == ResizeFilter.Bilinear)
        {
            return x < 1.0 ? 1.0 - x : 0.0;
        }

        const double a = BicubicA;
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1.0;
        }

        return x < 2.0 ? (((((a * x) - (5.0 * a)) * x) + (8.0 * a)) * x) - (4.0 * a) : 0.0;
    }

    /// <summary>Precomputed taps for one axis: for output i, <c>Count[i]</c> weights starting at source <c>Start[i]</c>.</summary>
    internal sealed class Coefficients
    {
        private Coefficients(int[] start, int[] count, float[] weights, int maxTaps)
        {
            Start = start;
            Count = count;
            Weights = weights;
            MaxTaps = maxTaps;
        }

        public int[] Start { get; }

        public int[] Count { get; }

        /// <summary>Row-major [output, MaxTaps]; entries past Count are zero.</summary>
        public float[] Weights { get; }

        public int MaxTaps { get; }

        /// <summary>Weights as [output, stride] with each tap repeated for R, G, B and zeros after the last tap.</summary>
        public float[] ExpandInterleaved(int stride)
        {
            var expanded = new float[Count.Length * stride];
            for (int i = 0; i < Count.Length; i++)
            {
                for (int k = 0; k < Count[i]; k++)
                {
                    float w = Weights[(i * MaxTaps) + k];
                    int o = (i * stride) + (k * 3);
                    expanded[o] = w;
                    expanded[o + 1] = w;
                    expanded[o + 2] = w;
                }
            }

            return expanded;
        }

        public static Coefficients Compute(int inSize, int outSize, ResizeFilter filter, bool antialias)
        {
            double scale = (double)inSize / outSize;
            double support = filter == ResizeFilter.Bilinear ? 1.0 : 2.0;
            double kernelScale = antialias ? Math.Max(scale, 1.0) : 1.0;
            support *= kernelScale;
            int maxTaps = (int)Math.Ceiling(support) * 2 + 1;
            var start = new int[outSize];
            var count = new int[outSize];
            var weights = new float[outSize * maxTaps];
            double[] scratch = new double[maxTaps];
            for (int i = 0; i < outSize; i++)
            {
                double center = (i + 0.5) * scale;
                int lo = Math.Max((int)Math.Floor(center - support + 0.5), 0);
                int hi = Math.Min((int)Math.Floor(center + support + 0.5), inSize);
                if (hi <= lo)
                {
                    // Degenerate window (cannot happen for positive sizes, kept for safety): nearest pixel.
                    lo = Math.Clamp((int)center, 0, inSize - 1);
                    hi = lo + 1;
                }

                int n = Math.Min(hi - lo, maxTaps);
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    double v = Kernel(filter, (lo + k + 0.5 - center) / kernelScale);
                    scratch[k] = v;
                    sum += v;
                }

                if (sum == 0)
                {
                    // All taps at zero crossings: fall back to the nearest source pixel.
                    int nearest = Math.Clamp((int)Math.Floor(center), lo, lo + n - 1);
                    Array.Clear(scratch, 0, n);
                    scratch[nearest - lo] = 1.0;
                    sum = 1.0;
                }

                for (int k = 0; k < n; k++)
                {
                    weights[(i * maxTaps) + k] = (float)(scratch[k] / sum);
                }

                start[i] = lo;
                count[i] = n;
            }

            return new Coefficients(start, count, weights, maxTaps);
        }
    }
}
