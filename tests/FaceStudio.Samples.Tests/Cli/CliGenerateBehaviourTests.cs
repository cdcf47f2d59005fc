extern alias cli;

using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;
using CliRunner = cli::FaceStudio.Cli.CliRunner;
using ProgressLine = cli::FaceStudio.Cli.Commands.ProgressLine;

namespace FaceStudio.Samples.Tests.Cli;

/// <summary>What a terminal user sees of <c>generate</c>: progress, batches, Ctrl+C, provider and write errors.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliGenerateBehaviourTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Theory]
    [InlineData(1, 3, 5, 10, 7.5, " 50% image 2/3 step 5/10  2.00 steps/s  ETA 0:08")]
    [InlineData(0, 1, 25, 25, 10.0, "100% image 1/1 step 25/25  2.50 steps/s  ETA 0:00")]
    [InlineData(0, 2, 1, 4, 0.5, " 12% image 1/2 step 1/4  2.00 steps/s  ETA 0:04")]
    [InlineData(0, 200, 1, 50, 1.0, "  0% image 1/200 step 1/50  1.00 steps/s  ETA 2:46:39")]
    public void Progress_line_shows_percent_image_rate_and_eta(int image, int images, int step, int steps, double seconds, string expectedTail)
    {
        string line = ProgressLine.Describe(image, images, step, steps, TimeSpan.FromSeconds(seconds));

        Assert.EndsWith(expectedTail, line, StringComparison.Ordinal);
        Assert.StartsWith("[", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_line_before_any_time_has_passed_shows_no_rate()
    {
        Assert.EndsWith("-- steps/s  ETA --:--", ProgressLine.Describe(0, 1, 0, 10, TimeSpan.Zero), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_counts_images_of_a_batch()
    {
        string folder = fixture.NewFolder();

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--size", "64x64", "--steps", "2", "--seed", "3", "--count", "2", "--models", fixture.Pack.Root, "--out", Path.Combine(folder, "a.png"), "--progress");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("image 1/2 step 1/2", run.Error, StringComparison.Ordinal);
        Assert.Contains("100% image 2/2 step 2/2", run.Error, StringComparison.Ordinal);
        Assert.Contains("steps/s  ETA ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_writes_each_image_as_the_batch_would_make_it()
    {
        string folder = fixture.NewFolder();
        string output = Path.Combine(folder, "out.png");

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--size", "64x64", "--steps", "2", "--seed", "5", "--count", "2", "--models", fixture.Pack.Root, "--out", output, "--quiet");

        Assert.Equal(0, run.ExitCode);
        string first = Path.Combine(folder, "out-1.png"), second = Path.Combine(folder, "out-2.png");
        Assert.Equal($"wrote {first} (64x64, seed 5)", run.OutLines[0]);
        Assert.Equal($"wrote {second} (64x64, seed 6)", run.OutLines[1]);
        Assert.StartsWith("2 steps of euler-a x 2 images in ", run.OutLines[2], StringComparison.Ordinal);

        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseModelPack(fixture.Pack).Build();
        GenerationResult batch = await pipeline.GenerateAsync(new GenerationRequest { Prompt = "a cat", Width = 64, Height = 64, Steps = 2, Seed = 5, BatchCount = 2 });
        var codec = new SkiaImageCodec();
        Assert.Equal(batch.Images[0].Image.Pixels, codec.Decode(first).Pixels);
        Assert.Equal(batch.Images[1].Image.Pixels, codec.Decode(second).Pixels);
    }

    [Fact]
    public async Task Ctrl_c_keeps_the_finished_images_prints_cancelled_and_exits_130()
    {
        string folder = fixture.NewFolder();
        string output = Path.Combine(folder, "out.png");
        using var ctrlC = new CancellationTokenSource();

        // Ctrl+C as soon as the first image is reported written.
        CliResult run = await CliFixture.RunAsync(
            ["generate", "--prompt", "a cat", "--size", "64x64", "--steps", "3", "--seed", "1", "--count", "4", "--models", fixture.Pack.Root, "--out", output, "--quiet"],
            line =>
            {
                if (line.StartsWith("wrote ", StringComparison.Ordinal))
                {
                    ctrlC.Cancel();
                }
            },
            ctrlC.Token);

        Assert.Equal(CliRunner.CancelledExitCode, run.ExitCode);
        Assert.Equal(130, run.ExitCode);
        Assert.Equal("cancelled", run.ErrorLines[^1]);
        Assert.Equal([$"wrote {Path.Combine(folder, "out-1.png")} (64x64, seed 1)"], run.OutLines);
        Assert.Equal(["out-1.png"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        Assert.Equal(64, new SkiaImageCodec().Decode(Path.Combine(folder, "out-1.png")).Width);
    }

    [Fact]
    public async Task The_demo_notice_says_which_models_are_real_which_random_and_where_real_ones_come_from()
    {
        string folder = fixture.NewFolder();

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--size", "64x64", "--steps", "2", "--models", fixture.Pack.Root, "--out", Path.Combine(folder, "a.png"));

        Assert.Equal(0, run.ExitCode);
        string notice = Assert.Single(run.ErrorLines, l => l.StartsWith("Using the built-in demo pack", StringComparison.Ordinal));
        foreach (string part in new[] { "face models are real (BlazeFace + FaceMesh", "MobileFace", "denoiser, text encoder, VAE and projector have RANDOM weights", "Stable Diffusion 1.5 (CreativeML OpenRAIL-M)", "IP-Adapter-FaceID (non-commercial", "InsightFace buffalo_l (non-commercial research only)", "docs/export.md", "--models DIR" })
        {
            Assert.Contains(part, notice, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ep_help_lists_every_accepted_value()
    {
        CliResult help = await CliFixture.RunAsync("generate", "--help");

        string[] epLines = help.OutLines.SkipWhile(l => !l.TrimStart().StartsWith("--ep", StringComparison.Ordinal)).Take(4).ToArray();
        string text = string.Join(' ', epLines);
        foreach (string name in Enum.GetNames<ExecutionProviderKind>())
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_provider_missing_from_the_cli_build_says_how_to_get_it()
    {
        bool hasCuda = OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");
        string folder = fixture.NewFolder();

        // On the default (CPU) build Cuda is missing; on a CUDA build DirectML is (it is never in the tool's builds).
        string provider = hasCuda ? "DirectMl" : "Cuda";
        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--size", "64x64", "--steps", "2", "--models", fixture.Pack.Root, "--ep", provider, "--out", Path.Combine(folder, "a.png"));

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: --ep {provider}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("in your application", line, StringComparison.Ordinal);
        Assert.Contains(hasCuda ? "Microsoft.ML.OnnxRuntime.DirectML" : "-p:FaceStudioOnnxRuntime=Gpu", line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public async Task A_write_error_names_the_output_file_not_a_temporary_one()
    {
        string folder = fixture.NewFolder();

        // The output path is an existing folder, which no file can replace.
        string output = Path.Combine(folder, "taken.png");
        Directory.CreateDirectory(output);

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--size", "64x64", "--steps", "2", "--models", fixture.Pack.Root, "--out", output, "--quiet");

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains($"'{output}'", line, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", line, StringComparison.Ordinal);
        Assert.Equal(["taken.png"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task SaveAsPng_writes_the_image_and_replaces_an_existing_file()
    {
        string folder = fixture.NewFolder();
        string path = Path.Combine(folder, "img.png");
        await File.WriteAllTextAsync(path, "old");
        var image = new GeneratedImage(TestImages.Gradient(16, 8), Seed: 9);
        var codec = new SkiaImageCodec();

        string written = image.SaveAsPng(codec, path);

        Assert.Equal(path, written);
        RgbImage back = codec.Decode(path);
        Assert.Equal(image.Image.Pixels, back.Pixels);
        Assert.Equal(["img.png"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }
}
