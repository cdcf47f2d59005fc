namespace FaceStudio.Core.Regions;

/// <summary>
/// Exact area resampling of a single-channel map: each output cell is the mean of the input over the area it
/// covers, with fractional overlaps weighted exactly. The mean of the map is preserved for any size ratio.
/// </summary>
public static class AreaResampler
{
    /// <summary>Resamples <paramref name="source"/> [sh, sw] into <paramref name="destination"/> [dh, dw].</summary>
    public static void Resample(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, Span<float> destination, int destinationWidth, int destinationHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(destinationWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(destinationHeight);
        if (source.Length != sourceWidth * sourceHeight || destination.Length != destinationWidth * destinationHeight)
        {
            throw new ArgumentException($"Source must hold {sourceWidth * sourceHeight} and destination {destinationWidth * destinationHeight} values; they hold {source.Length} and {destination.Length}.", nameof(source));
        }

        (int[] xs, int[] xc, float[] xw) = Weights(sourceWidth, destinationWidth);
        (int[] ys, int[] yc, float[] yw) = Weights(sourceHeight, destinationHeight);
        var rows = new float[sourceHeight * destinationWidth];
        for (int y = 0; y < sourceHeight; y++)
        {
            ReadOnlySpan<float> row = source.Slice(y * sourceWidth, sourceWidth);
            for (int o = 0, wi = 0; o < destinationWidth; o++)
            {
                double acc = 0;
                for (int j = 0; j < xc[o]; j++, wi++)
                {
                    acc += row[xs[o] + j] * (double)xw[wi];
                }

                rows[(y * destinationWidth) + o] = (float)acc;
            }
        }

        for (int o = 0, wi = 0; o < destinationHeight; o++)
        {
            Span<float> dst = destination.Slice(o * destinationWidth, destinationWidth);
            dst.Clear();
            for (int j = 0; j < yc[o]; j++, wi++)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(rows.AsSpan((ys[o] + j) * destinationWidth, destinationWidth), yw[wi], dst, dst);
            }
        }
    }

    /// <summary>Coverage of each output interval by each input cell: first input index, count and weights (summing to 1).</summary>
    private static (int[] Start, int[] Count, float[] Weight) Weights(int sourceLength, int destinationLength)
    {
        var start = new int[destinationLength];
        var count = new int[destinationLength];
        var weights = new List<float>(sourceLength + destinationLength);
        double ratio = (double)sourceLength / destinationLength;
        for (int o = 0; o < destinationLength; o++)
        {
            double a = o * ratio;
            double b = (o + 1) * ratio;
            int first = (int)Math.Floor(a);
            int last = Math.Min(sourceLength, (int)Math.Ceiling(b)) - 1;
            start[o] = first;
            for (int i = first; i <= last; i++)
            {
                double overlap = Math.Min(b, i + 1) - Math.Max(a, i);
                weights.Add((float)(overlap / ratio));
            }

            count[o] = last - first + 1;
        }

        return (start, count, weights.ToArray());
    }
}
