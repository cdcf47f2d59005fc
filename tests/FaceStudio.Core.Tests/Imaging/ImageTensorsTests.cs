using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Tests.Imaging;

public class ImageTensorsTests
{
    [Fact]
    public void ToChw_places_channels_in_planes_with_zero_to_one_scaling()
    {
        var image = new RgbImage(2, 1, [255, 0, 128, 10, 20, 30]);
        var t = ImageTensors.ToChw(image, ChannelNormalization.ZeroToOne);
        Assert.Equal([1, 3, 1, 2], t.ShapeArray());
        float[] expected = [1f, 10 / 255f, 0f, 20 / 255f, 128 / 255f, 30 / 255f];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], t.Buffer[i], 6);
        }
    }

    [Fact]
    public void ToChw_applies_per_channel_mean_and_std()
    {
        var image = new RgbImage(1, 1, [200, 100, 50]);
        var t = ImageTensors.ToChw(image, ChannelNormalization.Clip);
        Assert.Equal(((200 / 255.0) - 0.48145466) / 0.26862954, t.Buffer[0], 5);
        Assert.Equal(((100 / 255.0) - 0.4578275) / 0.26130258, t.Buffer[1], 5);
        Assert.Equal(((50 / 255.0) - 0.40821073) / 0.27577711, t.Buffer[2], 5);

        var arc = ImageTensors.ToChw(image, ChannelNormalization.ArcFace);
        Assert.Equal((200 - 127.5) / 127.5, arc.Buffer[0], 6);
        var scrfd = ImageTensors.ToChw(image, ChannelNormalization.Scrfd);
        Assert.Equal((50 - 127.5) / 128.0, scrfd.Buffer[2], 6);
    }

    [Fact]
    public void WriteChw_fills_a_batch_slot_and_leaves_the_rest()
    {
        var a = TestPatterns.Constant(3, 2, 255, 255, 255);
        var b = TestPatterns.Constant(3, 2, 0, 51, 255);
        int size = 3 * 3 * 2;
        var batch = new float[2 * size];
        batch.AsSpan().Fill(-7f);
        ImageTensors.WriteChw(b, ChannelNormalization.MinusOneToOne, batch.AsSpan(size));
        Assert.All(batch[..size], v => Assert.Equal(-7f, v));
        Assert.All(batch[size..(size + 6)], v => Assert.Equal(-1f, v));
        Assert.All(batch[(size + 6)..(size + 12)], v => Assert.Equal(-0.6f, v, 5));
        Assert.All(batch[(size + 12)..], v => Assert.Equal(1f, v, 6));
        ImageTensors.WriteChw(a, ChannelNormalization.MinusOneToOne, batch);
        Assert.All(batch[..size], v => Assert.Equal(1f, v, 6));
    }

    [Fact]
    public void ToChwBatch_stacks_images_and_rejects_mixed_sizes()
    {
        var a = TestPatterns.Random(5, 4, 1);
        var b = TestPatterns.Random(5, 4, 2);
        var batch = ImageTensors.ToChwBatch([a, b], ChannelNormalization.ArcFace);
        Assert.Equal([2, 3, 4, 5], batch.ShapeArray());
        // Element [1, 2, 3, 4] is image b, blue channel, pixel (x=4, y=3).
        int index = (((1 * 3) + 2) * 4 * 5) + (3 * 5) + 4;
        Assert.Equal((TestPatterns.At(b, 4, 3).B - 127.5) / 127.5, batch.Buffer[index], 6);
        Assert.Equal(a.Pixels, ImageTensors.FromChw(batch, ChannelNormalization.ArcFace, 0).Pixels);
        var ex = Assert.Throws<FaceStudioValidationException>(() => ImageTensors.ToChwBatch([a, TestPatterns.Random(4, 5, 3)], ChannelNormalization.ArcFace));
        Assert.Contains("image 1 is 4x5", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Round_trip_through_chw_is_lossless(int which)
    {
        var norm = which switch
        {
            0 => ChannelNormalization.ZeroToOne,
            1 => ChannelNormalization.MinusOneToOne,
            2 => ChannelNormalization.Clip,
            _ => ChannelNormalization.ArcFace,
        };
        var image = TestPatterns.Random(17, 9, 42 + which);
        var back = ImageTensors.FromChw(ImageTensors.ToChw(image, norm), norm);
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void FromChw_clamps_rounds_half_to_even_and_maps_nan_to_zero()
    {
        // [-1, 1] -> (v / 2 + 0.5) * 255, clamped and rounded as diffusers' numpy_to_pil does.
        float[] chw = [-2f, 2f, 0f, float.NaN, 1f, -1f];
        var image = ImageTensors.FromChw(chw, 2, 1, ChannelNormalization.MinusOneToOne);
        Assert.Equal((byte)0, TestPatterns.At(image, 0, 0).R);
        Assert.Equal((byte)255, TestPatterns.At(image, 1, 0).R);
        Assert.Equal((byte)128, TestPatterns.At(image, 0, 0).G); // 127.5 rounds to even 128
        Assert.Equal((byte)0, TestPatterns.At(image, 1, 0).G);
        Assert.Equal((byte)255, TestPatterns.At(image, 0, 0).B);
        Assert.Equal((byte)0, TestPatterns.At(image, 1, 0).B);
    }

    [Fact]
    public void FromChw_reads_the_requested_batch_item()
    {
        var t = new FaceStudio.Core.Tensors.FloatTensor(2, 3, 1, 1);
        t.Buffer[3] = 1f;
        t.Buffer[4] = 0.2f;
        t.Buffer[5] = 0f;
        var image = ImageTensors.FromChw(t, ChannelNormalization.ZeroToOne, batchIndex: 1);
        Assert.Equal(((byte)255, (byte)51, (byte)0), TestPatterns.At(image, 0, 0));
        Assert.Throws<FaceStudioValidationException>(() => ImageTensors.FromChw(t, ChannelNormalization.ZeroToOne, batchIndex: 2));
    }

    [Fact]
    public void Rejects_small_destination_and_zero_std()
    {
        var image = TestPatterns.Random(4, 4, 1);
        var ex = Assert.Throws<FaceStudioValidationException>(() => ImageTensors.WriteChw(image, ChannelNormalization.ZeroToOne, new float[47]));
        Assert.Contains("48", ex.Message, StringComparison.Ordinal);
        Assert.Contains("47", ex.Message, StringComparison.Ordinal);
        var bad = new ChannelNormalization(1f, (0f, 0f, 0f), (1f, 0f, 1f));
        Assert.Throws<FaceStudioValidationException>(() => ImageTensors.ToChw(image, bad));
    }
}
