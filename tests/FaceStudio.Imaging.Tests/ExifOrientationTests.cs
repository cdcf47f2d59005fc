using FaceStudio.Core.Imaging;
using SkiaSharp;

namespace FaceStudio.Imaging.Tests;

public class ExifOrientationTests
{
    private const int W = 64, H = 48, Block = 16;

    public enum Corner
    {
        TopLeft,
        TopRight,
        BottomLeft,
        BottomRight,
    }

    /// <summary>
    /// Where the stored top-left (red) and top-right (green) corners must appear once displayed, per the EXIF
    /// Orientation definitions: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise,
    /// 7 transverse, 8 rotate 90 anticlockwise.
    /// </summary>
    [Theory]
    [InlineData(1, Corner.TopLeft, Corner.TopRight)]
    [InlineData(2, Corner.TopRight, Corner.TopLeft)]
    [InlineData(3, Corner.BottomRight, Corner.BottomLeft)]
    [InlineData(4, Corner.BottomLeft, Corner.BottomRight)]
    [InlineData(5, Corner.TopLeft, Corner.BottomLeft)]
    [InlineData(6, Corner.TopRight, Corner.BottomRight)]
    [InlineData(7, Corner.BottomRight, Corner.TopRight)]
    [InlineData(8, Corner.BottomLeft, Corner.TopLeft)]
    public void Orientation_is_applied(int orientation, Corner red, Corner green)
    {
        byte[] jpeg = TestImages.WithExifOrientation(TestImages.Encode(Pattern(), SKEncodedImageFormat.Jpeg, 95), (ushort)orientation);
        var image = new SkiaImageCodec().Decode(jpeg, $"exif-{orientation}.jpg");

        bool swapped = orientation >= 5;
        Assert.Equal(swapped ? (H, W) : (W, H), (image.Width, image.Height));
        AssertColour(image, red, (255, 0, 0));
        AssertColour(image, green, (0, 255, 0));
        foreach (var other in Enum.GetValues<Corner>().Where(c => c != red && c != green))
        {
            AssertColour(image, other, (128, 128, 128));
        }
    }

    [Fact]
    public void Png_exif_chunk_orientation_is_applied()
    {
        byte[] png = TestImages.PngWithExifOrientation(TestImages.Encode(Pattern(), SKEncodedImageFormat.Png), 6);
        var image = new SkiaImageCodec().Decode(png, "exif-6.png");
        Assert.Equal((H, W), (image.Width, image.Height));
        AssertColour(image, Corner.TopRight, (255, 0, 0));
        AssertColour(image, Corner.BottomRight, (0, 255, 0));
    }

    [Fact]
    public void Webp_exif_chunk_orientation_is_applied()
    {
        byte[] webp = TestImages.WebpWithExifOrientation(TestImages.Encode(Pattern(), SKEncodedImageFormat.Webp, 100), W, H, 8);
        var image = new SkiaImageCodec().Decode(webp, "exif-8.webp");
        Assert.Equal((H, W), (image.Width, image.Height));
        AssertColour(image, Corner.BottomLeft, (255, 0, 0));
        AssertColour(image, Corner.TopLeft, (0, 255, 0));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 2, 0, 0x0F, 0x01, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 7, 0, 0, 0 }, 7)]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0 }, 1)]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 42, 0, 200, 0, 0, 0 }, 1)]
    [InlineData(new byte[] { (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, 0, 5, 0x01, 0x12 }, 1)]
    [InlineData(new byte[] { (byte)'X', (byte)'X', 0, 42, 0, 0, 0, 8 }, 1)]
    public void Tiff_orientation_reader_handles_byte_order_and_rejects_malformed_blocks(byte[] tiff, int expected)
    {
        // Little-endian second entry, out-of-range value 9, IFD beyond the end, truncated entry list, bad byte order.
        Assert.Equal(expected, PngExif.TiffOrientation(tiff));
    }

    [Fact]
    public void Jpeg_without_exif_is_left_as_stored()
    {
        var image = new SkiaImageCodec().Decode(TestImages.Encode(Pattern(), SKEncodedImageFormat.Jpeg, 95), "plain.jpg");
        Assert.Equal((W, H), (image.Width, image.Height));
        AssertColour(image, Corner.TopLeft, (255, 0, 0));
    }

    private static RgbImage Pattern()
    {
        var image = new RgbImage(W, H);
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                (byte r, byte g, byte b) = (x < Block && y < Block) ? ((byte)255, (byte)0, (byte)0)
                    : (x >= W - Block && y < Block) ? ((byte)0, (byte)255, (byte)0)
                    : ((byte)128, (byte)128, (byte)128);
                int o = ((y * W) + x) * 3;
                (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]) = (r, g, b);
            }
        }

        return image;
    }

    private static void AssertColour(RgbImage image, Corner corner, (int R, int G, int B) expected)
    {
        int x = corner is Corner.TopLeft or Corner.BottomLeft ? Block / 2 : image.Width - (Block / 2);
        int y = corner is Corner.TopLeft or Corner.TopRight ? Block / 2 : image.Height - (Block / 2);
        var (r, g, b) = TestImages.At(image, x, y);
        Assert.True(Math.Abs(r - expected.R) < 40 && Math.Abs(g - expected.G) < 40 && Math.Abs(b - expected.B) < 40,
            $"{corner} at ({x},{y}) is ({r},{g},{b}), expected {expected}");
    }
}
