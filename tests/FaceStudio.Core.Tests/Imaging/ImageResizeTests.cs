using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Tests.Imaging;

public class ImageResizeTests
{
    [Theory]
    [InlineData(ResizeFilter.Bilinear, true, 13, 7)]
    [InlineData(ResizeFilter.Bilinear, false, 5, 3)]
    [InlineData(ResizeFilter.Bicubic, true, 41, 29)]
    [InlineData(ResizeFilter.Bicubic, true, 6, 4)]
    [InlineData(ResizeFilter.Bicubic, false, 50, 11)]
    public void Constant_image_stays_constant(ResizeFilter filter, bool antialias, int w, int h)
    {
        var image = TestPatterns.Constant(23, 17, 200, 13, 77);
        var resized = ImageResize.Resize(image, w, h, filter, antialias);
        Assert.Equal(w, resized.Width);
        Assert.Equal(h, resized.Height);
        for (int i = 0; i < resized.Pixels.Length; i += 3)
        {
            Assert.Equal((byte)200, resized.Pixels[i]);
            Assert.Equal((byte)13, resized.Pixels[i + 1]);
            Assert.Equal((byte)77, resized.Pixels[i + 2]);
        }
    }

    [Theory]
    [InlineData(ResizeFilter.Bilinear)]
    [InlineData(ResizeFilter.Bicubic)]
    public void Same_size_is_identity(ResizeFilter filter)
    {
        var image = TestPatterns.Random(19, 11, 3);
        Assert.Equal(image.Pixels, ImageResize.Resize(image, 19, 11, filter).Pixels);
    }

    [Theory]
    [InlineData(2, ResizeFilter.Bilinear)]
    [InlineData(4, ResizeFilter.Bilinear)]
    [InlineData(2, ResizeFilter.Bicubic)]
    [InlineData(4, ResizeFilter.Bicubic)]
    public void Antialiased_even_shrink_of_checkerboard_averages_it(int factor, ResizeFilter filter)
    {
        // With the kernel stretched by an even factor, even and odd source positions get equal total weight
        // (for bilinear at factor 2: 1/8, 3/8, 3/8, 1/8), so every interior output is exactly 127.5.
        var board = TestPatterns.Checkerboard(16 * factor, 16 * factor);
        var small = ImageResize.Resize(board, 16, 16, filter, antialias: true);
        for (int y = 2; y < 14; y++)
        {
            for (int x = 2; x < 14; x++)
            {
                byte v = TestPatterns.At(small, x, y).R;
                Assert.True(v is 127 or 128, $"({x},{y}) = {v}");
            }
        }
    }

    [Fact]
    public void Antialiased_shrink_by_three_matches_triangle_weights_and_plain_sampling_aliases()
    {
        // Factor 3, bilinear: normalised taps around the centre pixel are 1/9, 2/9, 3/9, 2/9, 1/9. Same-parity
        // positions (offsets 0, +-2) weigh 5/9, the others 4/9; in 2D the centre's colour weighs 25/81 + 16/81.
        var board = TestPatterns.Checkerboard(48, 48);
        var aa = ImageResize.Resize(board, 16, 16, ResizeFilter.Bilinear, antialias: true);
        var plain = ImageResize.Resize(board, 16, 16, ResizeFilter.Bilinear, antialias: false);
        byte centreWhite = (byte)Math.Round(255.0 * 41 / 81);
        byte centreBlack = (byte)Math.Round(255.0 * 40 / 81);
        for (int y = 1; y < 15; y++)
        {
            for (int x = 1; x < 15; x++)
            {
                bool white = (x + y) % 2 == 1; // source centre pixel (3x+1, 3y+1)
                Assert.Equal(white ? centreWhite : centreBlack, TestPatterns.At(aa, x, y).R);
                // Without antialiasing the sample lands exactly on pixel 3x+1: pure black or white.
                Assert.Equal(white ? (byte)255 : (byte)0, TestPatterns.At(plain, x, y).R);
            }
        }
    }

    [Theory]
    [InlineData(ResizeFilter.Bilinear, 10, 27)]
    [InlineData(ResizeFilter.Bicubic, 10, 27)]
    [InlineData(ResizeFilter.Bilinear, 20, 40)]
    public void Upscaling_a_ramp_interpolates_linearly(ResizeFilter filter, int inW, int outW)
    {
        // Both kernels reproduce linear functions; output x samples source position (x + 0.5) * in/out - 0.5.
        int step = 200 / inW;
        var ramp = TestPatterns.Gray(inW, 3, (x, _) => (byte)((step * x) + 5));
        var up = ImageResize.Resize(ramp, outW, 3, filter);
        double scale = (double)inW / outW;
        int margin = filter == ResizeFilter.Bicubic ? 2 : 1;
        for (int x = 0; x < outW; x++)
        {
            double u = ((x + 0.5) * scale) - 0.5;
            if (u < margin - 1 || u > inW - margin)
            {
                continue;
            }

            Assert.InRange(TestPatterns.At(up, x, 1).R, (step * u) + 5 - 0.51, (step * u) + 5 + 0.51);
        }
    }

    [Fact]
    public void Bicubic_with_a_minus_half_reproduces_a_quadratic()
    {
        // Keys' kernel with a = -0.5 is exact for polynomials up to degree 2 (bilinear is not).
        static double F(double x) => 3 * (x - 7) * (x - 7);
        var q = TestPatterns.Gray(16, 1, (x, _) => (byte)F(x));
        var up = ImageResize.Resize(q, 40, 1, ResizeFilter.Bicubic);
        var lin = ImageResize.Resize(q, 40, 1, ResizeFilter.Bilinear);
        double scale = 16.0 / 40;
        int checkedCount = 0, bilinearOff = 0;
        for (int x = 0; x < 40; x++)
        {
            double u = ((x + 0.5) * scale) - 0.5;
            if (u < 1 || u > 14)
            {
                continue;
            }

            Assert.InRange(TestPatterns.At(up, x, 0).R, F(u) - 0.51, F(u) + 0.51);
            checkedCount++;
            if (Math.Abs(TestPatterns.At(lin, x, 0).R - F(u)) > 0.51)
            {
                bilinearOff++;
            }
        }

        Assert.True(checkedCount > 25);
        Assert.True(bilinearOff >= 3, "the quadratic should separate the kernels");
    }

    [Fact]
    public void Known_bilinear_upscale_of_two_pixels()
    {
        // 2 -> 4: outputs sample positions -0.25, 0.25, 0.75, 1.25; the outer ones fall back to the edge pixel.
        var two = TestPatterns.Gray(2, 1, (x, _) => x == 0 ? (byte)0 : (byte)200);
        var four = ImageResize.Resize(two, 4, 1, ResizeFilter.Bilinear);
        Assert.Equal([0, 50, 150, 200], Enumerable.Range(0, 4).Select(x => (int)TestPatterns.At(four, x, 0).R));
    }

    [Fact]
    public void Random_sizes_keep_constants_and_stay_within_the_input_range()
    {
        // Sizes from 1 to 60 in and out, both kernels, with and without antialiasing (covers the wide path too).
        var random = new Random(77);
        for (int i = 0; i < 200; i++)
        {
            int inW = random.Next(1, 61), inH = random.Next(1, 61), outW = random.Next(1, 61), outH = random.Next(1, 61);
            var filter = random.Next(2) == 0 ? ResizeFilter.Bilinear : ResizeFilter.Bicubic;
            bool antialias = random.Next(2) == 0;
            byte level = (byte)random.Next(256);
            var flat = ImageResize.Resize(TestPatterns.Constant(inW, inH, level, level, level), outW, outH, filter, antialias);
            Assert.All(flat.Pixels, v => Assert.Equal(level, v));

            // Bilinear weights are non-negative: outputs stay inside the input's range.
            var image = TestPatterns.Gray(inW, inH, (x, y) => (byte)(40 + ((x * 7 + y * 13) % 150)));
            var resized = ImageResize.Resize(image, outW, outH, ResizeFilter.Bilinear, antialias);
            Assert.All(resized.Pixels, v => Assert.InRange(v, (byte)40, (byte)189));
        }
    }

    [Fact]
    public void Rejects_non_positive_size()
    {
        var image = TestPatterns.Random(4, 4, 1);
        Assert.Throws<FaceStudioValidationException>(() => ImageResize.Resize(image, 0, 4));
    }
}
