using System.Text.Json;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Regions;

public class RegionBoxTests
{
    [Fact]
    public void FromCorners_keeps_the_corners_and_derives_the_size()
    {
        RegionBox box = RegionBox.FromCorners(10.5f, 20, 74.25f, 100);

        Assert.Equal((10.5f, 20f, 74.25f, 100f), (box.X, box.Y, box.Right, box.Bottom));
        Assert.Equal(63.75f, box.Width);
        Assert.Equal(80f, box.Height);
        Assert.Equal(63.75f * 80f, box.Area);
        Assert.Equal(63.75f, box.ShortSide);
        Assert.Equal(10.5f + (63.75f / 2), box.CenterX);
    }

    [Fact]
    public void FromSize_and_FromCorners_describe_the_same_box()
    {
        Assert.Equal(RegionBox.FromCorners(32, 8, 96, 72), RegionBox.FromSize(32, 8, 64, 64));
        Assert.NotEqual(RegionBox.FromCorners(32, 8, 96, 72), RegionBox.FromCorners(32, 8, 64, 64));
    }

    [Fact]
    public void Corners_are_stored_exactly_even_where_x_plus_width_would_round()
    {
        // -2.1 + (7.7 - -2.1) is not 7.7 in float: a box stored as x, y, w, h would move its right edge.
        float x0 = -2.1f, x1 = 7.7f;
        Assert.NotEqual(x1, x0 + (x1 - x0));

        RegionBox box = RegionBox.FromCorners(x0, 0, x1, 1);

        Assert.Equal(x1, box.Right);
    }

    [Fact]
    public void An_inverted_box_has_no_area()
    {
        RegionBox box = RegionBox.FromCorners(50, 50, 40, 60);

        Assert.Equal(-10f, box.Width);
        Assert.Equal(0f, box.Area);
    }

    [Theory]
    [InlineData(-10f, 5f, 30f, 80f, 0f, 5f, 30f, 64f)]
    [InlineData(70f, 70f, 90f, 90f, 64f, 64f, 64f, 64f)]
    [InlineData(1.5f, 2.5f, 10f, 20f, 1.5f, 2.5f, 10f, 20f)]
    public void ClampTo_keeps_the_part_inside_the_image(float x0, float y0, float x1, float y1, float cx0, float cy0, float cx1, float cy1)
    {
        RegionBox clamped = RegionBox.FromCorners(x0, y0, x1, y1).ClampTo(64, 64);

        Assert.Equal(RegionBox.FromCorners(cx0, cy0, cx1, cy1), clamped);
        Assert.True(clamped.Width >= 0 && clamped.Height >= 0);
    }

    [Fact]
    public void Rescale_scales_each_axis()
    {
        Assert.Equal(RegionBox.FromCorners(20, 5, 60, 25), RegionBox.FromCorners(10, 10, 30, 50).Rescale(2, 0.5f));
    }

    [Theory]
    [InlineData("10,20,74.5,100", 10f, 20f, 74.5f, 100f)]
    [InlineData(" 0, 0 ,32,64", 0f, 0f, 32f, 64f)]
    [InlineData("-5,-5,1e1,20", -5f, -5f, 10f, 20f)]
    public void Parse_reads_pixel_corners(string text, float x0, float y0, float x1, float y1)
    {
        Assert.Equal(RegionBox.FromCorners(x0, y0, x1, y1), RegionBox.Parse(text));
    }

    [Theory]
    [InlineData("1,2,three,4", "four numbers 'x0,y0,x1,y1'")]
    [InlineData("1,2,3", "four numbers 'x0,y0,x1,y1'")]
    [InlineData("1,2,3,4,5", "four numbers 'x0,y0,x1,y1'")]
    [InlineData("1,2,NaN,4", "four numbers 'x0,y0,x1,y1'")]
    [InlineData("1,2,Infinity,4", "four numbers 'x0,y0,x1,y1'")]
    [InlineData("", "four numbers 'x0,y0,x1,y1'")]
    [InlineData("10,0,5,20", "x1 > x0")]
    [InlineData("0,10,20,10", "y1 > y0")]
    public void Parse_rejects_what_is_not_a_box_and_says_what_it_expected_and_found(string text, string expected)
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => RegionBox.Parse(text, "--face"));

        Assert.Equal("--face", ex.ParameterName);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f, 0f, 32f, 64f)]
    [InlineData(1.5f, 2.25f, 30.125f, 40.0625f)]
    [InlineData(0.1f, 0.2f, 0.7f, 1e7f)]
    [InlineData(-3.3333333f, 7.7777777f, 123.456f, 654.321f)]
    public void ToString_is_the_corner_text_that_Parse_reads_back_exactly(float x0, float y0, float x1, float y1)
    {
        RegionBox box = RegionBox.FromCorners(x0, y0, x1, y1);

        string text = box.ToString();

        Assert.Equal(4, text.Split(',').Length);
        Assert.Equal(box, RegionBox.Parse(text));
    }

    [Fact]
    public void Describe_names_the_corners_and_the_size()
    {
        Assert.Equal("x0=10 y0=20.5 x1=74 y1=100 (64×79.5)", RegionBox.FromCorners(10, 20.5f, 74, 100).Describe());
    }

    [Theory]
    [InlineData("1,2,3,4", true)]
    [InlineData("1,2,30,4", true)]
    [InlineData("mask.png", false)]
    [InlineData("1,2,3", false)]
    [InlineData("a,b,c,d", false)]
    public void LooksLikeBox_tells_a_box_from_a_mask_path(string text, bool isBox)
    {
        Assert.Equal(isBox, RegionBox.LooksLikeBox(text));
    }

    [Theory]
    [InlineData(10f, 10f, 10f, 20f)]
    [InlineData(10f, 10f, 5f, 20f)]
    [InlineData(float.NaN, 0f, 5f, 20f)]
    [InlineData(0f, 0f, float.PositiveInfinity, 20f)]
    public void IdentityRegion_FromBox_rejects_a_box_without_area(float x0, float y0, float x1, float y1)
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => IdentityRegion.FromBox(RegionBox.FromCorners(x0, y0, x1, y1)));

        Assert.Equal("box", ex.ParameterName);
        Assert.Contains("x1 > x0 and y1 > y0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_the_corners_and_reads_back_exactly()
    {
        RegionBox[] boxes = [RegionBox.FromCorners(-2.1f, 0.1f, 7.7f, 1e7f), RegionBox.FromSize(0, 0, 32, 64)];

        string json = JsonSerializer.Serialize(boxes);

        Assert.StartsWith("[{\"x0\":-2.1,\"y0\":0.1,\"x1\":7.7,\"y1\":", json, StringComparison.Ordinal);
        Assert.Equal(boxes, JsonSerializer.Deserialize<RegionBox[]>(json));
    }

    [Theory]
    [InlineData("{\"x0\":1,\"y0\":2,\"x1\":3}")]
    [InlineData("[1,2,3,4]")]
    public void Json_without_four_corners_is_refused(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RegionBox>(json));
    }
}
