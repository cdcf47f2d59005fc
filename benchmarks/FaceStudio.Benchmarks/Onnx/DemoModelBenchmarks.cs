using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Latents;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Benchmarks.Onnx;

/// <summary>
/// Per-step cost of the demo UNet (CFG batch 2, 64×64 latents = a 512×512 picture) through the bound
/// IOBinding path, and a 512×512 VAE decode, on the CPU provider with two threads.
/// </summary>
[MemoryDiagnoser]
public class DemoModelBenchmarks
{
    private string _folder = string.Empty;
    private OnnxDenoiser? _unet;
    private IDenoiserSession? _session;
    private OnnxLatentDecoder? _decoder;
    private float[] _sample = [];
    private float[] _prediction = [];
    private FloatTensor _latents = new(1, 4, 64, 64);

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "fs-bench-" + Guid.NewGuid().ToString("N"));
        ModelPack pack = DemoPack.Create(_folder);
        var options = new OnnxSessionOptions { IntraOpThreads = 2 };
        _unet = OnnxDenoiser.Load(pack.UNetPath, options);
        _decoder = OnnxLatentDecoder.Load(pack.VaeDecoderPath, pack.Vae, options);
        var shape = new LatentShape(2, 4, 64, 64);
        _session = _unet.CreateSession(new DenoiserConditioning(new FloatTensor(2, 77, DemoPack.HiddenSize)), shape);
        _sample = new float[shape.Length];
        for (int i = 0; i < _sample.Length; i++)
        {
            _sample[i] = (i % 17) / 17f;
        }

        _prediction = new float[shape.Length];
    }

    [Benchmark]
    public void DenoiserStepCfgBatch2() => _session!.Predict(_sample, 500, _prediction, CancellationToken.None);

    [Benchmark]
    public Task<FloatTensor> VaeDecode512() => _decoder!.DecodeAsync(_latents);

    /// <summary>The model work of a 512×512, 25-step demo generation: 25 CFG steps (simple Euler-like update) and one decode.</summary>
    [Benchmark]
    public Task<FloatTensor> DemoGeneration512Steps25()
    {
        for (int step = 0; step < 25; step++)
        {
            _session!.Predict(_sample, 999 - (step * 40), _prediction, CancellationToken.None);
        }

        return _decoder!.DecodeAsync(_latents);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session?.Dispose();
        _unet?.Dispose();
        _decoder?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
