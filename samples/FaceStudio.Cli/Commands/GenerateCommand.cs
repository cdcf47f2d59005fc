using System.CommandLine;
using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Cli.Commands;

/// <summary>
/// <c>facestudio generate --prompt … [--face PHOTO[@x0,y0,x1,y1|@MASK.png]]… [--style IMAGE] … --out FILE.png</c>:
/// the main job. Without <c>--models</c> it runs the built-in demo pack.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var prompt = new Option<string>("--prompt") { Description = "What to draw; (words:1.3) weighting is honoured.", Required = true };
        var negative = new Option<string?>("--negative") { Description = "What to avoid." };
        var faces = new Option<string[]>("--face")
        {
            Description = "A photo of one person; repeat for several people. Append @x0,y0,x1,y1 (pixel corners in the output image: left, top, right, bottom; the notation `faces` prints) or @MASK.png to place the person.",
            AllowMultipleArgumentsPerToken = false,
        };
        var style = new Option<FileInfo?>("--style") { Description = "Style image (hybrid guidance; faces in it give automatic regions)." };
        var strength = new Option<float?>("--strength") { Description = "Also start from the style image (img2img) with this strength in (0, 1]." };
        var alpha = new Option<float>("--alpha") { Description = "Hybrid guidance α: 1 = image branch only, 0 = text branch only.", DefaultValueFactory = _ => 0.5f };
        var steps = new Option<int>("--steps") { Description = "Inference steps.", DefaultValueFactory = _ => 25 };
        var scheduler = new Option<string>("--scheduler") { Description = "Scheduler: " + string.Join(", ", SchedulerCatalog.Names) + ".", DefaultValueFactory = _ => SchedulerCatalog.EulerAncestral };
        var noise = new Option<string>("--noise") { Description = "Noise source: " + string.Join(", ", NoiseSources.Names) + " (torch-cpu: a seed means what it means in diffusers with a CPU generator).", DefaultValueFactory = _ => NoiseSources.TorchCpu };
        var guidance = new Option<float>("--guidance") { Description = "Classifier-free guidance scale.", DefaultValueFactory = _ => 7.5f };
        var seed = new Option<long?>("--seed") { Description = "Seed (random when left out; printed)." };
        var size = new Option<string>("--size") { Description = "Output size WxH, multiples of 8.", DefaultValueFactory = _ => "512x512" };
        var count = new Option<int>("--count") { Description = "Images to generate (seeds seed, seed+1, …; files FILE-1.png, …).", DefaultValueFactory = _ => 1 };
        var flavor = new Option<GuidanceFlavor?>("--flavor") { Description = "Guidance flavour: FaceStudioHybrid or IpAdapterFaceId (default: the pack's)." };
        var models = new Option<DirectoryInfo?>("--models") { Description = "Model pack folder (diffusers/optimum ONNX layout + facestudio.json). Default: the built-in demo pack." };
        var ep = new Option<ExecutionProviderKind>("--ep") { Description = "Execution provider: " + string.Join(", ", Enum.GetNames<ExecutionProviderKind>()) + ". The tool as built by default runs Cpu (and CoreMl on macOS); Cuda and TensorRt need its CUDA build (-p:FaceStudioOnnxRuntime=Gpu, see the README); DirectMl needs an application referencing Microsoft.ML.OnnxRuntime.DirectML.", DefaultValueFactory = _ => ExecutionProviderKind.Cpu };
        var output = new Option<FileInfo>("--out") { Description = "PNG file to write.", Required = true };
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar and no demo-pack notice." };
        var progress = new Option<bool>("--progress") { Description = "Draw the progress bar on stderr even when stderr is redirected (by default it is drawn only on a terminal)." };

        var command = new Command("generate", "Generate an image from a prompt, optional face photos and an optional style image.")
        {
            prompt, negative, faces, style, strength, alpha, steps, scheduler, noise, guidance, seed, size, count, flavor, models, ep, output, quiet, progress,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            (int width, int height) = ParseSize(parse.GetValue(size)!);
            var settings = new Settings(
                parse.GetValue(prompt)!,
                parse.GetValue(negative),
                parse.GetValue(faces) ?? [],
                parse.GetValue(style),
                parse.GetValue(strength),
                parse.GetValue(alpha),
                parse.GetValue(steps),
                parse.GetValue(scheduler)!,
                parse.GetValue(noise)!,
                parse.GetValue(guidance),
                parse.GetValue(seed),
                width,
                height,
                parse.GetValue(count),
                parse.GetValue(flavor),
                parse.GetValue(models),
                parse.GetValue(ep),
                parse.GetValue(output)!,
                ShowsProgress(parse.GetValue(quiet), parse.GetValue(progress), Console.IsErrorRedirected),
                parse.GetValue(quiet));
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(Settings s, CancellationToken cancellationToken)
    {
        var codec = new SkiaImageCodec();
        ModelPack pack = s.Models is null ? DemoPack.EnsureCached() : ModelPack.Load(s.Models.FullName);

        // Decode every input before any model loads, so bad files fail fast.
        var identities = new List<IdentityInput>(s.Faces.Length);
        for (int i = 0; i < s.Faces.Length; i++)
        {
            FaceArgument face = ParseFaceArgument(s.Faces[i]);
            identities.Add(ParseFace(face, codec, s.Width, s.Height, cancellationToken));
            if (!s.Quiet)
            {
                await Console.Error.WriteLineAsync(Describe(i + 1, face, s.Width, s.Height)).ConfigureAwait(false);
            }
        }

        StyleInput? style = null;
        if (s.Style is not null)
        {
            style = new StyleInput(codec.Decode(s.Style.FullName, cancellationToken: cancellationToken));
            if (s.Strength is float strength)
            {
                style = style with { UseAsInitImage = true, Strength = strength };
            }
        }
        else if (s.Strength is not null)
        {
            throw new FaceStudioValidationException("--strength", "--strength needs --style (the init image) but no style image was given.");
        }

        EnsureProviderAvailable(s.ExecutionProvider);
        var sessionOptions = new PipelineSessionOptions { Default = OnnxSessionOptions.Default with { Provider = s.ExecutionProvider } };
        // Warnings (e.g. a prompt cut to fit the context) go to stderr as single lines.
        using ILoggerFactory loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseLoggerFactory(loggers).UseModelPack(pack, sessionOptions).Build();
        var request = new GenerationRequest
        {
            Prompt = s.Prompt,
            NegativePrompt = s.Negative,
            Identities = identities,
            Style = style,
            Width = s.Width,
            Height = s.Height,
            Steps = s.Steps,
            Scheduler = s.Scheduler,
            Noise = s.Noise,
            GuidanceScale = s.Guidance,
            Alpha = s.Alpha,
            Flavor = s.Flavor,
            Seed = s.Seed,
            BatchCount = s.Count,
        };

        // Every problem with the request surfaces here, before any model runs and before anything is printed.
        pipeline.Validate(request);
        for (int i = 0; i < s.Count && Directory.Exists(Path.GetDirectoryName(s.Output.FullName)); i++)
        {
            // A device, FIFO, link or folder given as --out is refused now, not after the images are made.
            OutputFile.CheckTarget(s.Count == 1 ? s.Output.FullName : NumberedPath(s.Output.FullName, i + 1));
        }

        if (pack.IsDemo && !s.Quiet)
        {
            await Console.Error.WriteLineAsync($"Using the built-in demo pack ({pack.Root}). {DemoNotice.Text}").ConfigureAwait(false);
        }

        // One request per image (seeds seed, seed+1, ..., the same images as one batch), so each image is written as
        // soon as it is done and Ctrl+C keeps the finished ones. The people are encoded once for all of them.
        var progress = new ProgressLine(s.ShowProgress ? Console.Error : TextWriter.Null, s.Count);
        long seed = s.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        request = request with { Identities = await ResolveIdentitiesAsync(pipeline, identities, cancellationToken).ConfigureAwait(false), BatchCount = 1 };
        var total = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan text = TimeSpan.Zero, identity = TimeSpan.Zero, denoise = TimeSpan.Zero, decode = TimeSpan.Zero;
        GenerationMetadata? last = null;
        try
        {
            for (int i = 0; i < s.Count; i++)
            {
                progress.ImageIndex = i;
                GenerationResult result = await pipeline.GenerateAsync(request with { Seed = seed + i }, progress, cancellationToken).ConfigureAwait(false);
                GeneratedImage image = result.Images[0];
                string path = s.Count == 1 ? s.Output.FullName : NumberedPath(s.Output.FullName, i + 1);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                image.SaveAsPng(codec, path, cancellationToken);
                progress.Finish();
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path} ({image.Image.Width}x{image.Image.Height}, seed {image.Seed})"));
                StageTimings t = result.Metadata.Timings;
                (text, identity, denoise, decode) = (text + t.TextEncoding, identity + t.IdentityEncoding, denoise + t.Denoising, decode + t.Decoding);
                last = result.Metadata;
            }
        }
        finally
        {
            progress.Finish();
        }

        double stepsPerSecond = denoise > TimeSpan.Zero ? (double)last!.ModelCalls * s.Count / denoise.TotalSeconds : 0;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{last!.Steps} steps of {last.Scheduler}{(s.Count > 1 ? $" x {s.Count} images" : string.Empty)} in {total.Elapsed.TotalSeconds:F2} s ({stepsPerSecond:F2} steps/s; text {text.TotalMilliseconds:F0} ms, identity {identity.TotalMilliseconds:F0} ms, denoise {denoise.TotalSeconds:F2} s, decode {decode.TotalMilliseconds:F0} ms){(pack.IsDemo ? " [demo models: noise-like pictures]" : string.Empty)}"));
        return 0;
    }

    /// <summary>
    /// Fails with what to do when <paramref name="provider"/> is not in the ONNX Runtime this CLI was built with
    /// (a CLI user rebuilds the tool; an application would reference another package).
    /// </summary>
    internal static void EnsureProviderAvailable(ExecutionProviderKind provider)
    {
        string name = SessionFactory.RuntimeName(provider);
        string[] available = OrtEnv.Instance().GetAvailableProviders();
        if (available.Contains(name, StringComparer.Ordinal))
        {
            return;
        }

        string advice = provider switch
        {
            ExecutionProviderKind.Cuda or ExecutionProviderKind.TensorRt =>
                "Build and install the CUDA build of the tool: dotnet pack samples/FaceStudio.Cli -c Release -p:FaceStudioOnnxRuntime=Gpu -o ./nupkg, "
                + "then dotnet tool update --global --add-source ./nupkg FaceStudio.Cli (needs CUDA 13 and cuDNN 9"
                + (provider == ExecutionProviderKind.TensorRt ? ", plus TensorRT" : string.Empty) + ").",
            _ => $"This tool ships with the CPU or CUDA ONNX Runtime only; {provider} is available to applications that reference {SessionFactory.PackageFor(provider)}.",
        };
        throw new FaceStudioValidationException("--ep",
            $"--ep {provider}: this facestudio build's ONNX Runtime has {string.Join(", ", available)} but not {name}. {advice} Or leave --ep out to run on the CPU.");
    }

    /// <summary>Encodes each person's photos once, so the per-image requests reuse the embeddings.</summary>
    private static async Task<IReadOnlyList<IdentityInput>> ResolveIdentitiesAsync(FaceStudioPipeline pipeline, IReadOnlyList<IdentityInput> identities, CancellationToken cancellationToken)
    {
        if (identities.Count == 0 || pipeline.Components.IdentityEncoder is not { } encoder)
        {
            return identities;
        }

        var resolved = new IdentityInput[identities.Count];
        for (int i = 0; i < resolved.Length; i++)
        {
            resolved[i] = identities[i] with { Embedding = await identities[i].ResolveAsync(encoder, cancellationToken).ConfigureAwait(false) };
        }

        return resolved;
    }

    /// <summary>
    /// Whether to draw the progress bar: never with <c>--quiet</c>; always with <c>--progress</c>; otherwise only when
    /// stderr is a terminal, so logs and pipes get no carriage-return noise.
    /// </summary>
    internal static bool ShowsProgress(bool quiet, bool progress, bool errorRedirected) => !quiet && (progress || !errorRedirected);

    /// <summary>
    /// Splits a <c>--face</c> value, <c>PHOTO</c>, <c>PHOTO@x0,y0,x1,y1</c> (pixel corners in the output image, the
    /// notation <c>faces</c> prints) or <c>PHOTO@MASK.png</c>, without reading any file.
    /// </summary>
    internal static FaceArgument ParseFaceArgument(string value)
    {
        int at = value.LastIndexOf('@');
        if (at <= 0)
        {
            return new FaceArgument(value, null, null);
        }

        string place = value[(at + 1)..];
        return RegionBox.LooksLikeBox(place)
            ? new FaceArgument(value[..at], RegionBox.Parse(place, "--face"), null)
            : new FaceArgument(value[..at], null, place);
    }

    /// <summary>Decodes the photo (and mask) a <c>--face</c> value names into an identity input.</summary>
    internal static IdentityInput ParseFace(FaceArgument face, IImageCodec codec, int width, int height, CancellationToken cancellationToken)
    {
        IdentityRegion? region = null;
        if (face.Box is { } box)
        {
            region = IdentityRegion.FromBox(box);
        }
        else if (face.MaskPath is { } maskPath)
        {
            RgbImage mask = codec.Decode(maskPath, cancellationToken: cancellationToken);
            if (mask.Width != width || mask.Height != height)
            {
                mask = ImageResize.Resize(mask, width, height, ResizeFilter.Bilinear);
            }

            region = IdentityRegion.FromMaskImage(mask);
        }

        RgbImage photo = codec.Decode(face.PhotoPath, cancellationToken: cancellationToken);
        return new IdentityInput { Photos = [new IdentityPhoto(face.PhotoPath, photo)], Region = region };
    }

    /// <summary>What the CLI read from the <paramref name="number"/>-th <c>--face</c> (1-based), for the console.</summary>
    internal static string Describe(int number, FaceArgument face, int width, int height) =>
        string.Create(CultureInfo.InvariantCulture, $"face {number}: {face.PhotoPath}, ") + (face.Box is { } box
            ? "region " + box.Describe()
            : face.MaskPath is { } mask
                ? string.Create(CultureInfo.InvariantCulture, $"region mask {mask} (stretched to {width}×{height})")
                : "no region (placed automatically)");

    internal static (int Width, int Height) ParseSize(string value)
    {
        string[] parts = value.ToLowerInvariant().Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int h))
        {
            return (w, h);
        }

        throw new FaceStudioValidationException("--size", $"--size must be WIDTHxHEIGHT (e.g. 512x512) but is '{value}'.");
    }

    private static string NumberedPath(string path, int n) =>
        Path.Combine(Path.GetDirectoryName(path)!, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(path)}-{n}{Path.GetExtension(path)}"));

    private sealed record Settings(
        string Prompt, string? Negative, string[] Faces, FileInfo? Style, float? Strength, float Alpha, int Steps, string Scheduler, string Noise, float Guidance,
        long? Seed, int Width, int Height, int Count, GuidanceFlavor? Flavor, DirectoryInfo? Models, ExecutionProviderKind ExecutionProvider, FileInfo Output, bool ShowProgress, bool Quiet);
}
