using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Identity;

public class ScrfdDecoderTests
{
    private static readonly ScrfdOptions Small = new() { InputWidth = 64, InputHeight = 32 };

    private static (float[][] S, float[][] B, float[][] K) Empty(ScrfdDecoder d) =>
        (Enumerable.Range(0, 3).Select(l => new float[d.AnchorCount(l)]).ToArray(),
         Enumerable.Range(0, 3).Select(l => new float[d.AnchorCount(l) * 4]).ToArray(),
         Enumerable.Range(0, 3).Select(l => new float[d.AnchorCount(l) * 10]).ToArray());

    [Fact]
    public void Anchor_counts_follow_the_grid()
    {
        var d = new ScrfdDecoder(new ScrfdOptions());
        Assert.Equal(80 * 80 * 2, d.AnchorCount(0));
        Assert.Equal(40 * 40 * 2, d.AnchorCount(1));
        Assert.Equal(20 * 20 * 2, d.AnchorCount(2));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 0, 0)]     // second anchor of the same location
    [InlineData(2, 8, 0)]     // next column
    [InlineData(159, 632, 0)] // last column of row 0 (80 locations × 2 anchors)
    [InlineData(160, 0, 8)]   // first column of row 1
    [InlineData(12_799, 632, 632)]
    public void Anchor_centres_are_column_row_times_stride_without_offset(int index, float x, float y)
    {
        var c = ScrfdDecoder.AnchorCentre(index, 8, 640, 2);
        Assert.Equal(x, c.X);
        Assert.Equal(y, c.Y);
    }

    [Fact]
    public void Decodes_one_anchor_into_box_and_keypoints_in_photo_pixels()
    {
        var d = new ScrfdDecoder(Small);
        var (s, b, k) = Empty(d);
        // Stride 16 level: grid 4 wide × 2 high; anchor 5 is location 2 → column 2, row 0 → centre (32, 0).
        s[1][5] = 0.9f;
        b[1][20] = 1f; b[1][21] = 0.5f; b[1][22] = 2f; b[1][23] = 3f;
        for (int p = 0; p < 5; p++)
        {
            k[1][50 + (2 * p)] = p * 0.25f;
            k[1][50 + (2 * p) + 1] = 1f;
        }

        var faces = d.Decode(s, b, k, detScale: 0.5);
        var f = Assert.Single(faces);
        Assert.Equal(0.9f, f.Score);
        // (centre ∓ distance·stride) / det_scale
        Assert.Equal((32 - 16) / 0.5f, f.Box.X);
        Assert.Equal((0 - 8) / 0.5f, f.Box.Y);
        Assert.Equal((32 + 32) / 0.5f, f.Box.Right);
        Assert.Equal((0 + 48) / 0.5f, f.Box.Bottom);
        for (int p = 0; p < 5; p++)
        {
            Assert.Equal((32 + (p * 4f)) / 0.5f, f.Landmarks[p].X);
            Assert.Equal(16 / 0.5f, f.Landmarks[p].Y);
        }
    }

    [Fact]
    public void Score_threshold_is_inclusive()
    {
        var d = new ScrfdDecoder(Small);
        var (s, b, k) = Empty(d);
        s[0][0] = 0.5f;                 // kept: scores ≥ threshold
        s[2][3] = 0.49999f;             // dropped
        b[0][2] = 1; b[0][3] = 1;
        var faces = d.Decode(s, b, k, 1.0);
        Assert.Single(faces);
        Assert.Equal(0.5f, faces[0].Score);
    }

    [Fact]
    public void Overlapping_detections_across_strides_are_suppressed()
    {
        var d = new ScrfdDecoder(Small);
        var (s, b, k) = Empty(d);
        // Stride 8, location (col 2, row 1) → centre (16, 8), anchor index 2·(8·1 + 2) = 20: box [8, 0, 24, 16].
        s[0][20] = 0.8f;
        b[0][80] = 1; b[0][81] = 1; b[0][82] = 1; b[0][83] = 1;
        // Stride 16, location (col 1, row 0) → centre (16, 0), anchor index 2: box [8, −16, 24, 16]: IoU with the first
        // is 17·17 / (17·17 + 17·33 − 17·17) = 17/33 > 0.4, and it scores higher, so it wins.
        s[1][2] = 0.95f;
        b[1][8] = 0.5f; b[1][9] = 1f; b[1][10] = 0.5f; b[1][11] = 1f;
        // Stride 32, far away: location (col 1, row 0) → centre (32, 0), box [0, 0, 64, 32] overlaps both by less.
        s[2][2] = 0.7f;
        b[2][8] = 1; b[2][9] = 0; b[2][10] = 1; b[2][11] = 1;
        var faces = d.Decode(s, b, k, 1.0);
        Assert.Equal(2, faces.Count);
        Assert.Equal(0.95f, faces[0].Score);
        Assert.Equal(RegionBox.FromCorners(8, -16, 24, 16), faces[0].Box);
        Assert.Equal(0.7f, faces[1].Score);
    }

    [Fact]
    public void Wrong_output_lengths_are_a_contract_error()
    {
        var d = new ScrfdDecoder(Small);
        var (s, b, k) = Empty(d);
        b[2] = new float[7];
        var ex = Assert.Throws<ModelContractException>(() => d.Decode(s, b, k, 1.0));
        Assert.Contains("stride 32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("holds 7", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1280, 720, 640, 640, 640, 360)]
    [InlineData(480, 640, 640, 640, 480, 640)]
    [InlineData(100, 300, 640, 640, 213, 640)] // int(640 / 3.0) truncates
    [InlineData(333, 333, 640, 640, 640, 640)]
    [InlineData(1000, 10, 640, 640, 640, 6)]   // int(640 · 0.01) = 6
    public void Letterbox_fills_the_limiting_side_and_truncates_the_other(int w, int h, int iw, int ih, int ew, int eh)
    {
        // The letterbox the detector runs (Letterbox.Fit, top-left anchor).
        var l = Letterbox.Fit(new RgbImage(w, h), iw, ih);
        Assert.Equal(ew, l.ResizedWidth);
        Assert.Equal(eh, l.ResizedHeight);
        Assert.Equal((double)eh / h, l.ScaleY);
        Assert.Equal((iw, ih), (l.Image.Width, l.Image.Height));
    }

    [Fact]
    public void Options_are_validated()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => new ScrfdDecoder(new ScrfdOptions { InputWidth = 100 }));
        Assert.Equal("InputWidth", ex.ParameterName);
        Assert.Throws<FaceStudioValidationException>(() => new ScrfdDecoder(new ScrfdOptions { NmsThreshold = 0 }));
        Assert.Throws<FaceStudioValidationException>(() => new ScrfdDecoder(new ScrfdOptions { ScoreThreshold = 1.5f }));
    }
}

public class NonMaximumSuppressionTests
{
    [Fact]
    public void Areas_are_pixel_inclusive()
    {
        // [0,0,9,9] and [5,0,14,9]: areas 10·10, intersection 5·10 → IoU 50/150 = 1/3.
        RegionBox[] boxes = [RegionBox.FromCorners(0, 0, 9, 9), RegionBox.FromCorners(5, 0, 14, 9)];
        Assert.Equal([0, 1], NonMaximumSuppression.Apply(boxes, [0.9f, 0.8f], 0.4f));
        Assert.Equal([0], NonMaximumSuppression.Apply(boxes, [0.9f, 0.8f], 0.3f));
    }

    [Fact]
    public void Suppressed_boxes_do_not_suppress_others()
    {
        // A overlaps B, B overlaps C, A does not overlap C: keep A and C.
        RegionBox[] boxes = [RegionBox.FromCorners(0, 0, 9, 9), RegionBox.FromCorners(3, 0, 12, 9), RegionBox.FromCorners(7, 0, 16, 9)];
        Assert.Equal([0, 2], NonMaximumSuppression.Apply(boxes, [0.9f, 0.8f, 0.7f], 0.4f));
    }

    [Fact]
    public void Output_is_ordered_by_score()
    {
        RegionBox[] boxes = [RegionBox.FromCorners(0, 0, 9, 9), RegionBox.FromCorners(50, 50, 59, 59), RegionBox.FromCorners(100, 0, 109, 9)];
        Assert.Equal([1, 2, 0], NonMaximumSuppression.Apply(boxes, [0.6f, 0.99f, 0.7f], 0.4f));
    }

    [Fact]
    public void Overlap_equal_to_threshold_is_kept()
    {
        // IoU exactly 0.5: [0,0,9,9] vs [0,0,9,4]: inter 50, union 100.
        RegionBox[] boxes = [RegionBox.FromCorners(0, 0, 9, 9), RegionBox.FromCorners(0, 0, 9, 4)];
        Assert.Equal([0, 1], NonMaximumSuppression.Apply(boxes, [0.9f, 0.8f], 0.5f));
        Assert.Equal([0], NonMaximumSuppression.Apply(boxes, [0.9f, 0.8f], 0.49f));
    }
}
