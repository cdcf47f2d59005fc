extern alias cli;

using System.Globalization;
using System.Text.Json.Nodes;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Identity;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.TestSupport;
using GenerateCommand = cli::FaceStudio.Cli.Commands.GenerateCommand;

namespace FaceStudio.Samples.Tests.Cli;

/// <summary>The CLI commands run in process on a demo pack generated into a temporary folder.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private static readonly string ClipTokenizer = Path.Combine(AppContext.BaseDirectory, "TestData", "clip-tokenizer");

    /// <summary>No model location from the environment, and the default demo cache in a temporary folder.</summary>
    private Dictionary<string, string?> CleanEnvironment() => new()
    {
        ["FACESTUDIO_TOKENIZER"] = null,
        ["FACESTUDIO_DETECTOR"] = null,
        ["FACESTUDIO_EMBEDDER"] = null,
        ["XDG_DATA_HOME"] = fixture.NewFolder(),
    };

    [Fact]
    public async Task Generate_writes_the_pipelines_png_and_prints_the_summary()
    {
        string folder = fixture.NewFolder();
        string output = Path.Combine(folder, "out.png");

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--size", "80x64", "--steps", "3", "--seed", "7", "--models", fixture.Pack.Root, "--out", output, "--quiet");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(2, run.OutLines.Length);
        Assert.Equal($"wrote {output} (80x64, seed 7)", run.OutLines[0]);
        Assert.StartsWith("3 steps of euler-a in ", run.OutLines[1], StringComparison.Ordinal);
        Assert.EndsWith("[demo models: noise-like pictures]", run.OutLines[1], StringComparison.Ordinal);
        Assert.Equal(["out.png"], Directory.GetFiles(folder).Select(Path.GetFileName));

        RgbImage written = new SkiaImageCodec().Decode(output);
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseModelPack(fixture.Pack).Build();
        GenerationResult expected = await pipeline.GenerateAsync(new GenerationRequest { Prompt = "a cat", Width = 80, Height = 64, Steps = 3, Seed = 7 });
        Assert.Equal(expected.Images[0].Image.Pixels, written.Pixels);
    }

    [Fact]
    public async Task Generate_with_a_face_and_a_prompt_starting_with_at_is_text_not_a_response_file()
    {
        string folder = fixture.NewFolder();
        string face = TestImages.SavePng(TestImages.Face(), Path.Combine(folder, "face.png"));
        string output = Path.Combine(folder, "out.png");

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "@home portrait", "--face", face, "--size", "64x64", "--steps", "2", "--seed", "1", "--models", fixture.Pack.Root, "--out", output, "--quiet");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"wrote {output} (64x64, seed 1)", run.OutLines[0]);
    }

    [Fact]
    public async Task Generate_draws_progress_with_the_progress_flag_and_not_when_stderr_is_redirected()
    {
        string folder = fixture.NewFolder();
        string[] args = ["generate", "--prompt", "a cat", "--size", "64x64", "--steps", "3", "--seed", "2", "--models", fixture.Pack.Root, "--out", Path.Combine(folder, "a.png")];

        CliResult withFlag = await CliFixture.RunAsync([.. args, "--progress"]);
        CliResult quiet = await CliFixture.RunAsync([.. args, "--progress", "--quiet"]);
        CliResult plain = await CliFixture.RunAsync(args);

        Assert.Equal(0, withFlag.ExitCode);
        Assert.Contains("100% image 1/1 step 3/3", withFlag.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("step", quiet.Error, StringComparison.Ordinal);

        // Under the test host stderr is a pipe; when it is, the default is no bar.
        Assert.Equal(Console.IsErrorRedirected, !plain.Error.Contains("step 3/3", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, false, false, true)]
    [InlineData(false, false, true, false)]
    [InlineData(false, true, true, true)]
    [InlineData(true, true, false, false)]
    [InlineData(true, false, false, false)]
    public void Progress_bar_rule(bool quiet, bool progress, bool redirected, bool shown) =>
        Assert.Equal(shown, GenerateCommand.ShowsProgress(quiet, progress, redirected));

    [Theory]
    [InlineData("size", "100")]
    [InlineData("steps", "0")]
    [InlineData("face", "missing-face.png")]
    [InlineData("scheduler", "no-such-sampler")]
    public async Task Generate_errors_are_one_line_exit_1_and_leave_no_file(string problem, string mentioned)
    {
        string folder = fixture.NewFolder();
        string output = Path.Combine(folder, "out.png");
        var args = new List<string> { "generate", "--prompt", "a cat", "--steps", "2", "--size", "64x64", "--models", fixture.Pack.Root, "--out", output };
        switch (problem)
        {
            case "size": args[args.IndexOf("64x64")] = "100x100"; break;
            case "steps": args[args.IndexOf("2")] = "0"; break;
            case "face": args.AddRange(["--face", Path.Combine(folder, "missing-face.png")]); break;
            case "scheduler": args.AddRange(["--scheduler", "no-such-sampler"]); break;
        }

        CliResult run = await CliFixture.RunAsync([.. args]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Out);
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(mentioned, line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public async Task Tokenize_prints_clip_ids_with_the_shared_tokenizer()
    {
        CliResult cat = await CliFixture.RunAsync("tokenize", "a photo of a cat", "--tokenizer", ClipTokenizer);
        CliResult astronaut = await CliFixture.RunAsync("tokenize", "a photo of an astronaut riding a horse on mars", "--tokenizer", ClipTokenizer);

        // Reference ids from tests/TestData/README.md.
        Assert.Equal((0, "49406 320 1125 539 320 2368 49407"), (cat.ExitCode, cat.Out.TrimEnd()));
        Assert.Equal("49406 320 1125 539 550 18376 6765 320 4558 525 7496 49407", astronaut.Out.TrimEnd());
    }

    [Fact]
    public async Task Tokenize_reads_the_environment_variable_and_models_takes_the_packs_tokenizer()
    {
        Dictionary<string, string?> environment = CleanEnvironment();
        environment["FACESTUDIO_TOKENIZER"] = ClipTokenizer;

        (CliResult fromVariable, CliResult fromPack) = await CliFixture.WithEnvironmentAsync(environment, async () =>
            (await CliFixture.RunAsync("tokenize", "a photo of a cat"), await CliFixture.RunAsync("tokenize", "ab", "--models", fixture.Pack.Root)));

        Assert.Equal("49406 320 1125 539 320 2368 49407", fromVariable.Out.TrimEnd());

        // The demo tokenizer is byte-level without merges: 'a' is byte 97, the word-final 'b</w>' is 256 + 98.
        Assert.Equal("49406 97 354 49407", fromPack.Out.TrimEnd());
    }

    [Fact]
    public async Task Tokenize_defaults_to_the_demo_pack_and_reads_at_prompts_as_text()
    {
        CliResult run = await CliFixture.WithEnvironmentAsync(CleanEnvironment(), () => CliFixture.RunAsync("tokenize", "@ab"));

        // "@" is its own word: '@</w>' = 256 + 64; then 'a' = 97 and 'b</w>' = 256 + 98.
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("49406 320 97 354 49407", run.Out.TrimEnd());
        Assert.Contains("demo pack", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_pack_writes_a_loadable_pack_and_lists_its_files()
    {
        string folder = Path.Combine(fixture.NewFolder(), "pack");

        CliResult run = await CliFixture.RunAsync("demo-pack", "--out", folder, "--seed", "5");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"Demo model pack written to {folder}", run.OutLines[0]);
        Assert.StartsWith("The demo pack's face models are real", run.OutLines[^1], StringComparison.Ordinal);
        ModelPack pack = ModelPack.Load(folder);
        Assert.True(pack.IsDemo);
        Assert.Contains("seed 5", pack.Manifest!.Name, StringComparison.Ordinal);
        string[] onDisk = [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];
        string[] listed = [.. run.OutLines[1..^1].Select(l => l.Trim()[..l.Trim().LastIndexOf(" (", StringComparison.Ordinal)])];
        Assert.Equal(onDisk, listed);
    }

    [Fact]
    public async Task Demo_pack_with_random_faces_writes_the_512_d_scrfd_and_arcface_stand_ins()
    {
        string folder = Path.Combine(fixture.NewFolder(), "pack");

        CliResult run = await CliFixture.RunAsync("demo-pack", "--out", folder, "--faces", "random");
        CliResult bad = await CliFixture.RunAsync("demo-pack", "--out", Path.Combine(fixture.NewFolder(), "bad"), "--faces", "cartoon");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(DemoPack.RandomFacesNotice, run.OutLines[^1]);
        ModelPack pack = ModelPack.Load(folder);
        Assert.Equal("face_detector.onnx", Path.GetFileName(pack.FaceDetectorPath));
        Assert.Null(pack.FaceLandmarkerPath);
        IFaceEmbedder embedder = FaceBackendLoader.LoadEmbedder(pack.FaceEmbedderPath!);
        using var owned = (IDisposable)embedder;
        Assert.Equal(DemoPack.RandomFaceEmbeddingSize, Assert.IsType<ArcFaceEmbedder>(embedder).Dimension);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("cartoon", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faces_lists_what_the_packs_detector_finds()
    {
        string folder = fixture.NewFolder();
        RgbImage photo = TestImages.Face();
        string path = TestImages.SavePng(photo, Path.Combine(folder, "face.png"));

        CliResult run = await CliFixture.RunAsync("faces", path, "--models", fixture.Pack.Root);
        CliResult byDefault = await CliFixture.WithEnvironmentAsync(CleanEnvironment(), () => CliFixture.RunAsync("faces", path));

        IFaceDetector detector = FaceBackendLoader.LoadDetector(fixture.Pack.FaceDetectorPath!, fixture.Pack.FaceLandmarkerPath, scoreThreshold: 0.5f);
        using var owned = (IDisposable)detector;
        IReadOnlyList<DetectedFace> faces = await detector.DetectAsync(photo);
        Assert.Single(faces);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(faces.Count, run.OutLines.Length);
        DetectedFace first = faces[0];
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"#0 score {first.Score:F3} box {first.Box.X:F1},{first.Box.Y:F1},{first.Box.Right:F1},{first.Box.Bottom:F1} "), run.OutLines[0], StringComparison.Ordinal);

        // The built-in demo pack carries the same real models: it finds the same face.
        Assert.Equal(0, byDefault.ExitCode);
        Assert.Equal(run.Out, byDefault.Out);
    }

    [Fact]
    public async Task Faces_on_the_default_demo_pack_finds_the_one_face_of_the_portrait_and_none_on_the_coffee_photo()
    {
        (CliResult portrait, CliResult coffee) = await CliFixture.WithEnvironmentAsync(CleanEnvironment(), async () =>
            (await CliFixture.RunAsync("faces", FacePhotos.Path(FacePhotos.Portrait)), await CliFixture.RunAsync("faces", FacePhotos.Path(FacePhotos.NoPeople))));

        Assert.Equal(0, portrait.ExitCode);
        string line = Assert.Single(portrait.OutLines);

        // The astronaut's face lies in the upper middle of the 512×512 portrait (x about 170-260, y about 60-180).
        string[] box = line.Split(' ')[4].Split(',');
        float[] b = [.. box.Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
        Assert.InRange((b[0] + b[2]) / 2, 170f, 260f);
        Assert.InRange((b[1] + b[3]) / 2, 60f, 180f);
        Assert.Contains("demo pack", portrait.Error, StringComparison.Ordinal);
        Assert.Equal(1, coffee.ExitCode);
        Assert.Equal(string.Empty, coffee.Out);
        string error = Assert.Single(coffee.ErrorLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(FacePhotos.NoPeople, error, StringComparison.Ordinal);
        Assert.Contains("found none", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Similarity_on_the_default_demo_pack_is_high_for_the_flipped_portrait_and_low_for_another_person()
    {
        string folder = fixture.NewFolder();
        string portrait = FacePhotos.Path(FacePhotos.Portrait);
        string flipped = TestImages.SavePng(Flip(new SkiaImageCodec().Decode(portrait)), Path.Combine(folder, "flipped.png"));

        (CliResult same, CliResult other) = await CliFixture.WithEnvironmentAsync(CleanEnvironment(), async () =>
            (await CliFixture.RunAsync("similarity", "--face", portrait, "--image", flipped),
             await CliFixture.RunAsync("similarity", "--face", portrait, "--image", FacePhotos.Path(FacePhotos.OtherPerson))));

        Assert.Equal(0, same.ExitCode);
        Assert.Equal(0, other.ExitCode);
        Assert.True(SimilarityOf(Assert.Single(same.OutLines)) >= 0.7, same.Out);
        Assert.True(SimilarityOf(Assert.Single(other.OutLines)) <= 0.35, other.Out);
    }

    [Fact]
    public async Task Generate_with_an_identity_photo_runs_on_the_default_demo_pack_and_a_photo_without_a_face_is_one_error_line()
    {
        string folder = fixture.NewFolder();
        string output = Path.Combine(folder, "out.png");
        string[] args = ["generate", "--prompt", "a portrait", "--size", "64x64", "--steps", "2", "--seed", "3", "--quiet"];

        (CliResult withFace, CliResult withoutFace) = await CliFixture.WithEnvironmentAsync(CleanEnvironment(), async () =>
            (await CliFixture.RunAsync([.. args, "--face", FacePhotos.Path(FacePhotos.Portrait), "--out", output]),
             await CliFixture.RunAsync([.. args, "--face", FacePhotos.Path(FacePhotos.NoPeople), "--out", Path.Combine(folder, "none.png")])));

        Assert.Equal(0, withFace.ExitCode);
        Assert.Equal($"wrote {output} (64x64, seed 3)", withFace.OutLines[0]);
        Assert.Equal((64, 64), (new SkiaImageCodec().Decode(output).Width, new SkiaImageCodec().Decode(output).Height));
        Assert.Equal(1, withoutFace.ExitCode);
        string error = Assert.Single(withoutFace.ErrorLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(FacePhotos.NoPeople, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "none.png")));
    }

    private static RgbImage Flip(RgbImage source)
    {
        var flipped = new RgbImage(source.Width, source.Height);
        for (int y = 0; y < source.Height; y++)
        {
            ReadOnlySpan<byte> from = source.Row(y);
            Span<byte> to = flipped.Row(y);
            for (int x = 0; x < source.Width; x++)
            {
                from.Slice(x * 3, 3).CopyTo(to.Slice((source.Width - 1 - x) * 3, 3));
            }
        }

        return flipped;
    }

    [Fact]
    public async Task Shipped_real_models_find_compare_and_reject_faces_through_the_cli()
    {
        string photos = Path.Combine(AppContext.BaseDirectory, "TestData", "faces", "photos");
        string portrait = Path.Combine(photos, "astronaut.jpg");

        CliResult faces = await CliFixture.RunAsync("faces", portrait, "--detector", "blazeface");
        CliResult group = await CliFixture.RunAsync("faces", Path.Combine(photos, "group-tiled.jpg"), "--detector", "blazeface");
        CliResult cat = await CliFixture.RunAsync("faces", Path.Combine(photos, "chelsea-cat.jpg"), "--detector", "blazeface");
        CliResult same = await CliFixture.RunAsync("similarity", "--face", portrait, "--image", Path.Combine(photos, "astronaut-q30.jpg"), "--detector", "blazeface", "--embedder", "mobileface");
        CliResult other = await CliFixture.RunAsync("similarity", "--face", portrait, "--image", Path.Combine(photos, "grace-hopper.jpg"), "--detector", "blazeface", "--embedder", "mobileface");

        Assert.Equal(0, faces.ExitCode);
        Assert.StartsWith("#0 score 0.8", Assert.Single(faces.OutLines), StringComparison.Ordinal);
        Assert.Equal(3, group.OutLines.Length);
        Assert.Equal(1, cat.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(cat.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(0, same.ExitCode);
        Assert.Equal(0, other.ExitCode);
        Assert.True(SimilarityOf(same.OutLines[0]) >= 0.9, same.Out);
        Assert.True(SimilarityOf(other.OutLines[0]) <= 0.35, other.Out);
    }

    private static double SimilarityOf(string line)
    {
        string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return double.Parse(tokens[Array.IndexOf(tokens, "similarity") + 1], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Faces_on_a_photo_without_faces_is_one_error_line()
    {
        string path = TestImages.SavePng(TestImages.Grey(), Path.Combine(fixture.NewFolder(), "grey.png"));

        CliResult run = await CliFixture.RunAsync("faces", path, "--models", fixture.Pack.Root);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Out);
        Assert.StartsWith("error: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Contains("grey.png", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pack_without_a_detector_needs_the_detector_option_which_wins_over_the_pack()
    {
        // A copy of the demo pack whose manifest no longer names a face detector.
        string pack = fixture.NewFolder();
        DemoPack.Create(pack);
        string manifestPath = Path.Combine(pack, ModelPackManifest.FileName);
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        Assert.True(manifest["components"]!.AsObject().Remove("faceDetector"));
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        string photo = TestImages.SavePng(TestImages.Face(), Path.Combine(fixture.NewFolder(), "face.png"));

        CliResult missing = await CliFixture.RunAsync("faces", photo, "--models", pack);
        CliResult given = await CliFixture.RunAsync("faces", photo, "--models", pack, "--detector", fixture.Pack.FaceDetectorPath!);
        CliResult reference = await CliFixture.RunAsync("faces", photo, "--models", fixture.Pack.Root);

        Assert.Equal(1, missing.ExitCode);
        string line = Assert.Single(missing.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("no face detector", line, StringComparison.Ordinal);
        Assert.Contains("--detector", line, StringComparison.Ordinal);
        Assert.Equal(0, given.ExitCode);
        Assert.Equal(reference.Out, given.Out);
    }

    [Fact]
    public async Task Embed_saves_the_identity_the_library_computes_and_similarity_scores_it_against_its_own_photo()
    {
        string folder = fixture.NewFolder();
        RgbImage photo = TestImages.Face();
        string path = TestImages.SavePng(photo, Path.Combine(folder, "face.png"));
        string identityFile = Path.Combine(folder, "id.json");

        CliResult embed = await CliFixture.RunAsync("embed", path, "--out", identityFile, "--models", fixture.Pack.Root);
        CliResult similarity = await CliFixture.RunAsync("similarity", "--face", identityFile, "--image", path, "--models", fixture.Pack.Root);

        Assert.Equal(0, embed.ExitCode);
        Assert.Equal($"wrote {identityFile} (256-d, 1 face(s))", embed.OutLines[^1]);
        IdentityEmbedding saved = IdentityEmbeddingFile.Load(identityFile);
        IFaceDetector detector = FaceBackendLoader.LoadDetector(fixture.Pack.FaceDetectorPath!, fixture.Pack.FaceLandmarkerPath);
        using var ownedDetector = (IDisposable)detector;
        IFaceEmbedder embedder = FaceBackendLoader.LoadEmbedder(fixture.Pack.FaceEmbedderPath!);
        using var ownedEmbedder = (IDisposable)embedder;
        IdentityEmbedding expected = await new IdentityEncoder(detector, embedder).EncodeAsync([new IdentityPhoto(path, photo)], FaceSelection.Largest);
        float[] want = expected.ToArray(), got = saved.ToArray();
        Assert.Equal(256, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            Assert.Equal(want[i], got[i], 6);
        }

        // The photo's largest face is among the faces scored: its cosine similarity with itself is 1.
        Assert.Equal(0, similarity.ExitCode);
        double best = similarity.OutLines.Max(l => double.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture));
        Assert.Equal(1.0, best, 4);
    }
}
