using FaceStudio.Core.Randomness;
using Xunit.Abstractions;

namespace FaceStudio.Core.Tests.Randomness;

/// <summary>TorchCpuNoiseSource against torch.randn recorded from PyTorch (tools/parity/record_noise.py).</summary>
public class TorchCpuNoiseSourceParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in TorchNoiseParityFixtures.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TorchCpu_randn_parity_with_recorded_torch_values_within_1e6(string name)
    {
        var c = TorchNoiseParityFixtures.Get(name);
        double worst = Replay(new TorchCpuNoiseSource(c.Seed), c);
        output.WriteLine($"{name}: max |C# − torch {TorchNoiseParityFixtures.TorchVersion}| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"{name}: max abs difference {worst:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void TorchCpu_randn_parity_over_all_cases_reports_worst_difference_and_portable_theta_variant()
    {
        double avx2Theta = 0, scalarTheta = 0;
        long values = 0;
        foreach (var name in TorchNoiseParityFixtures.CaseNames)
        {
            var c = TorchNoiseParityFixtures.Get(name);
            avx2Theta = Math.Max(avx2Theta, Replay(new TorchCpuNoiseSource(c.Seed), c));
            scalarTheta = Math.Max(scalarTheta, Replay(new TorchCpuNoiseSource(c.Seed) { ScalarTheta = true }, c));
            values += c.Calls.Sum(call => call.Values.Length);
        }

        output.WriteLine($"{values} values; max abs difference: AVX2 θ (default) {avx2Theta:E2}, portable θ {scalarTheta:E2}");
        Assert.True(avx2Theta <= Tolerance, $"max abs difference {avx2Theta:E3}");
    }

    [Fact]
    public void TorchCpu_seed_uses_only_low_32_bits_like_torch_mt19937()
    {
        var a = new float[40];
        var b = new float[40];
        new TorchCpuNoiseSource((1L << 32) + 7).NextGaussian(a);
        new TorchCpuNoiseSource(7).NextGaussian(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void TorchCpu_sixteen_or_more_values_consume_count_words_plus_sixteen_for_a_tail()
    {
        // 17 values: 17 uniforms, then the last 16 redrawn: 33 words. The next scalar draw starts after them.
        var engine = new Mt19937(3);
        for (int i = 0; i < 33; i++)
        {
            engine.Next();
        }

        var source = new TorchCpuNoiseSource(3);
        source.NextGaussian(new float[17]);
        var next = new double[1];
        source.NextGaussian(next);
        double u1 = (engine.Next64() & ((1UL << 53) - 1)) / 9007199254740992.0;
        double u2 = (engine.Next64() & ((1UL << 53) - 1)) / 9007199254740992.0;
        Assert.Equal(Math.Sqrt(-2 * Math.Log(1 - u2)) * Math.Cos(2 * Math.PI * u1), next[0], 12);
    }

    private static double Replay(TorchCpuNoiseSource source, TorchNoiseParityFixtures.Case c)
    {
        double worst = 0;
        foreach (var call in c.Calls)
        {
            double[] got;
            if (call.DType == "float64")
            {
                got = new double[call.Values.Length];
                source.NextGaussian(got.AsSpan());
            }
            else
            {
                var f = new float[call.Values.Length];
                source.NextGaussian(f.AsSpan());
                got = f.Select(v => (double)v).ToArray();
            }

            for (int i = 0; i < got.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(got[i] - call.Values[i]));
            }
        }

        return worst;
    }
}
