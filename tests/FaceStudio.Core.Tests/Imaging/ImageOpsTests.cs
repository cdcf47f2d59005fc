using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Tests.Imaging;

public class ImageOpsTests
{
    [Fact]
    public void Crop_copies_the_rectangle()
    {
        var image = TestPatterns.Random(10, 8, 5);
        var crop = ImageOps.Crop(image, 3, 2, 4, 5);
        Assert.Equal((4, 5), (crop.Width, crop.Height));
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(TestPatterns.At(image, x + 3, y + 2), TestPatterns.At(crop, x, y));
            }
        }
    }

    [Theory]
    [InlineData(-1, 0, 2, 2)]
    [InlineData(0, 0, 11, 2)]
    [InlineData(9, 7, 2, 1)]
    [InlineData(0, 0, 0, 1)]
    public void Crop_outside_the_image_is_rejected(int x, int y, int w, int h)
    {
        var image = TestPatterns.Random(10, 8, 5);
        var ex = Assert.Throws<FaceStudioValidationException>(() => ImageOps.Crop(image, x, y, w, h));
        Assert.Contains("10x8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Center_crop_rounds_the_offset_half_to_even_like_torchvision()
    {
        var image = TestPatterns.Gray(10, 9, (x, y) => (byte)(x + (16 * y)));
        var crop = ImageOps.CenterCrop(image, 5, 4);
        // left = round(2.5) = 2, top = round(2.5) = 2
        Assert.Equal((byte)(2 + 32), TestPatterns.At(crop, 0, 0).R);
        var crop2 = ImageOps.CenterCrop(image, 3, 4);
        // left = round(3.5) = 4
        Assert.Equal((byte)(4 + 32), TestPatterns.At(crop2, 0, 0).R);
    }

    [Theory]
    [InlineData(640, 480, 224, 298, 224)]
    [InlineData(480, 640, 224, 224, 298)]
    [InlineData(100, 100, 224, 224, 224)]
    public void Shortest_side_resize_truncates_the_long_side(int w, int h, int size, int ew, int eh)
    {
        var resized = ImageOps.ResizeShortestSide(TestPatterns.Random(w, h, 1), size);
        Assert.Equal((ew, eh), (resized.Width, resized.Height));
    }

    [Fact]
    public void Clip_preprocessing_geometry_is_square()
    {
        var result = ImageOps.ResizeAndCenterCrop(TestPatterns.Random(300, 200, 1), 224);
        Assert.Equal((224, 224), (result.Width, result.Height));
    }

    [Fact]
    public void Clip_centre_crop_floors_the_offset_like_CLIPImageProcessor_640x427()
    {
        // 640×427 → shortest side 224 → 335×224; CLIPImageProcessor crops at left = (335 − 224) // 2 = 55 (not 56).
        var source = TestPatterns.Random(640, 427, 7);
        var resized = ImageOps.ResizeShortestSide(source, 224);
        Assert.Equal((335, 224), (resized.Width, resized.Height));
        var result = ImageOps.ResizeAndCenterCrop(source, 224);
        Assert.Equal(ImageOps.Crop(resized, 55, 0, 224, 224).Pixels, result.Pixels);
        Assert.NotEqual(ImageOps.Crop(resized, 56, 0, 224, 224).Pixels, result.Pixels);
    }

    [Fact]
    public void Clip_centre_crop_of_an_odd_margin_starts_at_the_floored_column()
    {
        // Already at the shortest-side size (no resampling): each pixel's red/green encode its column.
        var image = new RgbImage(335, 224);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                image.Pixels[((y * image.Width) + x) * 3] = (byte)(x & 255);
                image.Pixels[(((y * image.Width) + x) * 3) + 1] = (byte)(x >> 8);
            }
        }

        var result = ImageOps.ResizeAndCenterCrop(image, 224);
        Assert.Equal(55, result.Pixels[0] + (256 * result.Pixels[1]));
    }
}
