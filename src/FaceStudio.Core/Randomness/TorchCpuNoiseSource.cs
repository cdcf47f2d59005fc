using System.Numerics.Tensors;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// Reproduces <c>torch.randn</c> with a CPU generator (<c>torch.Generator("cpu").manual_seed(seed)</c>): each
/// <see cref="NextGaussian(Span{float})"/> call is one <c>torch.randn(shape, generator=g)</c> of that many elements, and
/// successive calls continue the generator's stream the way successive <c>torch.randn</c> calls on one generator do
/// (diffusers' initial latents, then each ancestral step's noise).
/// </summary>
/// <remarks>
/// <para>The generator is MT19937 seeded with the low 32 bits of the seed (<see cref="Mt19937"/>). ATen's CPU
/// <c>normal_</c> (aten/src/ATen/native/cpu/DistributionKernels.cpp and DistributionTemplates.h) has two paths:</para>
/// <list type="bullet">
/// <item>float32 tensors with 16 or more elements (<c>normal_fill</c>): one uniform per element,
/// <c>u = (word &amp; 0xFFFFFF)·2⁻²⁴</c>, written in place; then, for each block of 16, Box–Muller on
/// <c>u1 = 1 − data[j]</c>, <c>u2 = data[j + 8]</c> (j = 0…7): <c>data[j] = r·cos θ</c>, <c>data[j + 8] = r·sin θ</c>
/// with <c>r = √(−2 ln u1)</c>, <c>θ = 2π·u2</c>. When the count is not a multiple of 16 the last 16 elements are
/// drawn again (16 fresh uniforms) and transformed as one more block (the tail rule), so such a call consumes
/// count + 16 words.</item>
/// <item>fewer than 16 elements: one <c>at::normal_distribution&lt;double&gt;</c> per element. It draws two 53-bit
/// uniforms from <c>random64()</c> (two words, the first in the high half), returns <c>r·cos θ</c> with
/// <c>r = √(−2 ln(1 − u2))</c>, <c>θ = 2π·u1</c>, and caches <c>r·sin θ</c> in the generator; the next scalar draw,
/// in this call or a later one, returns the cached value first. The result is rounded to float.</item>
/// </list>
/// <para>The float path is computed in float at the points where ATen's AVX2 kernel rounds (θ = (float)2π·u2, ln, the
/// square root, the products), each operation done in double and rounded once; ATen uses float approximations of
/// ln/sin/cos (avx_mathfun) that can differ from the correctly rounded value by an ulp or two, so results agree with
/// PyTorch's to a few float ulps, not bit for bit: measured max |Δ| = 3.6e-7 over 19,007 values recorded from torch 1.13
/// (tests/FaceStudio.Core.Tests/Randomness, tolerance 1e-6). The fewer-than-16 path and float64 matched exactly.</para>
/// <para>Not thread-safe; use one instance per generation.</para>
/// </remarks>
public sealed class TorchCpuNoiseSource : INoiseSource
{
    private const double TwoPi = 2.0 * Math.PI;
    private const float TwoPiFloat = (float)TwoPi;
    private const double TwoPowMinus24 = 1.0 / 16777216.0;
    private const double TwoPowMinus53 = 1.0 / 9007199254740992.0;

    private readonly Mt19937 _engine;
    private double? _cachedNormal;

    /// <summary>Creates the source for <c>torch.Generator("cpu").manual_seed(seed)</c> (or <c>torch.manual_seed(seed)</c>).</summary>
    /// <param name="seed">The seed; like PyTorch, only its low 32 bits reach MT19937 (negative seeds wrap modulo 2⁶⁴).</param>
    public TorchCpuNoiseSource(long seed)
    {
        Seed = seed;
        _engine = new Mt19937(unchecked((ulong)seed));
    }

    /// <summary>The seed this source was created with.</summary>
    public long Seed { get; }

    /// <summary>
    /// How θ is rounded in the ≥ 16-element float path. <see langword="false"/> (default): ATen's AVX2 kernel
    /// (<c>normal_fill_16_AVX2</c>, what x86-64 builds run on AVX2 machines), <c>θ = (float)2π · u2</c> in float;
    /// <see langword="true"/>: the portable <c>normal_fill_16</c> (builds dispatching to their AVX-512 or default kernels),
    /// <c>θ = (float)(2π·u2)</c> in double. They differ by at most one ulp of θ (measured: AVX2 form 3.6e-7 from torch
    /// 1.13 on an AVX2 machine, portable form 1.8e-6).
    /// </summary>
    internal bool ScalarTheta { get; init; }

    /// <summary>One <c>torch.randn</c> call (float32) of <paramref name="destination"/>'s length.</summary>
    public void NextGaussian(Span<float> destination)
    {
        if (destination.Length >= 16)
        {
            FillFloat(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)NextScalarNormal();
        }
    }

    /// <summary>One <c>torch.randn(..., dtype=torch.float64)</c> call of <paramref name="destination"/>'s length.</summary>
    public void NextGaussian(Span<double> destination)
    {
        if (destination.Length >= 16)
        {
            FillDouble(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextScalarNormal();
        }
    }

    private void FillFloat(Span<float> data)
    {
        int size = data.Length;
        for (int i = 0; i < size; i++)
        {
            data[i] = (float)((_engine.Next() & 0xFFFFFFu) * TwoPowMinus24);
        }

        TransformBlocks(data[..(size - size % 16)]);
        if (size % 16 != 0)
        {
            var tail = data[(size - 16)..];
            for (int i = 0; i < 16; i++)
            {
                tail[i] = (float)((_engine.Next() & 0xFFFFFFu) * TwoPowMinus24);
            }

            TransformBlocks(tail);
        }
    }

    /// <summary>
    /// Box–Muller on whole blocks of 16 (<paramref name="blocks"/>.Length a multiple of 16), in batches: ln, sin and cos
    /// in double over a batch at once (TensorPrimitives' vector kernels), every other operation as the scalar form
    /// <c>r = (float)√(−2·(float)ln u1)</c>, <c>data[j] = r·(float)cos θ</c>, <c>data[j + 8] = r·(float)sin θ</c>.
    /// </summary>
    private void TransformBlocks(Span<float> blocks)
    {
        const int BatchBlocks = 32;
        const int Pairs = BatchBlocks * 8;
        Span<double> ln = stackalloc double[Pairs];
        Span<double> theta = stackalloc double[Pairs];
        Span<double> sin = stackalloc double[Pairs];
        Span<double> cos = stackalloc double[Pairs];
        for (int start = 0; start < blocks.Length; start += BatchBlocks * 16)
        {
            Span<float> batch = blocks.Slice(start, Math.Min(BatchBlocks * 16, blocks.Length - start));
            int pairs = batch.Length / 2;
            for (int b = 0, k = 0; b < batch.Length; b += 16)
            {
                for (int j = 0; j < 8; j++, k++)
                {
                    ln[k] = 1f - batch[b + j];
                    float u2 = batch[b + j + 8];
                    theta[k] = ScalarTheta ? (float)(TwoPi * u2) : TwoPiFloat * u2;
                }
            }

            TensorPrimitives.Log(ln[..pairs], ln[..pairs]);
            TensorPrimitives.Sin(theta[..pairs], sin[..pairs]);
            TensorPrimitives.Cos(theta[..pairs], cos[..pairs]);
            for (int b = 0, k = 0; b < batch.Length; b += 16)
            {
                for (int j = 0; j < 8; j++, k++)
                {
                    float radius = (float)Math.Sqrt(-2f * (float)ln[k]);
                    batch[b + j] = radius * (float)cos[k];
                    batch[b + j + 8] = radius * (float)sin[k];
                }
            }
        }
    }

    private void FillDouble(Span<double> data)
    {
        int size = data.Length;
        for (int i = 0; i < size; i++)
        {
            data[i] = (_engine.Next64() & ((1UL << 53) - 1)) * TwoPowMinus53;
        }

        for (int i = 0; i < size - 15; i += 16)
        {
            Transform16(data.Slice(i, 16));
        }

        if (size % 16 != 0)
        {
            var tail = data[(size - 16)..];
            for (int i = 0; i < 16; i++)
            {
                tail[i] = (_engine.Next64() & ((1UL << 53) - 1)) * TwoPowMinus53;
            }

            Transform16(tail);
        }
    }

    private static void Transform16(Span<double> block)
    {
        for (int j = 0; j < 8; j++)
        {
            double u1 = 1 - block[j];
            double u2 = block[j + 8];
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            double theta = TwoPi * u2;
            block[j] = radius * Math.Cos(theta);
            block[j + 8] = radius * Math.Sin(theta);
        }
    }

    /// <summary><c>at::normal_distribution&lt;double&gt;(0, 1)</c> with the generator's cached second value.</summary>
    private double NextScalarNormal()
    {
        if (_cachedNormal is double cached)
        {
            _cachedNormal = null;
            return cached;
        }

        double u1 = (_engine.Next64() & ((1UL << 53) - 1)) * TwoPowMinus53;
        double u2 = (_engine.Next64() & ((1UL << 53) - 1)) * TwoPowMinus53;
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = TwoPi * u1;
        _cachedNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }
}
