using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Tests.Randomness;

/// <summary>
/// TorchCudaNoiseSource against published values of torch.randn on CUDA. No CUDA device was available where this was
/// written; the reference is the expected output printed in AUTOMATIC1111's modules/rng_philox.py ("NV" source),
/// <c>Generator(seed=0).randn(shape=(3, 4))</c>, which equals <c>torch.manual_seed(0); torch.randn(3, 4, device="cuda")</c>
/// (the well-known first values −0.9247, −0.4253, −2.6438, 0.1452 of torch's CUDA generator for seed 0).
/// </summary>
public class TorchCudaNoiseSourceParityTests
{
    private static readonly double[] A1111Seed0Shape3x4 =
    [
        -0.92466259, -0.42534415, -2.6438457, 0.14518388,
        -0.12086647, -0.57972564, -0.62285122, -0.32838709,
        -1.07454231, -0.36314407, -1.67105067, 2.26550497,
    ];

    [Fact]
    public void TorchCuda_randn_parity_with_automatic1111_published_values_within_1e6()
    {
        var values = new float[12];
        new TorchCudaNoiseSource(0).NextGaussian(values);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(values[i] - A1111Seed0Shape3x4[i]) <= 1e-6, $"element {i}: {values[i]:R} vs {A1111Seed0Shape3x4[i]}");
        }
    }

    [Fact]
    public void TorchCuda_second_call_advances_the_philox_offset_by_four_like_torch()
    {
        var source = new TorchCudaNoiseSource(0);
        var first = new float[12];
        source.NextGaussian(first);
        Assert.Equal(4UL, source.Offset);
        var second = new float[12];
        source.NextGaussian(second);
        Assert.Equal(8UL, source.Offset);
        Assert.NotEqual(first, second);

        // The second call is counter (1, 0, t, 0) for thread t: the first word pair of that block, sine value.
        var words = Philox4x32.Block((1u, 0u, 3u, 0u), (0u, 0u));
        float u = MathF.FusedMultiplyAdd(words.X0, 2.3283064e-10f, 2.3283064e-10f / 2);
        float v = MathF.FusedMultiplyAdd(words.X1, 2.3283064e-10f * 6.2831855f, 2.3283064e-10f * 6.2831855f / 2);
        Assert.Equal(Math.Sqrt(-2 * Math.Log(u)) * Math.Sin(v), second[3], 5);
    }

    [Fact]
    public void TorchCuda_geometry_only_matters_for_tensors_larger_than_the_resident_grid()
    {
        var small = new CudaDeviceGeometry(MultiProcessorCount: 2, MaxThreadsPerMultiProcessor: 256); // 512 threads
        var a = new float[512];
        var b = new float[512];
        new TorchCudaNoiseSource(5).NextGaussian(a);
        new TorchCudaNoiseSource(5, small).NextGaussian(b);
        Assert.Equal(a, b);

        // 1,000 values on 512 threads: element 512 + t is value 1 (the cosine) of thread t's first call.
        var c = new float[1000];
        var d = new float[1000];
        var bounded = new TorchCudaNoiseSource(5, small);
        bounded.NextGaussian(c);
        new TorchCudaNoiseSource(5).NextGaussian(d);
        Assert.Equal(a, c[..512]);
        Assert.NotEqual(d[512..], c[512..]);
        Assert.Equal(4UL, bounded.Offset); // ⌊999 / 2048⌋ + 1 calls per thread
        var words = Philox4x32.Block((0u, 0u, 7u, 0u), (5u, 0u));
        float u = MathF.FusedMultiplyAdd(words.X0, 2.3283064e-10f, 2.3283064e-10f / 2);
        float v = MathF.FusedMultiplyAdd(words.X1, 2.3283064e-10f * 6.2831855f, 2.3283064e-10f * 6.2831855f / 2);
        Assert.Equal(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(v), c[512 + 7], 5);
    }
}
