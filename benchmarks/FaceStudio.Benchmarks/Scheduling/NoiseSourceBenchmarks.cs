using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Benchmarks.Scheduling;

/// <summary>Filling SD1.5-shaped latents [2, 4, 64, 64] with seeded Gaussian noise.</summary>
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
