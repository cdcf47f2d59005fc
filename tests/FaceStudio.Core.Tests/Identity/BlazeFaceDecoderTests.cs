using System.Numerics;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Identity;

public class BlazeFaceDecoderTests
{
    private const float Off = -50f; // logit far below any threshold

    private static (float[] S1, float[] S2, float[] R1, float[] R2) Empty()
    {
        var s1 = new float[BlazeFaceDecoder.FineAnchorCount];
        var s2 = new float[BlazeFaceDecoder.CoarseAnchorCount];
        Array.Fill(s1, Off);
        Array.Fill(s2, Off);
        return (s1, s2, new float[s1.Length * 16], new float[s2.Length * 16]);
    }

    private static LetterboxResult Canvas(int size, double scale = 1, int width = 256, int height = 256) =>
        new(new RgbImage(size, size), scale, scale, 0, 0, width, height);

    [Theory]
    [InlineData(0, 0.5f / 16, 0.5f / 16)]
    [InlineData(1, 0.5f / 16, 0.5f / 16)]           // second anchor of the first cell
    [InlineData(2, 1.5f / 16, 0.5f / 16)]           // next column
    [InlineData(32, 0.5f / 16, 1.5f / 16)]          // next row (16 cells × 2)
    [InlineData(511, 15.5f / 16, 15.5f / 16)]       // last fine anchor
    [InlineData(512, 0.5f / 8, 0.5f / 8)]           // first coarse anchor
    [InlineData(517, 0.5f / 8, 0.5f / 8)]           // sixth anchor of the same cell
    [InlineData(518, 1.5f / 8, 0.5f / 8)]
    [InlineData(895, 7.5f / 8, 7.5f / 8)]
    public void Anchors_follow_MediaPipes_layout(int index, float x, float y)
    {
        Assert.Equal(896, BlazeFaceDecoder.Anchors.Length);
        Assert.Equal(new Vector2(x, y), BlazeFaceDecoder.Anchors[index]);
    }

    [Fact]
    public void Score_is_a_clamped_sigmoid()
    {
        Assert.Equal(0.5f, BlazeFaceDecoder.Score(0f));
        Assert.Equal(1f / (1f + MathF.Exp(-2f)), BlazeFaceDecoder.Score(2f), 6);
        Assert.Equal(BlazeFaceDecoder.Score(-100f), BlazeFaceDecoder.Score(-1e30f));
        Assert.True(float.IsFinite(BlazeFaceDecoder.Score(float.MinValue)));
    }

    [Fact]
    public void Box_and_keypoints_are_offsets_from_the_anchor_in_input_pixels_then_mapped_through_the_letterbox()
    {
        var (s1, s2, r1, r2) = Empty();
        int i = 518 - 512; // coarse anchor at (1.5/8, 0.5/8) = (48, 16) px at 256
        s2[i] = 3f;
        float[] reg = [4, -2, 40, 60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        reg.CopyTo(r2, i * 16);

        // The photo was shrunk by 0.5 into the canvas: photo = canvas / 0.5.
        var decoder = new BlazeFaceDecoder(new BlazeFaceOptions());
        var face = Assert.Single(decoder.Decode(s1, s2, r1, r2, Canvas(256, 0.5)));
        Assert.Equal(BlazeFaceDecoder.Score(3f), face.Score);
        float cx = 48 + 4, cy = 16 - 2;
        Assert.Equal(RegionBox.FromCorners((cx - 20) * 2, (cy - 30) * 2, (cx + 20) * 2, (cy + 30) * 2), face.Box);
        for (int k = 0; k < 6; k++)
        {
            var want = new Vector2((48 + reg[4 + (2 * k)]) * 2, (16 + reg[5 + (2 * k)]) * 2);
            Assert.True(Vector2.Distance(want, face.Keypoints[k]) < 1e-4f, $"keypoint {k}: {face.Keypoints[k]} vs {want}");
        }
    }

    [Fact]
    public void The_front_model_scales_anchors_to_its_own_input_size()
    {
        var (s1, s2, r1, r2) = Empty();
        s1[0] = 5f;
        var decoder = new BlazeFaceDecoder(new BlazeFaceOptions { InputSize = 128 });
        var face = Assert.Single(decoder.Decode(s1, s2, r1, r2, Canvas(128)));
        Assert.Equal(new Vector2(4, 4), face.Keypoints[0]); // (0.5/16) × 128
    }

    [Fact]
    public void Candidates_below_the_threshold_are_dropped()
    {
        var (s1, s2, r1, r2) = Empty();
        s1[10] = 0.3f;  // 0.574
        s1[200] = 0.5f; // 0.622
        var decoder = new BlazeFaceDecoder(new BlazeFaceOptions { ScoreThreshold = 0.6f });
        var face = Assert.Single(decoder.Decode(s1, s2, r1, r2, Canvas(256)));
        Assert.Equal(BlazeFaceDecoder.Score(0.5f), face.Score);
    }

    [Fact]
    public void Outputs_of_the_wrong_length_are_a_contract_error()
    {
        var (s1, s2, r1, r2) = Empty();
        var decoder = new BlazeFaceDecoder(new BlazeFaceOptions());
        var error = Assert.Throws<ModelContractException>(() => decoder.Decode(s1.AsSpan(1), s2, r1, r2, Canvas(256)));
        Assert.Contains("512", error.Message, StringComparison.Ordinal);
        Assert.Contains("511", error.Message, StringComparison.Ordinal);
        Assert.Throws<ModelContractException>(() => decoder.Decode(s1, s2, r1, r2.AsSpan(16), Canvas(256)));
    }

    [Theory]
    [InlineData(100, 0.5f, 0.3f, 0.5f)]
    [InlineData(256, 1.5f, 0.3f, 0.5f)]
    [InlineData(256, 0.5f, 0f, 0.5f)]
    [InlineData(256, 0.5f, 0.3f, -0.1f)]
    public void Invalid_options_are_rejected(int size, float score, float nms, float flag) =>
        Assert.Throws<FaceStudioValidationException>(() => new BlazeFaceOptions { InputSize = size, ScoreThreshold = score, NmsThreshold = nms, FaceConfidenceThreshold = flag }.Validate());
}
