using System.Runtime.Intrinsics;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Tests.Randomness;

/// <summary>
/// The vectorised kernels against the scalar reference (Philox4x32.Block, DeterministicMath's scalar functions):
/// every path, with and without x86 intrinsics, must give the same bits, because the numbers for a seed are part of
/// the reproducibility contract. Paths the CPU does not accelerate still run (software fallback) and are checked too.
/// </summary>
public class NoiseKernelTests
{
    private static readonly NoiseKernel[] VectorKernels =
        [
            NoiseKernel.Vector128Portable, NoiseKernel.Vector128, NoiseKernel.Vector256Portable, NoiseKernel.Vector256,
            NoiseKernel.Vector512Portable, NoiseKernel.Vector512,
        ];

    [Theory]
    [InlineData(0ul, 0u, 0u)]
    [InlineData(17ul, 0x243F6A88u, 0x85A308D3u)]
    [InlineData(0xFFFF_FFF0ul, 1u, 2u)]                // low counter word wraps inside a vector group
    [InlineData(0xFFFF_FFFDul, 1u, 2u)]
    [InlineData(0x1_FFFF_FFFBul, 0xFFFFFFFFu, 0u)]
    [InlineData(ulong.MaxValue - 9, 0xFFFFFFFFu, 0xFFFFFFFFu)] // the 64-bit counter itself wraps
    public void Every_kernel_matches_the_scalar_reference_for_every_length(ulong counter, uint k0, uint k1)
    {
        foreach (int length in Enumerable.Range(0, 140).Concat([255, 256, 257, 1000, 1003]))
        {
            var expected = new float[length];
            ulong expectedNext = PhiloxNoiseSource.Fill(expected, counter, k0, k1, NoiseKernel.Scalar);
            Assert.Equal(counter + (ulong)((length + 3) / 4), expectedNext);
            foreach (var kernel in VectorKernels)
            {
                var actual = new float[length];
                ulong next = PhiloxNoiseSource.Fill(actual, counter, k0, k1, kernel);
                Assert.Equal(expectedNext, next);
                for (int i = 0; i < length; i++)
                {
                    Assert.True(
                        BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]),
                        $"{kernel}, length {length}, index {i}: {actual[i]} instead of {expected[i]}");
                }
            }
        }
    }

    [Fact]
    public void Vector_philox_matches_the_scalar_block_on_every_lane()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var lo = new uint[16];
            var hi = new uint[16];
            for (int i = 0; i < 16; i++)
            {
                lo[i] = (uint)random.NextInt64(0, 1L << 32);
                hi[i] = trial % 3 == 0 ? uint.MaxValue - (uint)i : (uint)random.NextInt64(0, 1L << 32);
            }

            uint k0 = (uint)random.NextInt64(0, 1L << 32), k1 = trial == 0 ? uint.MaxValue : (uint)random.NextInt64(0, 1L << 32);
            var expected = Enumerable.Range(0, 16).Select(i => Philox4x32.Block((lo[i], hi[i], 0u, 0u), (k0, k1))).ToArray();

            Check(Widest<PlatformIntrinsicsPolicy>(lo, hi, k0, k1), expected, "Vector512 intrinsics");
            Check(Widest<PortableIntrinsicsPolicy>(lo, hi, k0, k1), expected, "Vector512 portable");
            Check(Wide<PlatformIntrinsicsPolicy>(lo, hi, k0, k1), expected[..8], "Vector256 intrinsics");
            Check(Wide<PortableIntrinsicsPolicy>(lo, hi, k0, k1), expected[..8], "Vector256 portable");
            Check(Narrow<PlatformIntrinsicsPolicy>(lo, hi, k0, k1), expected[..4], "Vector128 intrinsics");
            Check(Narrow<PortableIntrinsicsPolicy>(lo, hi, k0, k1), expected[..4], "Vector128 portable");
        }
    }

    [Fact]
    public void Vector_multiply_high_low_is_the_64_bit_product()
    {
        uint[] a = [0u, 1u, 2u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0xD2511F53u, 12345u];
        foreach (uint m in new[] { 0xD2511F53u, 0xCD9E8D57u, 0xFFFFFFFFu, 1u })
        {
            var vector = Vector256.Create(a);
            var widest = Vector512.Create(vector, vector);
            Philox4x32.MulHiLo<PlatformIntrinsicsPolicy>(widest, m, out var hi512, out var lo512);
            Philox4x32.MulHiLo<PortableIntrinsicsPolicy>(widest, m, out var hi512p, out var lo512p);
            Philox4x32.MulHiLo<PlatformIntrinsicsPolicy>(vector, m, out var hi256, out var lo256);
            Philox4x32.MulHiLo<PortableIntrinsicsPolicy>(vector, m, out var hi256p, out var lo256p);
            Philox4x32.MulHiLo<PlatformIntrinsicsPolicy>(vector.GetUpper(), m, out var hi128, out var lo128);
            Philox4x32.MulHiLo<PortableIntrinsicsPolicy>(vector.GetUpper(), m, out var hi128p, out var lo128p);
            for (int i = 0; i < 8; i++)
            {
                ulong product = (ulong)a[i] * m;
                foreach (int lane in new[] { i, i + 8 })
                {
                    Assert.Equal((uint)(product >> 32), hi512[lane]);
                    Assert.Equal((uint)product, lo512[lane]);
                    Assert.Equal((uint)(product >> 32), hi512p[lane]);
                    Assert.Equal((uint)product, lo512p[lane]);
                }

                Assert.Equal((uint)(product >> 32), hi256[i]);
                Assert.Equal((uint)product, lo256[i]);
                Assert.Equal((uint)(product >> 32), hi256p[i]);
                Assert.Equal((uint)product, lo256p[i]);
                if (i >= 4)
                {
                    Assert.Equal((uint)(product >> 32), hi128[i - 4]);
                    Assert.Equal((uint)product, lo128[i - 4]);
                    Assert.Equal((uint)(product >> 32), hi128p[i - 4]);
                    Assert.Equal((uint)product, lo128p[i - 4]);
                }
            }
        }
    }

    [Fact]
    public void Vector_log_matches_the_scalar_log_bit_for_bit()
    {
        var inputs = new List<double>();
        foreach (uint word in EdgeWords().Concat(RandomWords(4000)))
        {
            inputs.Add((word + 1.0) / 4294967296.0); // the u1 values Box–Muller feeds in
        }

        for (double value = 1e-300; value < 1e300; value *= 1.9)
        {
            inputs.Add(value);
        }

        inputs.AddRange([1.0, 2.0, Math.Sqrt(2), Math.BitDecrement(Math.Sqrt(2)), Math.BitIncrement(Math.Sqrt(2)), double.MaxValue, double.Epsilon * (1L << 52)]);
        while (inputs.Count % 32 != 0)
        {
            inputs.Add(0.5);
        }

        double[] x = [.. inputs];
        var forms = new Dictionary<string, double[]>
        {
            ["Vector128"] = Lanes(x, 2, i => ToArray(DeterministicMath.Log(Vector128.Create(x, i)))),
            ["Vector128 x4"] = Lanes(x, 8, i => Fused128(x, i, new ulong[8], 0).Log),
            ["Vector256"] = Lanes(x, 4, i => ToArray(DeterministicMath.Log(Vector256.Create(x, i)))),
            ["Vector256 x4"] = Lanes(x, 16, i => Fused256(x, i, new ulong[16], 0).Log),
            ["Vector512"] = Lanes(x, 8, i => ToArray(DeterministicMath.Log(Vector512.Create(x, i)))),
            ["Vector512 x4"] = Lanes(x, 32, i => Fused512(x, i, new ulong[32], 0).Log),
        };
        for (int i = 0; i < x.Length; i++)
        {
            long expected = BitConverter.DoubleToInt64Bits(DeterministicMath.Log(x[i]));
            foreach (var (form, actual) in forms)
            {
                Assert.True(expected == BitConverter.DoubleToInt64Bits(actual[i]), $"log({x[i]:R}) {form}");
            }
        }
    }

    [Fact]
    public void Vector_sin_cos_of_a_word_matches_the_scalar_form_bit_for_bit()
    {
        var list = EdgeWords().Concat(RandomWords(4000)).ToList();
        while (list.Count % 32 != 0)
        {
            list.Add(0);
        }

        ulong[] w = [.. list.Select(word => (ulong)word)];
        var sinForms = new Dictionary<string, double[]>();
        var cosForms = new Dictionary<string, double[]>();
        void Add(string form, int step, Func<int, (double[] Sin, double[] Cos)> evaluate)
        {
            sinForms[form] = Lanes(w.Select(v => (double)v).ToArray(), step, i => evaluate(i).Sin);
            cosForms[form] = Lanes(w.Select(v => (double)v).ToArray(), step, i => evaluate(i).Cos);
        }

        Add("Vector128", 2, i => DeterministicMath.SinCosTwoPiOfWord(Vector128.Create(w, i)) is var (s, c) ? ([s[0], s[1]], [c[0], c[1]]) : default);
        var ones = Enumerable.Repeat(1.0, 32).ToArray();
        Add("Vector128 x4", 8, i => Fused128(ones, 0, w, i) is var r ? (r.Sin, r.Cos) : default);
        Add("Vector256", 4, i => DeterministicMath.SinCosTwoPiOfWord(Vector256.Create(w, i)) is var (s, c) ? (ToArray(s), ToArray(c)) : default);
        Add("Vector256 x4", 16, i => Fused256(ones, 0, w, i) is var r ? (r.Sin, r.Cos) : default);
        Add("Vector512", 8, i => DeterministicMath.SinCosTwoPiOfWord(Vector512.Create(w, i)) is var (s, c) ? (ToArray(s), ToArray(c)) : default);
        Add("Vector512 x4", 32, i => Fused512(ones, 0, w, i) is var r ? (r.Sin, r.Cos) : default);
        for (int i = 0; i < w.Length; i++)
        {
            var (sin, cos) = DeterministicMath.SinCosTwoPi(w[i] / 4294967296.0);
            foreach (string form in sinForms.Keys)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(sin) == BitConverter.DoubleToInt64Bits(sinForms[form][i]), $"sin, word {w[i]:X8}, {form}");
                Assert.True(BitConverter.DoubleToInt64Bits(cos) == BitConverter.DoubleToInt64Bits(cosForms[form][i]), $"cos, word {w[i]:X8}, {form}");
            }
        }
    }

    private static double[] Lanes(double[] inputs, int step, Func<int, double[]> evaluate)
    {
        var results = new double[inputs.Length];
        for (int i = 0; i < inputs.Length; i += step)
        {
            evaluate(i).CopyTo(results, i);
        }

        return results;
    }

    // The fused four-way forms (LogAndSinCosTwoPiOfWord) on four consecutive vectors of x and of words, lanes in order.
    private static (double[] Log, double[] Sin, double[] Cos) Fused128(double[] x, int i, ulong[] w, int j)
    {
        DeterministicMath.LogAndSinCosTwoPiOfWord(
            Vector128.Create(x, i), Vector128.Create(x, i + 2), Vector128.Create(x, i + 4), Vector128.Create(x, i + 6),
            Vector128.Create(w, j), Vector128.Create(w, j + 2), Vector128.Create(w, j + 4), Vector128.Create(w, j + 6),
            out var l1, out var l2, out var l3, out var l4, out var s1, out var c1, out var s2, out var c2, out var s3, out var c3, out var s4, out var c4);
        return ([.. ToArray(l1), .. ToArray(l2), .. ToArray(l3), .. ToArray(l4)], [.. ToArray(s1), .. ToArray(s2), .. ToArray(s3), .. ToArray(s4)], [.. ToArray(c1), .. ToArray(c2), .. ToArray(c3), .. ToArray(c4)]);
    }

    private static (double[] Log, double[] Sin, double[] Cos) Fused256(double[] x, int i, ulong[] w, int j)
    {
        DeterministicMath.LogAndSinCosTwoPiOfWord(
            Vector256.Create(x, i), Vector256.Create(x, i + 4), Vector256.Create(x, i + 8), Vector256.Create(x, i + 12),
            Vector256.Create(w, j), Vector256.Create(w, j + 4), Vector256.Create(w, j + 8), Vector256.Create(w, j + 12),
            out var l1, out var l2, out var l3, out var l4, out var s1, out var c1, out var s2, out var c2, out var s3, out var c3, out var s4, out var c4);
        return ([.. ToArray(l1), .. ToArray(l2), .. ToArray(l3), .. ToArray(l4)], [.. ToArray(s1), .. ToArray(s2), .. ToArray(s3), .. ToArray(s4)], [.. ToArray(c1), .. ToArray(c2), .. ToArray(c3), .. ToArray(c4)]);
    }

    private static (double[] Log, double[] Sin, double[] Cos) Fused512(double[] x, int i, ulong[] w, int j)
    {
        DeterministicMath.LogAndSinCosTwoPiOfWord(
            Vector512.Create(x, i), Vector512.Create(x, i + 8), Vector512.Create(x, i + 16), Vector512.Create(x, i + 24),
            Vector512.Create(w, j), Vector512.Create(w, j + 8), Vector512.Create(w, j + 16), Vector512.Create(w, j + 24),
            out var l1, out var l2, out var l3, out var l4, out var s1, out var c1, out var s2, out var c2, out var s3, out var c3, out var s4, out var c4);
        return ([.. ToArray(l1), .. ToArray(l2), .. ToArray(l3), .. ToArray(l4)], [.. ToArray(s1), .. ToArray(s2), .. ToArray(s3), .. ToArray(s4)], [.. ToArray(c1), .. ToArray(c2), .. ToArray(c3), .. ToArray(c4)]);
    }

    private static double[] ToArray(Vector128<double> v) => [v[0], v[1]];

    private static double[] ToArray(Vector256<double> v) => [v[0], v[1], v[2], v[3]];

    private static double[] ToArray(Vector512<double> v) => [v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]];

    /// <summary>0, all-ones, powers of two and their neighbours, and each octant boundary (k·2^29) ± 1 and its centre.</summary>
    private static IEnumerable<uint> EdgeWords()
    {
        yield return 0;
        yield return uint.MaxValue;
        for (int bit = 0; bit < 32; bit++)
        {
            uint p = 1u << bit;
            yield return p - 1;
            yield return p;
            yield return p + 1;
        }

        for (uint octant = 0; octant < 8; octant++)
        {
            uint start = octant << 29;
            yield return start;
            yield return start - 1;
            yield return start + 1;
            yield return start + (1u << 28);
            yield return start + (1u << 28) - 1;
            yield return start + (1u << 28) + 1;
        }
    }

    private static IEnumerable<uint> RandomWords(int count)
    {
        var random = new Random(11);
        for (int i = 0; i < count; i++)
        {
            yield return (uint)random.NextInt64(0, 1L << 32);
        }
    }

    private static Vector512<uint>[] Widest<TPolicy>(uint[] lo, uint[] hi, uint k0, uint k1)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Philox4x32.Blocks<TPolicy>(Vector512.Create(lo), Vector512.Create(hi), k0, k1, out var x0, out var x1, out var x2, out var x3);
        return [x0, x1, x2, x3];
    }

    private static Vector256<uint>[] Wide<TPolicy>(uint[] lo, uint[] hi, uint k0, uint k1)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Philox4x32.Blocks<TPolicy>(Vector256.Create(lo), Vector256.Create(hi), k0, k1, out var x0, out var x1, out var x2, out var x3);
        return [x0, x1, x2, x3];
    }

    private static Vector128<uint>[] Narrow<TPolicy>(uint[] lo, uint[] hi, uint k0, uint k1)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Philox4x32.Blocks<TPolicy>(Vector128.Create(lo), Vector128.Create(hi), k0, k1, out var x0, out var x1, out var x2, out var x3);
        return [x0, x1, x2, x3];
    }

    private static void Check(Vector512<uint>[] words, (uint X0, uint X1, uint X2, uint X3)[] expected, string path)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == (words[0][i], words[1][i], words[2][i], words[3][i]), $"{path}, lane {i}");
        }
    }

    private static void Check(Vector256<uint>[] words, (uint X0, uint X1, uint X2, uint X3)[] expected, string path)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == (words[0][i], words[1][i], words[2][i], words[3][i]), $"{path}, lane {i}");
        }
    }

    private static void Check(Vector128<uint>[] words, (uint X0, uint X1, uint X2, uint X3)[] expected, string path)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == (words[0][i], words[1][i], words[2][i], words[3][i]), $"{path}, lane {i}");
        }
    }
}
