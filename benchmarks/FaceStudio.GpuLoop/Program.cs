using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FaceStudio.Benchmarks.Pipeline;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Scheduling;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;

// Times the SDK's own denoise loop (FaceStudioPipeline: scheduler, CFG batch 2, finiteness checks, progress, around
// OnnxDenoiser) on one UNet, once per binding mode: host tensors, device-resident IOBinding, CUDA graph.
// Text encoding and VAE decoding are instant stubs, so the figures are the loop's. See tools/gpu/README.md.
//
//   FaceStudio.GpuLoop --model unet.onnx --provider cuda --modes host,iobinding,cudagraph --runs 3 --json r.json --markdown r.md
//   FaceStudio.GpuLoop --demo --provider cpu --modes host,iobinding --runs 1        (CPU smoke test on the demo pack)
LoopArguments options;
try
{
    options = LoopArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoopArguments.Usage);
    return 2;
}

string? demoFolder = null;
string model = options.Model ?? string.Empty;
if (options.Demo)
{
    demoFolder = Path.Combine(Path.GetTempPath(), "fs-gpuloop-demo-" + Guid.NewGuid().ToString("N"));
    model = DemoPack.Create(demoFolder).UNetPath;
}

try
{
    Console.WriteLine(Inv($"FaceStudio.GpuLoop: model {model}, provider {options.Provider}, {options.Size}x{options.Size}, {options.Steps} steps {options.Scheduler}, CFG batch 2, {options.Runs} timed generation(s) per mode"));
    Console.WriteLine("ONNX Runtime providers available: " + string.Join(", ", OrtEnv.Instance().GetAvailableProviders()));
    var results = new List<ModeResult>();
    int skipped = 0;
    float[]? reference = null;
    int failed = 0;
    foreach (string mode in options.Modes)
    {
        if (mode == "rawgraph" && options.Provider != ExecutionProviderKind.Cuda)
        {
            Console.WriteLine("rawgraph: skipped (CUDA graphs need the CUDA provider).");
            skipped++;
            continue;
        }

        // One failing mode (e.g. a CUDA graph capture) must not cost the others: this runs once, on a lent machine.
        try
        {
            ModeResult? result = mode.StartsWith("raw", StringComparison.Ordinal)
                ? RawOrt.Run(mode, model, options)
                : await ModeRunner.RunAsync(mode, model, options, reference).ConfigureAwait(false);
            if (result is not null)
            {
                if (result.Latents.Length > 0)
                {
                    reference ??= result.Latents;
                }

                results.Add(result);
                Console.WriteLine(result.Summary());
                await SaveAsync(options, model, results).ConfigureAwait(false); // partial results survive a timeout
            }
            else
            {
                skipped++;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failed++;
            Console.WriteLine($"{mode}: FAILED: {e.GetType().Name}: {e.Message}");
        }
    }

    Console.WriteLine();
    Console.WriteLine(Report.Markdown(options, model, results));
    await SaveAsync(options, model, results).ConfigureAwait(false);

    return failed == 0 && results.Count + skipped == options.Modes.Count && results.TrueForAll(r => r.Finite) ? 0 : 1;
}
finally
{
    if (demoFolder is not null)
    {
        Directory.Delete(demoFolder, recursive: true);
    }
}

static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

static async Task SaveAsync(LoopArguments options, string model, IReadOnlyList<ModeResult> results)
{
    if (options.Json is not null)
    {
        await File.WriteAllTextAsync(options.Json, Report.Json(options, model, results)).ConfigureAwait(false);
    }

    if (options.Markdown is not null)
    {
        await File.WriteAllTextAsync(options.Markdown, Report.Markdown(options, model, results)).ConfigureAwait(false);
    }
}

/// <summary>Command line of the loop runner.</summary>
internal sealed record LoopArguments
{
    public const string Usage = "usage: FaceStudio.GpuLoop (--model UNET.onnx | --demo) [--provider cuda|cpu] [--modes host,iobinding,cudagraph,raw,rawgraph] " +
        "[--steps 25] [--size 512] [--runs 3] [--warmup 1] [--scheduler euler-a] [--threads 0] [--conv-search exhaustive|heuristic|default] [--json FILE] [--markdown FILE]";

    public string? Model { get; init; }

    public bool Demo { get; init; }

    public ExecutionProviderKind Provider { get; init; } = ExecutionProviderKind.Cuda;

    public IReadOnlyList<string> Modes { get; init; } = ["iobinding", "cudagraph", "host", "raw", "rawgraph"];

    public int Steps { get; init; } = 25;

    public int Size { get; init; } = 512;

    public int Runs { get; init; } = 3;

    public int Warmup { get; init; } = 1;

    public string Scheduler { get; init; } = SchedulerCatalog.EulerAncestral;

    public int Threads { get; init; }

    public CudnnConvolutionSearch ConvolutionSearch { get; init; } = CudnnConvolutionSearch.Exhaustive;

    public string? Json { get; init; }

    public string? Markdown { get; init; }

    public static LoopArguments Parse(IReadOnlyList<string> args)
    {
        var o = new LoopArguments();
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt()
            {
                string name = args[i], text = Next();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v : throw new ArgumentException($"{name} must be a non-negative integer but is '{text}'.");
            }

            o = args[i] switch
            {
                "--model" => o with { Model = Next() },
                "--demo" => o with { Demo = true },
                "--provider" => o with { Provider = Next().ToLowerInvariant() switch { "cuda" => ExecutionProviderKind.Cuda, "cpu" => ExecutionProviderKind.Cpu, var p => throw new ArgumentException($"--provider must be cuda or cpu but is '{p}'.") } },
                "--modes" => o with { Modes = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                "--steps" => o with { Steps = NextInt() },
                "--size" => o with { Size = NextInt() },
                "--runs" => o with { Runs = NextInt() },
                "--warmup" => o with { Warmup = NextInt() },
                "--scheduler" => o with { Scheduler = Next() },
                "--threads" => o with { Threads = NextInt() },
                "--conv-search" => o with { ConvolutionSearch = Enum.Parse<CudnnConvolutionSearch>(Next(), ignoreCase: true) },
                "--json" => o with { Json = Next() },
                "--markdown" => o with { Markdown = Next() },
                var other => throw new ArgumentException($"Unknown argument '{other}'."),
            };
        }

        if (o.Demo == (o.Model is not null))
        {
            throw new ArgumentException("Give exactly one of --model FILE and --demo.");
        }

        if (o.Model is not null && !File.Exists(o.Model))
        {
            throw new ArgumentException($"--model: file '{o.Model}' not found.");
        }

        foreach (string mode in o.Modes)
        {
            if (mode is not ("host" or "iobinding" or "cudagraph" or "raw" or "rawgraph"))
            {
                throw new ArgumentException($"--modes: '{mode}' is not one of host, iobinding, cudagraph, raw, rawgraph.");
            }
        }

        if (o.Steps < 1 || o.Runs < 1 || o.Warmup < 1 || o.Size < 64 || o.Size % 8 != 0)
        {
            throw new ArgumentException("--steps, --runs and --warmup must be at least 1, --size a multiple of 8 of at least 64.");
        }

        return o;
    }
}

/// <summary>What one binding mode measured.</summary>
internal sealed record ModeResult(string Mode, string Binding, double SessionCreateMs, double WarmupMs, double LoopMsPerStep, double StepMedianMs, double StepP90Ms, double DenoiserMedianMs, double DenoiserMeanMs, double OverheadUsPerStep, double GenerationMedianMs, int TimedSteps, bool Finite, double MaxAbsDiffVsFirst, float[] Latents)
{
    public double OverheadPercent => LoopMsPerStep > 0 ? OverheadUsPerStep / 10.0 / LoopMsPerStep : 0;

    public string Summary() => Mode.StartsWith("raw", StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"{Mode}: bare ONNX Runtime run {StepMedianMs:F2} ms median (mean {LoopMsPerStep:F2}, p90 {StepP90Ms:F2}), session {SessionCreateMs:F0} ms, warm-up (10 runs) {WarmupMs:F0} ms, finite {Finite}")
        : string.Create(CultureInfo.InvariantCulture, $"{Mode}: {LoopMsPerStep:F2} ms/step through the loop (step median {StepMedianMs:F2}, UNet median {DenoiserMedianMs:F2}, UNet mean {DenoiserMeanMs:F2}), SDK overhead {OverheadUsPerStep:F0} us/step = {OverheadPercent:F2} %, session {SessionCreateMs:F0} ms, warm-up {WarmupMs:F0} ms, finite {Finite}, max |Δ| vs first mode {MaxAbsDiffVsFirst:G3}");
}

/// <summary>Runs one mode: creates the session, warms up with one generation, then times the rest.</summary>
internal static class ModeRunner
{
    public static async Task<ModeResult?> RunAsync(string mode, string model, LoopArguments o, float[]? reference)
    {
        bool cuda = o.Provider == ExecutionProviderKind.Cuda;
        if (!cuda && mode == "cudagraph")
        {
            Console.WriteLine("cudagraph: skipped (CUDA graphs need the CUDA provider).");
            return null;
        }

        // On CPU the only binding is pinned host buffers bound once (IOBinding); "host" and "iobinding" then coincide.
        DenoiserBufferLocation location = cuda && mode != "host" ? DenoiserBufferLocation.Cuda : DenoiserBufferLocation.Host;
        string binding = location == DenoiserBufferLocation.Cuda ? "device buffers (IOBinding)" : cuda ? "host tensors (copied each run)" : "host buffers (IOBinding, CPU)";
        var sessionOptions = new OnnxSessionOptions
        {
            Provider = o.Provider,
            IntraOpThreads = o.Threads,
            Cuda = new CudaProviderOptions { EnableCudaGraph = mode == "cudagraph", ConvolutionSearch = o.ConvolutionSearch },
        };

        var clock = Stopwatch.StartNew();
        InferenceSession session = new SessionFactory().Create(model, sessionOptions);
        double createMs = clock.Elapsed.TotalMilliseconds;
        using var unet = new OnnxDenoiser(session, new OnnxDenoiserOptions { Location = location, CudaGraph = mode == "cudagraph" }, ownsSession: true, model);
        DenoiserCapabilities caps = unet.Capabilities;
        var timer = new TimingDenoiser(unet, 1 << 16);
        var decoder = new CapturingDecoder(caps.LatentChannels);
        using var telemetry = new FaceStudioTelemetry();
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder()
            .UseDenoiser(timer)
            .UseTextEncoder(new FixedTextEncoder(caps.ContextDim, caps.MaxContextTokens ?? 77))
            .UseLatentDecoder(decoder)
            .UseTelemetry(telemetry)
            .Build();
        var request = new GenerationRequest
        {
            Prompt = "benchmark",
            NegativePrompt = string.Empty,
            Width = o.Size,
            Height = o.Size,
            Steps = o.Steps,
            Scheduler = o.Scheduler,
            Seed = 1234,
        };

        // Per-step wall time as the pipeline itself records it (scale input, UNet, finiteness check, scheduler step).
        var steps = new List<double>(o.Runs * o.Steps);
        bool recording = false;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FaceStudioTelemetry.Name && instrument.Name == "facestudio.step.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            if (recording)
            {
                steps.Add(value);
            }
        });
        listener.Start();

        // Warm-up: cuDNN algorithm search, CUDA graph capture, arena growth. Reported on its own, never in the steps.
        clock.Restart();
        for (int w = 0; w < o.Warmup; w++)
        {
            await pipeline.GenerateAsync(request).ConfigureAwait(false);
        }

        double warmupMs = clock.Elapsed.TotalMilliseconds;

        timer.Reset();
        recording = true;
        var generations = new List<double>();
        TimeSpan denoising = TimeSpan.Zero;
        for (int r = 0; r < o.Runs; r++)
        {
            GenerationResult result = await pipeline.GenerateAsync(request).ConfigureAwait(false);
            denoising += result.Metadata.Timings.Denoising;
            generations.Add(result.Metadata.Timings.Total.TotalMilliseconds);
        }

        recording = false;
        int calls = o.Runs * o.Steps;
        double loopMs = denoising.TotalMilliseconds / calls;
        double overheadUs = (denoising - timer.Total).TotalMicroseconds / calls;
        float[] latents = decoder.LastLatents;
        bool finite = Array.TrueForAll(latents, float.IsFinite);
        double diff = 0;
        if (reference is not null && reference.Length == latents.Length)
        {
            for (int i = 0; i < latents.Length; i++)
            {
                diff = Math.Max(diff, Math.Abs(latents[i] - reference[i]));
            }
        }

        return new ModeResult(mode, binding, createMs, warmupMs, loopMs, Percentile(steps, 0.5), Percentile(steps, 0.9), Percentile(timer.CallMilliseconds(), 0.5), timer.Total.TotalMilliseconds / calls, overheadUs, Percentile(generations, 0.5), calls, finite, diff, latents);
    }

    private static double Percentile(IReadOnlyCollection<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values.Order()];
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }
}

/// <summary>Writes the results as JSON and as a GitHub-markdown table.</summary>
internal static class Report
{
    public static string Markdown(LoopArguments o, string model, IReadOnlyList<ModeResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"SDK loop: `{Path.GetFileName(Path.GetDirectoryName(model))}/{Path.GetFileName(model)}`, {o.Provider}, {o.Size}x{o.Size}, {o.Steps} steps {o.Scheduler}, CFG batch 2, {o.Runs} timed generation(s) after {o.Warmup} warm-up generation(s), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine("| Mode | Binding | ms/step (loop) | step median ms | step p90 ms | UNet median ms | UNet mean ms | SDK overhead µs/step | overhead % | session ms | warm-up ms | max abs Δ vs first |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ModeResult r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Mode} | {r.Binding} | {r.LoopMsPerStep:F2} | {r.StepMedianMs:F2} | {r.StepP90Ms:F2} | {r.DenoiserMedianMs:F2} | {r.DenoiserMeanMs:F2} | {r.OverheadUsPerStep:F0} | {r.OverheadPercent:F2} | {r.SessionCreateMs:F0} | {r.WarmupMs:F0} | {(double.IsNaN(r.MaxAbsDiffVsFirst) ? "-" : r.MaxAbsDiffVsFirst.ToString("G3", CultureInfo.InvariantCulture))} |");
        }

        return sb.ToString();
    }

    public static string Json(LoopArguments o, string model, IReadOnlyList<ModeResult> results)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteString("provider", o.Provider.ToString());
            w.WriteNumber("size", o.Size);
            w.WriteNumber("steps", o.Steps);
            w.WriteString("scheduler", o.Scheduler);
            w.WriteNumber("runs", o.Runs);
            w.WriteString("utc", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
            w.WriteStartArray("modes");
            foreach (ModeResult r in results)
            {
                w.WriteStartObject();
                w.WriteString("mode", r.Mode);
                w.WriteString("binding", r.Binding);
                w.WriteNumber("session_create_ms", r.SessionCreateMs);
                w.WriteNumber("warmup_ms", r.WarmupMs);
                w.WriteNumber("loop_ms_per_step", r.LoopMsPerStep);
                w.WriteNumber("step_median_ms", r.StepMedianMs);
                w.WriteNumber("step_p90_ms", r.StepP90Ms);
                w.WriteNumber("unet_median_ms", r.DenoiserMedianMs);
                w.WriteNumber("unet_mean_ms", r.DenoiserMeanMs);
                w.WriteNumber("overhead_us_per_step", r.OverheadUsPerStep);
                w.WriteNumber("overhead_percent", r.OverheadPercent);
                w.WriteNumber("generation_median_ms", r.GenerationMedianMs);
                w.WriteNumber("timed_steps", r.TimedSteps);
                w.WriteBoolean("finite", r.Finite);
                if (double.IsNaN(r.MaxAbsDiffVsFirst))
                {
                    w.WriteNull("max_abs_diff_vs_first_mode");
                }
                else
                {
                    w.WriteNumber("max_abs_diff_vs_first_mode", r.MaxAbsDiffVsFirst);
                }
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
