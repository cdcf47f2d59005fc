extern alias cli;

using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;
using GenerateCommand = cli::FaceStudio.Cli.Commands.GenerateCommand;

namespace FaceStudio.Samples.Tests.Cli;

/// <summary>One box notation in the CLI: <c>faces</c> prints pixel corners <c>x0,y0,x1,y1</c>, which <c>--face PHOTO@…</c> reads back.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliBoxNotationTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Theory]
    [InlineData("me.png@10,20,74.5,100", "me.png", 10f, 20f, 74.5f, 100f)]
    [InlineData("photos/a@b.png@0,0,32,64", "photos/a@b.png", 0f, 0f, 32f, 64f)]
    public void A_face_with_a_box_is_read_as_pixel_corners(string value, string photo, float x0, float y0, float x1, float y1)
    {
        var face = GenerateCommand.ParseFaceArgument(value);

        Assert.Equal(photo, face.PhotoPath);
        Assert.Equal(RegionBox.FromCorners(x0, y0, x1, y1), face.Box);
        Assert.Null(face.MaskPath);
    }

    [Theory]
    [InlineData("me.png@mask.png", "me.png", "mask.png")]
    [InlineData("me.png", "me.png", null)]
    public void A_face_without_a_box_has_a_mask_or_nothing(string value, string photo, string? mask)
    {
        var face = GenerateCommand.ParseFaceArgument(value);

        Assert.Equal((photo, mask), (face.PhotoPath, face.MaskPath));
        Assert.Null(face.Box);
    }

    [Theory]
    [InlineData("me.png@40,0,10,64", "x1 > x0")]
    [InlineData("me.png@0,64,32,10", "y1 > y0")]
    public void An_inverted_box_is_refused_with_the_notation_named(string value, string expected)
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => GenerateCommand.ParseFaceArgument(value));

        Assert.Equal("--face", ex.ParameterName);
        Assert.Contains("x0,y0,x1,y1", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_console_line_says_what_was_read()
    {
        var face = GenerateCommand.ParseFaceArgument("photo.jpg@8,4,40,60");

        Assert.Equal("face 1: photo.jpg, region x0=8 y0=4 x1=40 y1=60 (32×56)", GenerateCommand.Describe(1, face, 64, 64));
    }

    [Fact]
    public async Task An_inverted_box_on_the_command_line_is_a_one_line_error()
    {
        string folder = fixture.NewFolder();
        string face = TestImages.SavePng(TestImages.Face(), Path.Combine(folder, "face.png"));

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--face", face + "@40,0,10,64", "--size", "64x64", "--steps", "1", "--models", fixture.Pack.Root, "--out", Path.Combine(folder, "out.png"));

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains("x1 > x0", line, StringComparison.Ordinal);
        Assert.Contains("'40,0,10,64'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_box_faces_prints_pastes_back_into_face_and_generate_prints_what_it_read()
    {
        string folder = fixture.NewFolder();
        string portrait = Path.Combine(AppContext.BaseDirectory, "TestData", "faces", "photos", "astronaut.jpg");
        CliResult faces = await CliFixture.RunAsync("faces", portrait, "--detector", "blazeface");
        Assert.Equal(0, faces.ExitCode);
        string[] words = Assert.Single(faces.OutLines).Split(' ');
        string boxText = words[Array.IndexOf(words, "box") + 1];

        // The printed box is corners: the eyes, nose and mouth listed after it lie inside it.
        RegionBox box = RegionBox.Parse(boxText);
        string[] landmarks = words[(Array.IndexOf(words, "landmarks") + 1)..];
        Assert.Equal(5, landmarks.Length);
        foreach (string point in landmarks)
        {
            float[] xy = [.. point.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
            Assert.InRange(xy[0], box.X, box.Right);
            Assert.InRange(xy[1], box.Y, box.Bottom);
        }

        // The 512×512 portrait generated at 512×512: the face's box, pasted as is, places the person.
        string output = Path.Combine(folder, "out.png");
        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a portrait", "--face", portrait + "@" + boxText, "--size", "512x512", "--steps", "1", "--seed", "3", "--models", fixture.Pack.Root, "--out", output);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"face 1: {portrait}, region {box.Describe()}", run.ErrorLines);
        Assert.True(File.Exists(output));
    }
}
