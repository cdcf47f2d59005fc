using System.Buffers.Binary;
using FaceStudio.Core.Imaging;
using SkiaSharp;

namespace FaceStudio.Imaging.Tests;

/// <summary>Builds encoded test files with Skia's encoders (and by hand for BMP), independent of the decoder under test.</summary>
internal static class TestImages
{
    public static RgbImage Random(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    /// <summary>Smooth gradients (compress well and survive JPEG nearly unchanged).</summary>
    public static RgbImage Smooth(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int o = ((y * width) + x) * 3;
                image.Pixels[o] = (byte)(x * 255 / Math.Max(1, width - 1));
                image.Pixels[o + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                image.Pixels[o + 2] = 128;
            }
        }

        return image;
    }

    public static (byte R, byte G, byte B) At(RgbImage image, int x, int y)
    {
        int o = ((y * image.Width) + x) * 3;
        return (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
    }

    public static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality = 100)
    {
        byte[] rgba = new byte[image.Width * image.Height * 4];
        for (int s = 0, d = 0; s < image.Pixels.Length; s += 3, d += 4)
        {
            rgba[d] = image.Pixels[s];
            rgba[d + 1] = image.Pixels[s + 1];
            rgba[d + 2] = image.Pixels[s + 2];
            rgba[d + 3] = 255;
        }

        return EncodeRgba(rgba, image.Width, image.Height, format, quality, SKAlphaType.Opaque);
    }

    public static byte[] EncodeRgba(byte[] rgba, int width, int height, SKEncodedImageFormat format, int quality = 100, SKAlphaType alpha = SKAlphaType.Unpremul)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, alpha);
        using var bitmap = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var pixmap = bitmap.PeekPixels();
        using SKData? data = format == SKEncodedImageFormat.Webp && quality == 100
            ? pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
            : pixmap.Encode(format, quality);
        return data?.ToArray() ?? throw new InvalidOperationException($"Skia could not encode {format}.");
    }

    /// <summary>A 24-bit bottom-up BMP written from the spec (BITMAPINFOHEADER, BGR rows padded to 4 bytes).</summary>
    public static byte[] Bmp24(RgbImage image)
    {
        int rowBytes = ((image.Width * 3) + 3) & ~3;
        int pixelBytes = rowBytes * image.Height;
        byte[] file = new byte[54 + pixelBytes];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), image.Height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), pixelBytes);
        for (int y = 0; y < image.Height; y++)
        {
            int row = 54 + ((image.Height - 1 - y) * rowBytes);
            for (int x = 0; x < image.Width; x++)
            {
                var (r, g, b) = At(image, x, y);
                file[row + (x * 3)] = b;
                file[row + (x * 3) + 1] = g;
                file[row + (x * 3) + 2] = r;
            }
        }

        return file;
    }

    /// <summary>
    /// Inserts an APP1 Exif segment right after the JPEG's SOI marker: a big-endian TIFF header and one IFD0 entry,
    /// tag 0x0112 (Orientation), type SHORT, count 1, the given value.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new ArgumentException("not a JPEG", nameof(jpeg));
        }

        byte[] tiff = TiffWithOrientation(orientation);
        byte[] exifId = "Exif\0\0"u8.ToArray();
        int length = 2 + exifId.Length + tiff.Length;
        var segment = new List<byte> { 0xFF, 0xE1, (byte)(length >> 8), (byte)length };
        segment.AddRange(exifId);
        segment.AddRange(tiff);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    private static byte[] TiffWithOrientation(ushort orientation) =>
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // header, IFD0 at offset 8
            0x00, 0x01, // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, // no next IFD
        ];

    /// <summary>Inserts an eXIf chunk (PNG 1.5 extension) with the Orientation tag right after IHDR.</summary>
    public static byte[] PngWithExifOrientation(byte[] png, ushort orientation)
    {
        byte[] tiff = TiffWithOrientation(orientation);
        byte[] chunk = new byte[12 + tiff.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)tiff.Length);
        "eXIf"u8.CopyTo(chunk.AsSpan(4));
        tiff.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + tiff.Length), Crc32(chunk.AsSpan(4, 4 + tiff.Length)));
        const int afterIhdr = 8 + 12 + 13;
        return [.. png.AsSpan(0, afterIhdr), .. chunk, .. png.AsSpan(afterIhdr)];
    }

    /// <summary>
    /// Rebuilds a simple (VP8L) WebP as an extended one: a VP8X header with the EXIF flag, the image chunk, and an
    /// EXIF chunk holding the Orientation tag (RIFF layout from the WebP container specification).
    /// </summary>
    public static byte[] WebpWithExifOrientation(byte[] webp, int width, int height, ushort orientation)
    {
        if (!webp.AsSpan(12, 4).SequenceEqual("VP8L"u8) && !webp.AsSpan(12, 4).SequenceEqual("VP8 "u8))
        {
            throw new ArgumentException("expected a simple-format WebP", nameof(webp));
        }

        byte[] imageChunk = webp[12..];
        byte[] vp8x = new byte[18];
        "VP8X"u8.CopyTo(vp8x);
        BinaryPrimitives.WriteUInt32LittleEndian(vp8x.AsSpan(4), 10);
        vp8x[8] = 0x08; // EXIF metadata present
        WriteUInt24(vp8x.AsSpan(12), width - 1);
        WriteUInt24(vp8x.AsSpan(15), height - 1);
        byte[] tiff = TiffWithOrientation(orientation);
        byte[] exif = new byte[8 + tiff.Length + (tiff.Length & 1)];
        "EXIF"u8.CopyTo(exif);
        BinaryPrimitives.WriteUInt32LittleEndian(exif.AsSpan(4), (uint)tiff.Length);
        tiff.CopyTo(exif.AsSpan(8));
        byte[] header = new byte[12];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(4 + vp8x.Length + imageChunk.Length + exif.Length));
        "WEBP"u8.CopyTo(header.AsSpan(8));
        return [.. header, .. vp8x, .. imageChunk, .. exif];
    }

    private static void WriteUInt24(Span<byte> d, int v)
    {
        d[0] = (byte)v;
        d[1] = (byte)(v >> 8);
        d[2] = (byte)(v >> 16);
    }

    /// <summary>A 16-bit RGB PNG written from the specification (IHDR, one zlib IDAT with filter 0 rows, IEND).</summary>
    public static byte[] Png16(ushort[] rgb, int width, int height)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (int i = 0; i < width * 3; i++)
            {
                ushort v = rgb[(y * width * 3) + i];
                raw.WriteByte((byte)(v >> 8));
                raw.WriteByte((byte)v);
            }
        }

        var compressed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(z);
        }

        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 16; // bit depth
        ihdr[9] = 2; // colour type RGB
        var file = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        AddChunk(file, "IHDR"u8, ihdr);
        AddChunk(file, "IDAT"u8, compressed.ToArray());
        AddChunk(file, "IEND"u8, []);
        return [.. file];
    }

    private static void AddChunk(List<byte> file, ReadOnlySpan<byte> type, byte[] data)
    {
        byte[] chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        type.CopyTo(chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        file.AddRange(chunk);
    }

    /// <summary>Overwrites a PNG's IHDR width and height and fixes the chunk CRC (so only the size is "wrong").</summary>
    public static byte[] PngWithHeaderSize(byte[] png, uint width, uint height)
    {
        byte[] copy = (byte[])png.Clone();
        // Signature (8) + IHDR length (4) + "IHDR" (4): width at 16, height at 20, CRC over type+data at 29.
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    /// <summary>Overwrites the frame size in a JPEG's first SOFn segment.</summary>
    public static byte[] JpegWithFrameSize(byte[] jpeg, ushort width, ushort height)
    {
        byte[] copy = (byte[])jpeg.Clone();
        int i = 2;
        while (i + 4 < copy.Length)
        {
            byte marker = copy[i + 1];
            int len = (copy[i + 2] << 8) | copy[i + 3];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), width);
                return copy;
            }

            i += 2 + len;
        }

        throw new ArgumentException("no SOF segment", nameof(jpeg));
    }

    /// <summary>Recomputes the CRC of every chunk that still parses, so mutations reach the decoder past the CRC check.</summary>
    public static void FixPngCrcs(byte[] png)
    {
        int i = 8;
        while (i + 12 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(i));
            if (length > (uint)(png.Length - i - 12))
            {
                return;
            }

            int crcAt = i + 8 + (int)length;
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(crcAt), Crc32(png.AsSpan(i + 4, 4 + (int)length)));
            i = crcAt + 4;
        }
    }

    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
