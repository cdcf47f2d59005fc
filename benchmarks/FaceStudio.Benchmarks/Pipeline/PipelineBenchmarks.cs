using System.Globalization;
using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Scheduling;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Benchmarks.Pipeline;

/// <summary>
/// The whole pipeline on CPU, reported per denoise step (<see cref="Steps"/> operations per invoke, so the Mean and
/// the ms/step column are per step): a 512×512, 25-step Euler-ancestral generation on the demo pack; one demo UNet
/// step (CFG batch 2, 64×64 latents); and the pipeline's own overhead per step, measured around a denoiser that
/// returns at once (scheduler, CFG, copies, finiteness checks, progress; text encoding and decoding are stubs).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(PerStepColumn.Category)]
public class PipelineBenchmarks
{
    /// <summary>Denoise steps per generation.</summary>
    public const int Steps = 25;

    /// <summary>Steps of the long overhead run.</summary>
    public const int LongSteps = 100;

    private static readonly GenerationRequest Request = new()
    {
        Prompt = "a portrait photo of a person, studio light",
        NegativePrompt = "blurry",
        Width = 512,
        Height = 512,
        Steps = Steps,
        Scheduler = SchedulerCatalog.EulerAncestral,
        Seed = 42,
    };

    private string _folder = string.Empty;
    private FaceStudioPipeline? _demo;
    private TimingDenoiser? _demoTimer;
    private FaceStudioPipeline? _overhead;
    private OnnxDenoiser? _unet;
    private IDenoiserSession? _unetSession;
    private float[] _sample = [];
    private float[] _prediction = [];
    private TimeSpan _denoising;
    private int _generations;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "fs-bench-pipeline-" + Guid.NewGuid().ToString("N"));
        ModelPack pack = DemoPack.Create(_folder);
        var cpu = new OnnxSessionOptions { IntraOpThreads = 2 };
        var sessions = new PipelineSessionOptions { Default = cpu };

        _unet = OnnxDenoiser.Load(pack.UNetPath, cpu);
        _demoTimer = new TimingDenoiser(OnnxDenoiser.Load(pack.UNetPath, cpu));
        _demo = new FaceStudioPipelineBuilder().UseDenoiser(_demoTimer).UseModelPack(pack, sessions).Build();

        // SD1.5 shapes for the overhead figure: 4 × 64 × 64 latents, 77 × 768 context.
        _overhead = new FaceStudioPipelineBuilder()
            .UseDenoiser(new InstantDenoiser(new DenoiserCapabilities()))
            .UseTextEncoder(new FixedTextEncoder(768))
            .UseLatentDecoder(new CapturingDecoder())
            .Build();

        var shape = new LatentShape(2, 4, 64, 64);
        _unetSession = _unet.CreateSession(new DenoiserConditioning(new Core.Tensors.FloatTensor(2, 77, DemoPack.HiddenSize)), shape);
        _sample = new float[shape.Length];
        for (int i = 0; i < _sample.Length; i++)
        {
            _sample[i] = ((i % 17) - 8) / 8f;
        }

        _prediction = new float[shape.Length];
    }

    /// <summary>Demo pack, 512×512, 25 Euler-ancestral steps with CFG (text encoding and VAE decode included, spread over the steps).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public async Task<GenerationResult> DemoGeneration512PerStep()
    {
        _demoTimer!.Reset();
        GenerationResult result = await _demo!.GenerateAsync(Request).ConfigureAwait(false);
        _denoising += result.Metadata.Timings.Denoising - _demoTimer.Total;
        _generations++;
        return result;
    }

    /// <summary>One demo UNet run: CFG batch 2, 4 × 64 × 64 latents, through the bound session.</summary>
    [Benchmark]
    public void DemoDenoiserStep() => _unetSession!.Predict(_sample, 500f, _prediction, CancellationToken.None);

    /// <summary>The pipeline without model cost: everything a step does except the denoiser run (SD1.5 latent shapes).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public Task<GenerationResult> PipelineOverheadPerStep() => _overhead!.GenerateAsync(Request);

    /// <summary>As <see cref="PipelineOverheadPerStep"/> over 100 steps: the per-generation work (noise, stubs, image) weighs 4× less.</summary>
    [Benchmark(OperationsPerInvoke = LongSteps)]
    public Task<GenerationResult> PipelineOverheadPerStep100Steps() => _overhead!.GenerateAsync(Request with { Steps = LongSteps });

    /// <summary>As <see cref="PipelineOverheadPerStep"/> with plain Euler: no fresh Gaussian noise per step (Euler ancestral draws C·h·w values each step).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public Task<GenerationResult> PipelineOverheadPerStepEuler() => _overhead!.GenerateAsync(Request with { Scheduler = SchedulerCatalog.Euler });

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_generations > 0)
        {
            // The same figure measured inside a real generation: denoise-stage time minus time inside the UNet.
            double perStepUs = _denoising.TotalMicroseconds / (_generations * (double)Steps);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// FaceStudio: demo generation, pipeline's own time per step (denoise stage minus UNet time) = {perStepUs:F1} us over {_generations} generations"));
        }

        _unetSession?.Dispose();
        _unet?.Dispose();
        _demo?.Dispose();
        _overhead?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
