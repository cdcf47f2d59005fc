using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Tests.Regions;

public class RegionMaskBuilderTests
{
    private static double Sum(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (float v in values)
        {
            s += v;
        }

        return s;
    }

    [Fact]
    public void Box_masks_have_the_box_area_at_every_latent_resolution()
    {
        // A box with fractional edges: area 201.5 × 299.25 px² on a 512 × 512 image.
        var box = RegionBox.FromSize(100.25f, 60.5f, 201.5f, 299.25f);
        RegionMaskSet set = RegionMaskBuilder.Build([IdentityRegion.FromBox(box)], 1, 512, 512);

        Assert.Equal([64, 32, 16, 8], set.Levels.Select(l => l.Height));
        Assert.Equal([64, 32, 16, 8], set.Levels.Select(l => l.Width));
        foreach (RegionMaskLevel level in set.Levels)
        {
            double cellArea = 512.0 / level.Width * (512.0 / level.Height);
            Assert.Equal(201.5 * 299.25, Sum(level.Mask(0)) * cellArea, 0.5);
        }
    }

    [Fact]
    public void Cells_fully_inside_are_one_and_partial_cells_hold_their_covered_fraction()
    {
        // On 64 px → 8 × 8 latents: x from 12 to 40 covers cell 1 by 4/8, cells 2–4 fully; y from 0 to 8 is row 0.
        RegionMaskSet set = RegionMaskBuilder.Build([IdentityRegion.FromBox(RegionBox.FromSize(12, 0, 28, 8))], 1, 64, 64, new RegionMaskOptions { Levels = 1 });
        ReadOnlySpan<float> m = set.Latent.Mask(0);

        Assert.Equal([0f, 0.5f, 1f, 1f, 1f, 0f, 0f, 0f], m[..8].ToArray());
        Assert.Equal(0.0, Sum(m[8..]));
    }

    [Fact]
    public void Mask_images_are_resampled_by_area()
    {
        // 100 × 60 mask image, left 30 columns white: 30 % of the area at every level, stretched onto 256 × 128.
        var image = new RgbImage(100, 60);
        for (int y = 0; y < 60; y++)
        {
            image.Row(y)[..90].Fill(255);
        }

        RegionMaskSet set = RegionMaskBuilder.Build([IdentityRegion.FromMaskImage(image)], 1, 256, 128);

        Assert.Equal((16, 32), (set.Latent.Height, set.Latent.Width));
        foreach (RegionMaskLevel level in set.Levels)
        {
            Assert.Equal(0.3, Sum(level.Mask(0)) / (level.Width * level.Height), 1e-5);
        }
    }

    [Fact]
    public void Overlaps_are_normalised_so_masks_sum_to_at_most_one()
    {
        IdentityRegion left = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 40, 64));
        IdentityRegion right = IdentityRegion.FromBox(RegionBox.FromSize(24, 0, 40, 64));
        RegionMaskSet set = RegionMaskBuilder.Build([left, right], 2, 64, 64);

        RegionMaskLevel l = set.Latent;
        Assert.Equal(1f, l.Mask(0)[0]);   // column 0: left only
        Assert.Equal(0.5f, l.Mask(0)[3]); // columns 3–4: both, shared
        Assert.Equal(0.5f, l.Mask(1)[3]);
        Assert.Equal(1f, l.Mask(1)[7]);
        foreach (RegionMaskLevel level in set.Levels)
        {
            int plane = level.Width * level.Height;
            for (int p = 0; p < plane; p++)
            {
                Assert.InRange(level.Mask(0)[p] + level.Mask(1)[p], 0f, 1.000001f);
            }
        }
    }

    [Fact]
    public void First_wins_gives_the_overlap_to_the_earlier_identity()
    {
        IdentityRegion left = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 40, 64));
        IdentityRegion right = IdentityRegion.FromBox(RegionBox.FromSize(24, 0, 40, 64));
        RegionMaskSet set = RegionMaskBuilder.Build([left, right], 2, 64, 64, new RegionMaskOptions { Overlap = RegionOverlap.FirstWins });

        Assert.Equal(1f, set.Latent.Mask(0)[4]);
        Assert.Equal(0f, set.Latent.Mask(1)[4]);
        Assert.Equal(1f, set.Latent.Mask(1)[5]);
    }

    [Fact]
    public void Soft_edges_blur_the_border_and_keep_the_inside()
    {
        RegionMaskSet set = RegionMaskBuilder.Build([IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 128, 256))], 1, 256, 256, new RegionMaskOptions { SoftEdgeRadius = 2, Levels = 1 });
        ReadOnlySpan<float> row = set.Latent.Mask(0)[(16 * 32)..(17 * 32)];

        // Box covers columns 0–15; radius 2 window of 5: column 15 sees 3 of 5 inside, column 16 sees 2, column 18 none.
        Assert.Equal(1f, row[12], 6);
        Assert.Equal(0.6f, row[15], 6);
        Assert.Equal(0.4f, row[16], 6);
        Assert.Equal(0f, row[18]);
        Assert.Equal(1f, row[0], 6); // the cut window at the border is renormalised
    }

    [Fact]
    public void Region_count_must_match_identity_count()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => RegionMaskBuilder.Build([IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 8, 8))], 2, 64, 64));
        Assert.Equal("Regions", ex.ParameterName);
        Assert.Contains("2 identities but 1 regions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_regions_and_bad_sizes_are_rejected()
    {
        var outside = Assert.Throws<FaceStudioValidationException>(() => RegionMaskBuilder.Build([IdentityRegion.FromBox(RegionBox.FromSize(100, 100, 8, 8))], 1, 64, 64));
        Assert.Contains("covers no part", outside.Message, StringComparison.Ordinal);
        var size = Assert.Throws<FaceStudioValidationException>(() => RegionMaskBuilder.Build([IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 8, 8))], 1, 60, 64));
        Assert.Contains("multiples of 8", size.Message, StringComparison.Ordinal);
        var radius = Assert.Throws<FaceStudioValidationException>(() => RegionMaskBuilder.Full(1, 64, 64, new RegionMaskOptions { SoftEdgeRadius = 17 }));
        Assert.Equal(nameof(RegionMaskOptions.SoftEdgeRadius), radius.ParameterName);
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(5, 8)]
    [InlineData(64, 32)]
    public void Area_resampling_preserves_the_mean(int source, int destination)
    {
        float[] src = Tests.Guidance.GuidanceTestKit.Random(3, source * source);
        var dst = new float[destination * destination];

        AreaResampler.Resample(src, source, source, dst, destination, destination);

        Assert.Equal(Sum(src) / src.Length, Sum(dst) / dst.Length, 1e-5);
    }

    [Fact]
    public void Float_masks_are_clamped_and_stretched()
    {
        var mask = new FloatTensor([2f, -1f, 0.5f, 0.5f], 2, 2);
        RegionMaskSet set = RegionMaskBuilder.Build([IdentityRegion.FromMask(mask)], 1, 16, 16, new RegionMaskOptions { Levels = 1 });

        Assert.Equal([1f, 0f, 0.5f, 0.5f], set.Latent.Mask(0).ToArray());
        Assert.Throws<FaceStudioValidationException>(() => IdentityRegion.FromMask(new FloatTensor([float.NaN], 1, 1)));
    }
}
