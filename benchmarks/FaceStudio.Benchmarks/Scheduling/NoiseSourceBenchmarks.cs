using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Benchmarks.Scheduling;

/// <summary>Filling SD1.5-shaped latents [2, 4, 64, 64] with seeded Gaussian noise.</summary>
/// <remarks>Run: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*Noise*' --job short</remarks>
[MemoryDiagnoser]
public class NoiseSourceBenchmarks
{
    private readonly float[] _destination = new float[2 * 4 * 64 * 64];
    private readonly PhiloxNoiseSource _source = new(1);

    /// <summary>One draw of 32768 values.</summary>
    [Benchmark]
    public float PhiloxGaussian()
    {
        _source.NextGaussian(_destination);
        return _destination[0];
    }
}

/// <summary>
/// Each <see cref="PhiloxNoiseSource"/> kernel (all give the same bits) on one latent [1, 4, 64, 64] and a CFG batch
/// [2, 4, 64, 64], see <see cref="NoisePhiloxWordsBenchmarks"/> for the Philox words alone.
/// </summary>
[MemoryDiagnoser]
public class NoiseKernelBenchmarks
{
    private float[] _destination = [];

    /// <summary>Values per draw.</summary>
    [Params(16384, 32768)]
    public int Length { get; set; }

    /// <summary>The kernel under test (a <c>NoiseKernel</c> name; the enum is internal).</summary>
    [Params("Scalar", "Vector128", "Vector256", "Vector512")]
    public string Kernel { get; set; } = "Vector256";

    private NoiseKernel _kernel;

    /// <summary>Allocates the destination.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _destination = new float[Length];
        _kernel = Enum.Parse<NoiseKernel>(Kernel);
    }

    /// <summary>One draw (Philox + Box–Muller + float rounding + interleaving).</summary>
    [Benchmark]
    public float Draw()
    {
        PhiloxNoiseSource.Fill(_destination, 0, 1, 0, _kernel);
        return _destination[0];
    }
}

/// <summary>The Philox4x32-10 words alone (AVX2 path), for as many blocks as a draw of <see cref="Length"/> values uses.</summary>
public class NoisePhiloxWordsBenchmarks
{
    /// <summary>Values the words would feed.</summary>
    [Params(16384, 32768)]
    public int Length { get; set; }

    /// <summary>Length / 4 blocks, eight counters at a time.</summary>
    [Benchmark]
    public uint PhiloxWordsOnly()
    {
        var sink = Vector256<uint>.Zero;
        for (uint block = 0; block < (uint)Length / 4; block += 8)
        {
            Philox4x32.Blocks<PlatformIntrinsicsPolicy>(Vector256.Create(block) + Vector256<uint>.Indices, Vector256<uint>.Zero, 1, 0, out var x0, out var x1, out var x2, out var x3);
            sink ^= x0 ^ x1 ^ x2 ^ x3;
        }

        return sink.ToScalar();
    }
}
