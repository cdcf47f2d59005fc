using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using SkiaSharp;

namespace FaceStudio.Imaging.Tests;

public class SkiaImageCodecTests
{
    private readonly SkiaImageCodec _codec = new();

    [Fact]
    public void Png_round_trip_is_exact()
    {
        var image = TestImages.Random(37, 23, 1);
        using var stream = new MemoryStream();
        _codec.EncodePng(image, stream);
        byte[] png = stream.ToArray();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        stream.Position = 0;
        var back = _codec.Decode(stream, "memory.png");
        Assert.Equal((37, 23), (back.Width, back.Height));
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public async Task Async_stream_round_trip_is_exact_and_never_reads_synchronously()
    {
        var image = TestImages.Random(21, 14, 11);
        using var output = new AsyncOnlyStream(new MemoryStream());
        await _codec.EncodePngAsync(image, output);
        using var input = new AsyncOnlyStream(new MemoryStream(((MemoryStream)output.Inner).ToArray()));
        var back = await _codec.DecodeAsync(input, "upload");
        Assert.Equal(image.Pixels, back.Pixels);
        await Assert.ThrowsAsync<ImageDecodeException>(() => _codec.DecodeAsync(new AsyncOnlyStream(new MemoryStream()), "empty upload"));
    }

    [Fact]
    public void Png_file_round_trip_is_exact()
    {
        var image = TestImages.Random(8, 5, 2);
        string path = Path.Combine(Path.GetTempPath(), $"facestudio-{Guid.NewGuid():N}.png");
        try
        {
            _codec.EncodePng(image, path);
            Assert.Equal(image.Pixels, _codec.Decode(path).Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Cancelled_file_encode_leaves_an_existing_file_untouched_and_creates_none()
    {
        var image = TestImages.Random(8, 5, 4);
        string existing = Path.Combine(Path.GetTempPath(), $"facestudio-{Guid.NewGuid():N}.png");
        string absent = Path.Combine(Path.GetTempPath(), $"facestudio-{Guid.NewGuid():N}.png");
        try
        {
            _codec.EncodePng(image, existing);
            byte[] before = File.ReadAllBytes(existing);

            Assert.ThrowsAny<OperationCanceledException>(() => _codec.EncodePng(TestImages.Random(8, 5, 5), existing, new CancellationToken(canceled: true)));
            Assert.ThrowsAny<OperationCanceledException>(() => _codec.EncodePng(image, absent, new CancellationToken(canceled: true)));

            Assert.Equal(before, File.ReadAllBytes(existing));
            Assert.False(File.Exists(absent));
        }
        finally
        {
            File.Delete(existing);
            File.Delete(absent);
        }
    }

    [Fact]
    public void Skia_encoded_png_decodes_exactly()
    {
        var image = TestImages.Random(16, 9, 3);
        Assert.Equal(image.Pixels, _codec.Decode(TestImages.Encode(image, SKEncodedImageFormat.Png), "skia.png").Pixels);
    }

    [Fact]
    public void Lossless_webp_round_trip_is_exact()
    {
        var image = TestImages.Random(20, 12, 4);
        byte[] webp = TestImages.Encode(image, SKEncodedImageFormat.Webp, 100);
        Assert.Equal("WEBP"u8.ToArray(), webp[8..12]);
        Assert.Equal(image.Pixels, _codec.Decode(webp, "lossless.webp").Pixels);
    }

    [Fact]
    public void Lossy_webp_and_jpeg_decode_close_to_the_original()
    {
        var image = TestImages.Smooth(48, 32);
        foreach (var (format, name) in new[] { (SKEncodedImageFormat.Webp, "lossy.webp"), (SKEncodedImageFormat.Jpeg, "photo.jpg") })
        {
            var back = _codec.Decode(TestImages.Encode(image, format, 95), name);
            Assert.Equal((48, 32), (back.Width, back.Height));
            double mae = image.Pixels.Zip(back.Pixels, (a, b) => Math.Abs(a - b)).Average();
            Assert.True(mae < 3, $"{name}: mean abs error {mae}");
        }
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void Grayscale_files_expand_to_equal_channels(SKEncodedImageFormat format)
    {
        var info = new SKImageInfo(16, 8, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        byte[] gray = new byte[16 * 8];
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = (byte)(i * 2);
        }

        System.Runtime.InteropServices.Marshal.Copy(gray, 0, bitmap.GetPixels(), gray.Length);
        using var data = bitmap.PeekPixels().Encode(format, 100);
        var image = _codec.Decode(data!.ToArray(), "gray");
        for (int i = 0; i < gray.Length; i++)
        {
            var (r, g, b) = TestImages.At(image, i % 16, i / 16);
            Assert.Equal(r, g);
            Assert.Equal(g, b);
            Assert.InRange(r, gray[i] - (format == SKEncodedImageFormat.Png ? 0 : 3), gray[i] + (format == SKEncodedImageFormat.Png ? 0 : 3));
        }
    }

    [Fact]
    public void Sixteen_bit_png_is_reduced_to_eight_bits()
    {
        // v16 = 257 * v8 is exact in both depths; 32896 = 128 * 257.
        ushort[] rgb = [0, 0, 0, 65535, 65535, 65535, 32896, 257 * 10, 257 * 200, 257 * 77, 0, 65535];
        var image = _codec.Decode(TestImages.Png16(rgb, 2, 2), "deep.png");
        Assert.Equal(((byte)0, (byte)0, (byte)0), TestImages.At(image, 0, 0));
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(image, 1, 0));
        Assert.Equal(((byte)128, (byte)10, (byte)200), TestImages.At(image, 0, 1));
        Assert.Equal(((byte)77, (byte)0, (byte)255), TestImages.At(image, 1, 1));
    }

    [Fact]
    public void Bmp_written_from_the_spec_decodes_exactly()
    {
        var image = TestImages.Random(7, 5, 5); // odd width: rows are padded
        Assert.Equal(image.Pixels, _codec.Decode(TestImages.Bmp24(image), "spec.bmp").Pixels);
    }

    [Fact]
    public void Alpha_is_composited_over_the_background()
    {
        // Four pixels: transparent, opaque red, half-transparent red, quarter-opaque blue (unpremultiplied).
        byte[] rgba = [0, 255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 128, 0, 0, 255, 64];
        byte[] png = TestImages.EncodeRgba(rgba, 4, 1, SKEncodedImageFormat.Png);
        var (white, black) = (_codec.Decode(png, "a.png"), _codec.Decode(png, "a.png", new ImageDecodeOptions { Background = RgbColor.Black }));
        static byte Over(int c, int a, int bg) => (byte)Math.Round(((c * a) + (bg * (255 - a))) / 255.0);
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(white, 0, 0));
        Assert.Equal(((byte)255, (byte)0, (byte)0), TestImages.At(white, 1, 0));
        Assert.Equal((Over(255, 128, 255), Over(0, 128, 255), Over(0, 128, 255)), TestImages.At(white, 2, 0));
        Assert.Equal((Over(0, 64, 255), Over(0, 64, 255), Over(255, 64, 255)), TestImages.At(white, 3, 0));
        Assert.Equal(((byte)0, (byte)0, (byte)0), TestImages.At(black, 0, 0));
        Assert.Equal((Over(255, 128, 0), (byte)0, (byte)0), TestImages.At(black, 2, 0));
    }

    [Fact]
    public void Empty_input_is_a_decode_error_naming_the_source()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => _codec.Decode(Array.Empty<byte>(), "empty.png"));
        Assert.Contains("empty.png", ex.Message, StringComparison.Ordinal);
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ImageDecodeException>(() => _codec.Decode(new MemoryStream(), "stream"));
    }

    [Fact]
    public void Text_is_an_unsupported_format()
    {
        var ex = Assert.Throws<UnsupportedImageFormatException>(() => _codec.Decode("hello, world"u8.ToArray(), "notes.txt"));
        Assert.Contains("notes.txt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0x68 65 6C", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PNG, JPEG, WebP or BMP", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gif_is_reported_as_unsupported_gif()
    {
        // A valid 1x1 GIF89a (header, logical screen, 2-colour table, image descriptor, LZW data, trailer).
        byte[] gif =
        [
            .. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
            0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B,
        ];
        var ex = Assert.Throws<UnsupportedImageFormatException>(() => _codec.Decode(gif, "anim.gif"));
        Assert.Contains("GIF", ex.Found, StringComparison.Ordinal);
        Assert.Contains("anim.gif", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Truncated_files_are_decode_errors(SKEncodedImageFormat format)
    {
        byte[] full = TestImages.Encode(TestImages.Random(32, 32, 6), format, 90);
        foreach (int keep in new[] { 1, 3, 8, 12, 20, full.Length / 2, full.Length - 30 })
        {
            var ex = Assert.ThrowsAny<ImageInputException>(() => _codec.Decode(full.AsMemory(0, keep), $"cut-{keep}"));
            Assert.IsNotType<ImageTooLargeException>(ex);
            Assert.Contains($"cut-{keep}", ex.Message, StringComparison.Ordinal);
            if (keep >= 12) // shorter prefixes may not show the format yet (WebP needs 12 bytes)
            {
                Assert.IsType<ImageDecodeException>(ex);
            }
        }
    }

    [Fact]
    public void Corrupt_png_pixel_data_is_a_decode_error()
    {
        byte[] png = TestImages.Encode(TestImages.Random(32, 32, 7), SKEncodedImageFormat.Png);
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 8; i < idat + 60; i++)
        {
            png[i] ^= 0x5A;
        }

        var ex = Assert.Throws<ImageDecodeException>(() => _codec.Decode(png, "broken.png"));
        Assert.Contains("broken.png", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_decode_error_naming_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"does-not-exist-{Guid.NewGuid():N}.png");
        var ex = Assert.Throws<ImageDecodeException>(() => _codec.Decode(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(ex.InnerException);
    }

    [Fact]
    public void Size_guard_rejects_a_png_bomb_header_before_decoding()
    {
        byte[] png = TestImages.Encode(TestImages.Random(4, 4, 8), SKEncodedImageFormat.Png);
        byte[] bomb = TestImages.PngWithHeaderSize(png, 100_000, 100_000);
        var ex = Assert.Throws<ImageTooLargeException>(() => _codec.Decode(bomb, "bomb.png"));
        Assert.Equal((100_000, 100_000, ImageDecodeOptions.DefaultMaxPixels), (ex.Width, ex.Height, ex.MaxPixels));
        Assert.Contains("bomb.png", ex.Message, StringComparison.Ordinal);
        Assert.Contains("100000x100000", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ImageDecodeOptions.DefaultMaxPixels.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_guard_rejects_a_jpeg_bomb_header()
    {
        byte[] jpeg = TestImages.Encode(TestImages.Random(16, 16, 9), SKEncodedImageFormat.Jpeg, 80);
        byte[] bomb = TestImages.JpegWithFrameSize(jpeg, 60_000, 60_000);
        var ex = Assert.Throws<ImageTooLargeException>(() => _codec.Decode(bomb, "bomb.jpg"));
        Assert.Equal((60_000, 60_000), (ex.Width, ex.Height));
    }

    [Fact]
    public void Size_guard_limit_is_inclusive_and_configurable()
    {
        byte[] png = TestImages.Encode(TestImages.Random(100, 50, 10), SKEncodedImageFormat.Png);
        Assert.Equal(100, _codec.Decode(png, "ok.png", new ImageDecodeOptions { MaxPixels = 5000 }).Width);
        var ex = Assert.Throws<ImageTooLargeException>(() => _codec.Decode(png, "big.png", new ImageDecodeOptions { MaxPixels = 4999 }));
        Assert.Contains("4999", ex.Message, StringComparison.Ordinal);
        var strict = new SkiaImageCodec(new ImageDecodeOptions { MaxPixels = 100 });
        Assert.Throws<ImageTooLargeException>(() => strict.Decode(png, "default-options.png"));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<FaceStudioValidationException>(() => new SkiaImageCodec(new ImageDecodeOptions { MaxPixels = 0 }));
        Assert.Throws<FaceStudioValidationException>(() => _codec.Decode(new byte[] { 1, 2, 3 }, "x", new ImageDecodeOptions { MaxPixels = -5 }));
    }

    [Fact]
    public void All_image_errors_share_the_facestudio_base()
    {
        Assert.True(typeof(FaceStudioException).IsAssignableFrom(typeof(ImageDecodeException)));
        Assert.True(typeof(FaceStudioException).IsAssignableFrom(typeof(UnsupportedImageFormatException)));
        Assert.True(typeof(FaceStudioException).IsAssignableFrom(typeof(ImageTooLargeException)));
    }

    /// <summary>Like an ASP.NET Core request body with AllowSynchronousIO off: synchronous I/O throws.</summary>
    private sealed class AsyncOnlyStream(Stream inner) : Stream
    {
        public Stream Inner => inner;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => throw new InvalidOperationException("synchronous flush");

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous read");

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous write");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
