using System.Numerics;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.TestSupport;

namespace FaceStudio.Core.Tests.Identity;

public class WarpTests
{
    private static RgbImage Gradient(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int o = ((y * w) + x) * 3;
                img.Pixels[o] = (byte)(x * 7 % 256);
                img.Pixels[o + 1] = (byte)(y * 11 % 256);
                img.Pixels[o + 2] = (byte)(((x * 3) + (y * 5)) % 256);
            }
        }

        return img;
    }

    private static byte Px(RgbImage img, int x, int y, int c) => img.Pixels[(((y * img.Width) + x) * 3) + c];

    [Fact]
    public void Identity_warp_copies_the_image()
    {
        var src = Gradient(13, 9);
        var dst = FaceAligner.Warp(src, SimilarityTransform.Identity, 13, 9);
        Assert.Equal(src.Pixels, dst.Pixels);
    }

    [Fact]
    public void Integer_translation_moves_pixels_and_fills_black()
    {
        var src = Gradient(10, 8);
        var dst = FaceAligner.Warp(src, new SimilarityTransform(1, 0, 3, 2), 10, 8);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 10; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int expected = x - 3 >= 0 && y - 2 >= 0 ? Px(src, x - 3, y - 2, c) : 0;
                    Assert.Equal(expected, Px(dst, x, y, c));
                }
            }
        }
    }

    [Fact]
    public void Half_pixel_shift_averages_neighbours_with_round_half_up()
    {
        // dst(x) = src(x − 0.5): weights 1/2 and 1/2 in 15-bit fixed point, (a + b + 1) >> 1.
        var src = Gradient(12, 4);
        var dst = FaceAligner.Warp(src, new SimilarityTransform(1, 0, 0.5, 0), 12, 4);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 1; x < 12; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int expected = (Px(src, x - 1, y, c) + Px(src, x, y, c) + 1) >> 1;
                    Assert.Equal(expected, Px(dst, x, y, c));
                }
            }

            // Column 0 samples x = −0.5: half of the left neighbour is outside and reads as black.
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal((Px(src, 0, y, c) + 1) >> 1, Px(dst, 0, y, c));
            }
        }
    }

    [Fact]
    public void Quarter_turn_permutes_pixels_with_integer_centres()
    {
        // x' = −y + 7, y' = x: source (x, y) lands at (7 − y, x); no half-pixel shift anywhere.
        var src = Gradient(6, 8);
        var dst = FaceAligner.Warp(src, new SimilarityTransform(0, 1, 7, 0), 8, 6);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(Px(src, x, y, c), Px(dst, 7 - y, x, c));
                }
            }
        }
    }

    [Fact]
    public void Upscaling_by_two_interpolates_midpoints()
    {
        var src = Gradient(5, 5);
        var dst = FaceAligner.Warp(src, new SimilarityTransform(2, 0, 0, 0), 9, 9);
        for (int y = 0; y < 9; y += 2)
        {
            for (int x = 0; x < 9; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int expected = x % 2 == 0
                        ? Px(src, x / 2, y / 2, c)
                        : (Px(src, x / 2, y / 2, c) + Px(src, (x / 2) + 1, y / 2, c) + 1) >> 1;
                    Assert.Equal(expected, Px(dst, x, y, c));
                }
            }
        }
    }

    [Fact]
    public void Crop_brings_landmarks_onto_the_template()
    {
        // Draw five 3×3 white dots where a face scaled ×2 and shifted would have its landmarks; after alignment the
        // dots must sit on the ArcFace template points.
        var photo = new RgbImage(300, 300);
        var template = FaceAlignment.ArcFaceTemplate;
        var landmarks = new Vector2[5];
        for (int i = 0; i < 5; i++)
        {
            int cx = (int)MathF.Round((template[i].X * 2) + 50), cy = (int)MathF.Round((template[i].Y * 2) + 40);
            landmarks[i] = new Vector2(cx, cy);
            for (int dy = -2; dy <= 2; dy++)
            {
                for (int dx = -2; dx <= 2; dx++)
                {
                    photo.Row(cy + dy).Slice((cx + dx) * 3, 3).Fill(255);
                }
            }
        }

        var crop = FaceAligner.Crop(photo, landmarks);
        Assert.Equal(112, crop.Width);
        var m = FaceAlignment.EstimateNorm(landmarks);
        for (int i = 0; i < 5; i++)
        {
            var (tx, ty) = m.Apply(landmarks[i].X, landmarks[i].Y);
            Assert.Equal(255, Px(crop, (int)Math.Round(tx), (int)Math.Round(ty), 0));
            Assert.InRange(Math.Abs(tx - template[i].X), 0, 0.6);
        }

        Assert.Equal(0, Px(crop, 0, 0, 0));
    }
}

public class WarpConventionTests
{
    [Fact]
    public void Agrees_with_the_imaging_warp_to_one_grey_level()
    {
        // Both follow cv2.warpAffine's geometry (integer pixel centres, black border); the imaging warp samples at exact
        // positions, this one at OpenCV's 1/32-pixel grid, so they may differ by rounding only.
        var rng = new Random(5);
        var src = new RgbImage(97, 83);
        rng.NextBytes(src.Pixels);
        var m = SimilarityTransform.FromScaleRotation(0.83, 0.41, -12.3, 30.7);
        var ours = FaceAligner.Warp(src, m, 112, 112);
        var theirs = AffineWarp.Warp(src, new AffineMatrix(m.A, -m.B, m.Tx, m.B, m.A, m.Ty), 112, 112);
        int maxDiff = 0;
        for (int i = 0; i < ours.Pixels.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(ours.Pixels[i] - theirs.Pixels[i]));
        }

        // Random pixels have steep gradients: a 1/64-pixel position difference moves a value by up to ~4 levels.
        Assert.InRange(maxDiff, 0, 6);
        double mean = ours.Pixels.Zip(theirs.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(mean, 0, 1.0);
    }
}
