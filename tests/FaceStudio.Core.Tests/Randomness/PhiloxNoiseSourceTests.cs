using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Tests.Randomness;

public class PhiloxNoiseSourceTests
{
    // Random123's published known-answer vectors for Philox4x32-10 (kat_vectors).
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox_matches_random123_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint x0, uint x1, uint x2, uint x3)
        => Assert.Equal((x0, x1, x2, x3), Philox4x32.Block((c0, c1, c2, c3), (k0, k1)));

    [Fact]
    public void Seed_zero_starts_with_box_muller_of_the_first_known_answer_block()
    {
        var values = new float[4];
        new PhiloxNoiseSource(0).NextGaussian(values);
        uint[] words = [0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u];
        for (int pair = 0; pair < 2; pair++)
        {
            double u1 = (words[2 * pair] + 1.0) / 4294967296.0;
            double u2 = words[(2 * pair) + 1] / 4294967296.0;
            double r = Math.Sqrt(-2 * Math.Log(u1));
            Assert.Equal(r * Math.Cos(2 * Math.PI * u2), values[2 * pair], 5);
            Assert.Equal(r * Math.Sin(2 * Math.PI * u2), values[(2 * pair) + 1], 5);
        }
    }

    [Fact]
    public void Same_seed_gives_same_numbers_and_different_seeds_differ()
    {
        var a = new float[1001];
        var b = new float[1001];
        var c = new float[1001];
        new PhiloxNoiseSource(12345).NextGaussian(a);
        new PhiloxNoiseSource(12345).NextGaussian(b);
        new PhiloxNoiseSource(12346).NextGaussian(c);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Samples_have_standard_normal_moments()
    {
        var values = new float[200_000];
        new PhiloxNoiseSource(99).NextGaussian(values);
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - mean) * (v - mean));
        double fourth = values.Average(v => Math.Pow(v - mean, 4));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(fourth, 2.9, 3.1); // kurtosis of N(0, 1) is 3
    }

    [Fact]
    public void Draws_of_any_length_continue_the_stream_by_whole_blocks()
    {
        var whole = new float[12];
        new PhiloxNoiseSource(5).NextGaussian(whole);
        var source = new PhiloxNoiseSource(5);
        var first = new float[6]; // uses blocks 0 and 1, discarding the last two values of block 1
        var second = new float[4];
        source.NextGaussian(first);
        source.NextGaussian(second);
        Assert.Equal(whole[..6], first);
        Assert.Equal(whole[8..12], second);
        Assert.Equal(3ul, source.BlocksConsumed);
    }

    [Fact]
    public void Draws_allocate_nothing()
    {
        var source = new PhiloxNoiseSource(3);
        var values = new float[16_387]; // whole vector groups plus a scalar tail
        source.NextGaussian(values); // warm up (JIT, static kernel choice)
        long before = GC.GetAllocatedBytesForCurrentThread();
        source.NextGaussian(values);
        source.NextGaussian(values.AsSpan(0, 5));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Deterministic_math_agrees_with_libm()
    {
        for (double x = 1e-9; x <= 1; x *= 1.37)
        {
            Assert.True(Math.Abs(DeterministicMath.Log(x) - Math.Log(x)) <= 1e-14 * Math.Abs(Math.Log(x)), $"log({x})");
        }

        for (int i = 0; i < 4096; i++)
        {
            double u = i / 4096.0;
            var (sin, cos) = DeterministicMath.SinCosTwoPi(u);
            Assert.True(Math.Abs(Math.Sin(2 * Math.PI * u) - sin) <= 1e-14, $"sin(2π·{u})");
            Assert.True(Math.Abs(Math.Cos(2 * Math.PI * u) - cos) <= 1e-14, $"cos(2π·{u})");
        }
    }
}
