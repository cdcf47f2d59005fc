using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Regions;

public class BicubicMaskResamplerTests
{
    [Theory]
    [InlineData(16, 16, 64, 8, 8)]
    [InlineData(64, 64, 256, 16, 16)]
    [InlineData(9, 16, 40, 4, 10)] // a 5×8 layer: √(40 / (16/9)) = 4.74 → 4, which divides 40
    [InlineData(9, 16, 12, 2, 6)]
    [InlineData(9, 16, 4, 1, 4)]
    [InlineData(13, 7, 2, 1, 2)]
    [InlineData(4, 4, 7, 3, 2)] // √7 = 2.65 → 2, which does not divide 7 → 3; 7 // 3 = 2
    public void Mask_size_follows_diffusers_arithmetic(int h, int w, int queries, int expectedH, int expectedW)
        => Assert.Equal((expectedH, expectedW), BicubicMaskResampler.MaskSize(h, w, queries));

    [Fact]
    public void A_layer_too_small_for_the_aspect_ratio_is_a_typed_error()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => BicubicMaskResampler.MaskSize(1, 8, 2));
        Assert.Contains("no rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Halving_uses_keys_cubic_with_a_minus_three_quarters_and_clamped_taps()
    {
        // 4 → 2 across: output 0 reads [a, a, b, c], output 1 [b, c, d, d], weights (−3/32, 19/32, 19/32, −3/32).
        float[] row = [0f, 1f, 1f, 0f];
        var half = new float[2];
        BicubicMaskResampler.Resize(row, 4, 1, half, 2, 1);
        Assert.Equal([0.5f, 0.5f], half);

        float[] step = [1f, 1f, 0f, 0f];
        BicubicMaskResampler.Resize(step, 4, 1, half, 2, 1);
        Assert.Equal([1.09375f, -0.09375f], half); // overshoot at the edge, as PyTorch's bicubic does
    }

    [Theory]
    [InlineData(16, 16, 8, 8)]
    [InlineData(9, 16, 4, 10)]
    [InlineData(13, 7, 7, 4)]
    public void A_constant_plane_stays_constant(int h, int w, int dh, int dw)
    {
        float[] plane = Enumerable.Repeat(0.75f, h * w).ToArray();
        var resized = new float[dh * dw];
        BicubicMaskResampler.Resize(plane, w, h, resized, dw, dh);
        Assert.All(resized, v => Assert.Equal(0.75f, v, 1e-6f));
    }

    [Fact]
    public void The_same_size_copies_and_a_short_mask_is_padded_with_zeros()
    {
        float[] plane = [.. Enumerable.Range(0, 16).Select(i => i / 16f)];
        var copy = new float[16];
        BicubicMaskResampler.Downsample(plane, 4, 4, copy);
        Assert.Equal(plane, copy);

        // 7 queries from a square mask: diffusers resizes to 3×2 (6 values) and pads the seventh with 0.
        var seven = new float[7];
        BicubicMaskResampler.Downsample(plane, 4, 4, seven);
        var six = new float[6];
        BicubicMaskResampler.Resize(plane, 4, 4, six, 2, 3);
        Assert.Equal(six, seven[..6]);
        Assert.Equal(0f, seven[6]);
    }

    [Fact]
    public void Builder_levels_follow_the_chosen_rule()
    {
        IdentityRegion[] regions = [IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 72, 128)), IdentityRegion.FromBox(RegionBox.FromSize(72, 0, 56, 128))];
        RegionMaskSet area = RegionMaskBuilder.Build(regions, 2, 128, 128);
        RegionMaskSet bicubic = RegionMaskBuilder.Build(regions, 2, 128, 128, new RegionMaskOptions { Downsample = RegionMaskDownsample.Bicubic });
        Assert.Equal(area.Latent.Masks.Buffer, bicubic.Latent.Masks.Buffer);
        for (int level = 1; level < bicubic.Levels.Count; level++)
        {
            RegionMaskLevel b = bicubic.Levels[level];
            Assert.Equal((area.Levels[level].Height, area.Levels[level].Width), (b.Height, b.Width));
            for (int k = 0; k < 2; k++)
            {
                var expected = new float[b.Height * b.Width];
                BicubicMaskResampler.Downsample(bicubic.Latent.Mask(k), 16, 16, expected);
                Assert.Equal(expected, b.Mask(k).ToArray());
            }
        }

        // The box edge at x = 72 px (latent 9): halving once both rules give 0.5 on the edge cell, but at 4× bicubic
        // weights the cells around it (overshoot), where the area rule averages.
        Assert.Equal(area.Levels[1].Masks.Buffer, bicubic.Levels[1].Masks.Buffer);
        Assert.NotEqual(area.Levels[2].Masks.Buffer, bicubic.Levels[2].Masks.Buffer);
        Assert.True(bicubic.Levels[2].Masks.Buffer.Max() > 1f, "bicubic overshoots above 1 next to the edge");
    }

    [Fact]
    public void An_undefined_rule_is_rejected()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => new RegionMaskOptions { Downsample = (RegionMaskDownsample)7 }.Validate());
        Assert.Equal(nameof(RegionMaskOptions.Downsample), ex.ParameterName);
    }
}
