using System.Buffers;
using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Imaging;

/// <summary>
/// Conversions between <see cref="RgbImage"/> and planar CHW float tensors (channels R, G, B), the layout image
/// models take. Batches are built by writing several images into one buffer at offsets of <c>3 * H * W</c>.
/// </summary>
public static class ImageTensors
{
    /// <summary>Converts <paramref name="image"/> to a new tensor of shape [1, 3, H, W].</summary>
    public static FloatTensor ToChw(RgbImage image, ChannelNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(image);
        var tensor = new FloatTensor(1, 3, image.Height, image.Width);
        WriteChw(image, normalization, tensor.Span);
        return tensor;
    }

    /// <summary>Stacks same-sized images into a new tensor of shape [N, 3, H, W] (for example aligned faces for ArcFace).</summary>
    public static FloatTensor ToChwBatch(IReadOnlyList<RgbImage> images, ChannelNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new FaceStudioValidationException(nameof(images), "A batch needs at least one image but the list is empty.");
        }

        int w = images[0].Width, h = images[0].Height;
        var tensor = new FloatTensor(images.Count, 3, h, w);
        int size = 3 * w * h;
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.Width != w || image.Height != h)
            {
                throw new FaceStudioValidationException(nameof(images), $"Every image in a batch must be {w}x{h} (the first one's size) but image {i} is {image.Width}x{image.Height}.");
            }

            WriteChw(image, normalization, tensor.Span.Slice(i * size, size));
        }

        return tensor;
    }

    /// <summary>
    /// Writes <paramref name="image"/> as CHW into the first <c>3 * H * W</c> floats of <paramref name="destination"/>
    /// (slice the destination to place it in a batch).
    /// </summary>
    public static void WriteChw(RgbImage image, ChannelNormalization normalization, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        normalization.Validate();
        int plane = image.Width * image.Height;
        if (destination.Length < 3 * plane)
        {
            throw new FaceStudioValidationException(nameof(destination), $"A {image.Width}x{image.Height} image needs {3 * plane} floats in CHW layout but the destination has {destination.Length}.");
        }

        // One lookup table per channel: 768 floats computed once make each pixel a load and a store, and give
        // the value of (p / divisor - mean) / std evaluated in double, rounded once.
        Span<float> lut = stackalloc float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            double divisor = normalization.Divisor, mean = normalization.MeanOf(c), std = normalization.StdOf(c);
            for (int v = 0; v < 256; v++)
            {
                lut[(c * 256) + v] = (float)(((v / divisor) - mean) / std);
            }
        }

        ReadOnlySpan<byte> src = image.Pixels;
        Span<float> r = destination[..plane];
        Span<float> g = destination.Slice(plane, plane);
        Span<float> b = destination.Slice(2 * plane, plane);
        ReadOnlySpan<float> lutR = lut[..256], lutG = lut.Slice(256, 256), lutB = lut.Slice(512, 256);
        for (int i = 0, s = 0; i < plane; i++, s += 3)
        {
            r[i] = lutR[src[s]];
            g[i] = lutG[src[s + 1]];
            b[i] = lutB[src[s + 2]];
        }
    }

    /// <summary>
    /// Converts image <paramref name="batchIndex"/> of a [N, 3, H, W] tensor back to pixels:
    /// <c>pixel = round((value * Std[c] + Mean[c]) * Divisor)</c> clamped to 0..255 (round half to even, like NumPy).
    /// </summary>
    public static RgbImage FromChw(FloatTensor tensor, ChannelNormalization normalization, int batchIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank != 4 || tensor.Dim(1) != 3)
        {
            throw new FaceStudioValidationException(nameof(tensor), $"Expected an image tensor of shape [N, 3, H, W] but found {tensor}.");
        }

        if ((uint)batchIndex >= (uint)tensor.Dim(0))
        {
            throw new FaceStudioValidationException(nameof(batchIndex), $"Batch index must be in [0, {tensor.Dim(0)}) but was {batchIndex}.");
        }

        int h = tensor.Dim(2), w = tensor.Dim(3);
        int size = 3 * h * w;
        return FromChw(tensor.Span.Slice(batchIndex * size, size), w, h, normalization);
    }

    /// <summary>Converts the first <c>3 * height * width</c> CHW floats of <paramref name="source"/> to pixels (see the tensor overload).</summary>
    public static RgbImage FromChw(ReadOnlySpan<float> source, int width, int height, ChannelNormalization normalization)
    {
        normalization.Validate();
        if (width <= 0 || height <= 0)
        {
            throw new FaceStudioValidationException(nameof(width), $"Image size must be positive but was {width}x{height}.");
        }

        int plane = checked(width * height);
        if (source.Length < 3 * plane)
        {
            throw new FaceStudioValidationException(nameof(source), $"A {width}x{height} CHW image needs {3 * plane} floats but the source has {source.Length}.");
        }

        var image = new RgbImage(width, height);
        byte[] dst = image.Pixels;
        float[] rented = ArrayPool<float>.Shared.Rent(3 * width);
        try
        {
            Span<float> rows = rented.AsSpan(0, 3 * width);
            for (int y = 0; y < height; y++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Span<float> row = rows.Slice(c * width, width);
                    TensorPrimitives.Multiply(source.Slice((c * plane) + (y * width), width), normalization.StdOf(c) * normalization.Divisor, row);
                    TensorPrimitives.Add(row, normalization.MeanOf(c) * normalization.Divisor, row);
                }

                TensorPrimitives.Clamp(rows, 0f, 255f, rows);
                TensorPrimitives.Round(rows, rows);
                ReadOnlySpan<float> r = rows[..width], g = rows.Slice(width, width), b = rows.Slice(2 * width, width);
                Span<byte> o = dst.AsSpan(y * width * 3, width * 3);
                for (int x = 0, i = 0; x < width; x++, i += 3)
                {
                    // Float-to-int conversion saturates (NaN -> 0) since .NET 9; values are already in 0..255.
                    o[i] = (byte)(int)r[x];
                    o[i + 1] = (byte)(int)g[x];
                    o[i + 2] = (byte)(int)b[x];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }

        return image;
    }
}
