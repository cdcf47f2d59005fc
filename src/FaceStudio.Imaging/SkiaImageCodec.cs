using System.Globalization;
using FaceStudio.Core.Imaging;
using SkiaSharp;

namespace FaceStudio.Imaging;

/// <summary>
/// <see cref="IImageCodec"/> on SkiaSharp: decodes PNG, JPEG, WebP and BMP (first frame of animations) into
/// upright, opaque RGB and encodes PNG. The header is read first: the format is checked and the pixel count is
/// compared with <see cref="ImageDecodeOptions.MaxPixels"/> before any pixel memory is allocated. EXIF
/// orientation (JPEG, WebP, PNG eXIf) is applied; alpha is composited over
/// <see cref="ImageDecodeOptions.Background"/>. No colour management: pixel values are taken as stored.
/// </summary>
/// <remarks>Stateless apart from its default options, so one instance can be shared across threads.</remarks>
public sealed class SkiaImageCodec : IImageCodec
{
    private readonly ImageDecodeOptions _defaults;

    /// <summary>Creates the codec; <paramref name="defaults"/> (validated) applies when a call passes no options.</summary>
    public SkiaImageCodec(ImageDecodeOptions? defaults = null)
    {
        _defaults = defaults ?? ImageDecodeOptions.Default;
        _defaults.Validate();
    }

    /// <inheritdoc />
    public RgbImage Decode(string path, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            throw new ImageDecodeException(path, $"the file could not be read ({ex.GetType().Name}: {ex.Message}).", ex);
        }

        return Decode(data, path, options, cancellationToken);
    }

    /// <inheritdoc />
    public RgbImage Decode(Stream stream, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] data;
        try
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            data = buffer.ToArray();
        }
        catch (IOException ex)
        {
            throw new ImageDecodeException(sourceName, $"the stream could not be read ({ex.Message}).", ex);
        }

        return Decode(data, sourceName, options, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RgbImage> DecodeAsync(Stream stream, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        byte[] data;
        try
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            data = buffer.ToArray();
        }
        catch (IOException ex)
        {
            throw new ImageDecodeException(sourceName, $"the stream could not be read ({ex.Message}).", ex);
        }

        return Decode(data, sourceName, options, cancellationToken);
    }

    /// <inheritdoc />
    public RgbImage Decode(ReadOnlyMemory<byte> data, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        cancellationToken.ThrowIfCancellationRequested();
        options ??= _defaults;
        options.Validate();
        if (data.IsEmpty)
        {
            throw new ImageDecodeException(sourceName, "it is empty (0 bytes); expected PNG, JPEG, WebP or BMP data.");
        }

        using SKData skData = SKData.CreateCopy(data.Span);
        using SKCodec? codec = SKCodec.Create(skData);
        if (codec is null)
        {
            string? sniffed = ImageSignatures.Sniff(data.Span);
            if (sniffed is not null && ImageSignatures.IsSupported(sniffed))
            {
                throw new ImageDecodeException(sourceName, $"its {sniffed} header is truncated or corrupt ({data.Length} bytes).");
            }

            throw new UnsupportedImageFormatException(sourceName, sniffed is not null
                ? $"found {sniffed} data"
                : $"found unrecognised data starting with {ImageSignatures.Hex(data.Span)}");
        }

        string format = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "PNG",
            SKEncodedImageFormat.Jpeg => "JPEG",
            SKEncodedImageFormat.Webp => "WebP",
            SKEncodedImageFormat.Bmp => "BMP",
            var other => throw new UnsupportedImageFormatException(sourceName, $"found {other.ToString().ToUpperInvariant()} data"),
        };

        SKImageInfo header = codec.Info;
        if (header.Width <= 0 || header.Height <= 0)
        {
            throw new ImageDecodeException(sourceName, $"its {format} header declares an empty size {header.Width}x{header.Height}.");
        }

        // The RGBA decode buffer is one array, so the array size caps the limit whatever MaxPixels says.
        long limit = Math.Min(options.MaxPixels, Array.MaxLength / 4);
        if ((long)header.Width * header.Height > limit)
        {
            throw new ImageTooLargeException(sourceName, header.Width, header.Height, limit);
        }

        cancellationToken.ThrowIfCancellationRequested();
        bool opaque = header.AlphaType == SKAlphaType.Opaque;
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        byte[] rgba = GC.AllocateUninitializedArray<byte>(checked(header.Width * header.Height * 4));
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = rgba)
            {
                result = codec.GetPixels(info, (IntPtr)p);
            }
        }

        switch (result)
        {
            case SKCodecResult.Success:
                break;
            case SKCodecResult.IncompleteInput:
                throw new ImageDecodeException(sourceName, $"the {format} data is truncated ({data.Length} bytes end before the {header.Width}x{header.Height} image is complete).");
            case SKCodecResult.ErrorInInput:
                throw new ImageDecodeException(sourceName, $"the {format} data is corrupt (error in the compressed pixels of the {header.Width}x{header.Height} image).");
            default:
                throw new ImageDecodeException(sourceName, string.Create(CultureInfo.InvariantCulture, $"the {format} decoder failed with '{result}' for the {header.Width}x{header.Height} image."));
        }

        int orientation = (int)codec.EncodedOrigin;
        if (orientation <= 1 && codec.EncodedFormat == SKEncodedImageFormat.Png)
        {
            orientation = PngExif.ReadOrientation(data.Span); // Skia does not read PNG eXIf
        }

        return PixelConversion.ToUprightRgb(rgba, header.Width, header.Height, orientation, opaque ? null : options.Background);
    }

    /// <inheritdoc />
    public void EncodePng(RgbImage image, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        cancellationToken.ThrowIfCancellationRequested();
        destination.Write(EncodePngBytes(image));
    }

    /// <inheritdoc />
    public async Task EncodePngAsync(RgbImage image, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        cancellationToken.ThrowIfCancellationRequested();
        await destination.WriteAsync(EncodePngBytes(image), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Encodes <paramref name="image"/> as an 8-bit RGB PNG in memory.</summary>
    public static byte[] EncodePngBytes(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] rgba = PixelConversion.ToRgbx(image);
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        SKData? encoded;
        unsafe
        {
            fixed (byte* p = rgba)
            {
                using var pixmap = new SKPixmap(info, (IntPtr)p, image.Width * 4);
                encoded = pixmap.Encode(SKEncodedImageFormat.Png, 100);
            }
        }

        using (encoded)
        {
            return encoded?.ToArray() ?? throw new InvalidOperationException($"Skia's PNG encoder failed for a {image.Width}x{image.Height} image.");
        }
    }

    /// <inheritdoc />
    public void EncodePng(RgbImage image, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();

        // Encode first, then write through a temporary file renamed over the target: a cancelled or failed encode
        // never reaches the file, and devices, FIFOs, links and folders are refused as targets.
        byte[] png = EncodePngBytes(image);
        OutputFile.WriteAllBytes(path, png);
    }
}
