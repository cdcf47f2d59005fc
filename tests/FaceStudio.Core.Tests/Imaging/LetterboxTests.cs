using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Tests.Imaging;

public class LetterboxTests
{
    [Fact]
    public void Wide_image_fills_width_and_pads_bottom_at_top_left()
    {
        var image = TestPatterns.Constant(200, 100, 10, 20, 30);
        var result = Letterbox.Fit(image, 64, 64);
        Assert.Equal((64, 64), (result.Image.Width, result.Image.Height));
        Assert.Equal((64, 32, 0, 0), (result.ResizedWidth, result.ResizedHeight, result.OffsetX, result.OffsetY));
        Assert.Equal(0.32, result.ScaleX, 12);
        Assert.Equal(0.32, result.ScaleY, 12);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                var expected = y < 32 ? ((byte)10, (byte)20, (byte)30) : ((byte)0, (byte)0, (byte)0);
                Assert.Equal(expected, TestPatterns.At(result.Image, x, y));
            }
        }
    }

    [Fact]
    public void Tall_image_centred_with_fill_colour_and_coordinates_map_back()
    {
        var image = TestPatterns.Constant(50, 100, 200, 200, 200);
        var result = Letterbox.Fit(image, 80, 40, LetterboxAnchor.Center, new RgbColor(1, 2, 3));
        // ratio 2 > 0.5: height fills (40), width = int(40 / 2) = 20, centred at x = 30.
        Assert.Equal((20, 40, 30, 0), (result.ResizedWidth, result.ResizedHeight, result.OffsetX, result.OffsetY));
        Assert.Equal(((byte)1, (byte)2, (byte)3), TestPatterns.At(result.Image, 29, 10));
        Assert.Equal(((byte)200, (byte)200, (byte)200), TestPatterns.At(result.Image, 30, 10));
        Assert.Equal(((byte)200, (byte)200, (byte)200), TestPatterns.At(result.Image, 49, 39));
        Assert.Equal(((byte)1, (byte)2, (byte)3), TestPatterns.At(result.Image, 50, 39));
        var (cx, cy) = result.ToCanvas(25, 50);
        Assert.Equal((40.0, 20.0), (cx, cy));
        var (sx, sy) = result.ToSource(cx, cy);
        Assert.Equal(25, sx, 9);
        Assert.Equal(50, sy, 9);
    }
}
