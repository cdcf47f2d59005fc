namespace FaceStudio.Core.Imaging;

/// <summary>
/// An 8-bit RGB image, pixels interleaved (R, G, B) row by row with no padding. Decoders produce it
/// with EXIF orientation applied and alpha already composited, so every algorithm sees upright, opaque pixels.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Wraps a pixel buffer of exactly <c>width * height * 3</c> bytes.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        long expected = (long)width * height * 3;
        if (pixels.LongLength != expected)
        {
            throw new ArgumentException($"A {width}x{height} RGB image needs {expected} bytes but the buffer has {pixels.LongLength}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Allocates a black image.</summary>
    public RgbImage(int width, int height) : this(width, height, new byte[checked(width * height * 3)]) { }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Interleaved RGB bytes, <c>Width * Height * 3</c> of them.</summary>
    public byte[] Pixels { get; }

    /// <summary>The bytes of row <paramref name="y"/>.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width * 3, Width * 3);

    /// <summary>Deep copy.</summary>
    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <inheritdoc />
    public override string ToString() => $"RgbImage {Width}x{Height}";
}
