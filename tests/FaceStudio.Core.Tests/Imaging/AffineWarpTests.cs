using FaceStudio.Core.Imaging;
using FaceStudio.TestSupport;

namespace FaceStudio.Core.Tests.Imaging;

public class AffineWarpTests
{
    [Fact]
    public void Identity_warp_copies_the_image()
    {
        var image = TestPatterns.Random(13, 9, 11);
        Assert.Equal(image.Pixels, AffineWarp.Warp(image, AffineMatrix.Identity, 13, 9).Pixels);
    }

    [Theory]
    [InlineData(3, -2)]
    [InlineData(-5, 4)]
    [InlineData(0, 7)]
    public void Integer_translation_shifts_pixels_and_fills_border(int tx, int ty)
    {
        var image = TestPatterns.Random(12, 10, 7);
        var border = new RgbColor(9, 8, 7);
        var moved = AffineWarp.Warp(image, AffineMatrix.Translation(tx, ty), 12, 10, border);
        for (int y = 0; y < 10; y++)
        {
            for (int x = 0; x < 12; x++)
            {
                int sx = x - tx, sy = y - ty;
                var expected = sx is >= 0 and < 12 && sy is >= 0 and < 10 ? TestPatterns.At(image, sx, sy) : (border.R, border.G, border.B);
                Assert.Equal(expected, TestPatterns.At(moved, x, y));
            }
        }
    }

    [Fact]
    public void Half_pixel_translation_averages_neighbours_and_blends_the_border()
    {
        // Pixel centres at integers: dst(x) samples src(x - 0.5) = (src[x-1] + src[x]) / 2; src[-1] is the border.
        var image = TestPatterns.Gray(6, 1, (x, _) => (byte)(40 * x + 10));
        var border = new RgbColor(100, 100, 100);
        var moved = AffineWarp.Warp(image, AffineMatrix.Translation(0.5, 0), 6, 1, border);
        Assert.Equal((byte)55, TestPatterns.At(moved, 0, 0).R); // (100 + 10) / 2
        for (int x = 1; x < 6; x++)
        {
            double expected = ((40 * (x - 1)) + 10 + (40 * x) + 10) / 2.0;
            Assert.Equal((byte)Math.Round(expected, MidpointRounding.ToEven), TestPatterns.At(moved, x, 0).R);
        }
    }

    [Fact]
    public void Known_bilinear_sample_inside_a_two_by_two_image()
    {
        // Scaling by 4 maps output (1, 3) to source (0.25, 0.75).
        var image = new RgbImage(2, 2, [0, 0, 0, 100, 0, 0, 200, 0, 0, 40, 0, 0]);
        var big = AffineWarp.Warp(image, AffineMatrix.Scaling(4, 4), 8, 8);
        double expected = (0.75 * 0.25 * 0) + (0.25 * 0.25 * 100) + (0.75 * 0.75 * 200) + (0.25 * 0.75 * 40);
        Assert.Equal((byte)Math.Round(expected), TestPatterns.At(big, 1, 3).R);
        Assert.Equal((byte)100, TestPatterns.At(big, 4, 0).R); // exactly on pixel (1, 0)
    }

    [Fact]
    public void Quarter_turn_about_the_corner_maps_indices()
    {
        // angle 90 deg: (x, y) -> (-y + 8, x): dst(8 - y, x) = src(x, y) for a 9x9 image.
        var image = TestPatterns.Random(9, 9, 21);
        var turned = AffineWarp.Warp(image, AffineMatrix.Similarity(1, Math.PI / 2, 8, 0), 9, 9);
        for (int y = 0; y < 9; y++)
        {
            for (int x = 0; x < 9; x++)
            {
                Assert.Equal(TestPatterns.At(image, x, y), TestPatterns.At(turned, 8 - y, x));
            }
        }
    }

    [Fact]
    public void Constant_image_stays_constant_inside_under_rotation_and_scale()
    {
        var image = TestPatterns.Constant(40, 40, 90, 180, 45);
        var m = AffineMatrix.Translation(-20, -20).Then(AffineMatrix.Similarity(0.8, 0.3, 16, 16));
        var warped = AffineWarp.Warp(image, m, 32, 32, new RgbColor(0, 0, 0));
        var inv = m.Invert();
        int inside = 0;
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                var (sx, sy) = inv.Apply(x, y);
                if (sx is >= 0 and <= 39 && sy is >= 0 and <= 39)
                {
                    Assert.Equal(((byte)90, (byte)180, (byte)45), TestPatterns.At(warped, x, y));
                    inside++;
                }
                else if (sx < -1 || sy < -1 || sx > 40 || sy > 40)
                {
                    Assert.Equal(((byte)0, (byte)0, (byte)0), TestPatterns.At(warped, x, y));
                }
            }
        }

        Assert.True(inside > 500);
    }
}
