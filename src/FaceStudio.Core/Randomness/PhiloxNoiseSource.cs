using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// Seeded standard-normal source: Philox4x32-10 keyed by the seed, counter incremented per block of four words,
/// Box–Muller on pairs of words. Bit-identical on every OS and run for the same seed and the same sequence of calls.
/// </summary>
/// <remarks>
/// Word pairs (a, b) become u1 = (a + 1) / 2^32 in (0, 1] and u2 = b / 2^32 in [0, 1);
/// z0 = sqrt(-2 ln u1) cos(2π u2), z1 = sqrt(-2 ln u1) sin(2π u2). The logarithm and sine/cosine are computed
/// with <see cref="DeterministicMath"/> (no libm), the square root is IEEE correctly rounded, then each value is
/// rounded once to float. Block n gives the four values 4n…4n+3 as (z0, z1) of (X0, X1) then (z0, z1) of (X2, X3);
/// a draw uses whole blocks and discards the unused tail of its last one.
/// This is not torch's generator: the same seed gives different numbers from PyTorch.
/// Not thread-safe; use one instance per generation. Draws allocate nothing.
/// </remarks>
public sealed partial class PhiloxNoiseSource : INoiseSource
{
    private const double TwoPow32 = 4294967296.0;
    private const double TwoPowMinus32 = 1.0 / TwoPow32;
    private const double TwoPow52 = 4503599627370496.0;
    private const ulong MagicBits = 0x4330000000000000UL; // the double 2^52
    // The widest accelerated width; on CPUs where .NET keeps Vector512 off (e.g. AVX-512 that throttles) it is Vector256.
    private static readonly NoiseKernel BestKernel =
        Vector512.IsHardwareAccelerated ? NoiseKernel.Vector512
        : Vector256.IsHardwareAccelerated ? NoiseKernel.Vector256
        : Vector128.IsHardwareAccelerated ? NoiseKernel.Vector128
        : NoiseKernel.Scalar;

    private readonly (uint K0, uint K1) _key;
    private ulong _counter;

    /// <summary>Creates a source for a seed.</summary>
    /// <param name="seed">Any 64-bit seed; it becomes the Philox key.</param>
    public PhiloxNoiseSource(ulong seed)
    {
        _key = ((uint)seed, (uint)(seed >> 32));
        Seed = seed;
    }

    /// <summary>The seed this source was created with.</summary>
    public ulong Seed { get; }

    /// <summary>Number of 128-bit blocks consumed so far (each gives four normal samples).</summary>
    public ulong BlocksConsumed => _counter;

    /// <inheritdoc />
    public void NextGaussian(Span<float> destination)
        => _counter = Fill(destination, _counter, _key.K0, _key.K1, BestKernel);

    /// <summary>
    /// Fills <paramref name="destination"/> from blocks <paramref name="counter"/>, <paramref name="counter"/> + 1, …
    /// with the chosen kernel and returns the next unused counter. Every kernel gives the same bits; the vector kernels
    /// handle whole groups of blocks and hand the rest to the narrower ones, ending with the scalar reference.
    /// </summary>
    internal static ulong Fill(Span<float> destination, ulong counter, uint k0, uint k1, NoiseKernel kernel)
    {
        int done = 0;
        switch (kernel)
        {
            case NoiseKernel.Vector512:
                done = FillVector512<PlatformIntrinsicsPolicy>(destination, ref counter, k0, k1);
                done += FillVector256<PlatformIntrinsicsPolicy>(destination[done..], ref counter, k0, k1);
                done += FillVector128<PlatformIntrinsicsPolicy>(destination[done..], ref counter, k0, k1);
                break;
            case NoiseKernel.Vector512Portable:
                done = FillVector512<PortableIntrinsicsPolicy>(destination, ref counter, k0, k1);
                done += FillVector256<PortableIntrinsicsPolicy>(destination[done..], ref counter, k0, k1);
                done += FillVector128<PortableIntrinsicsPolicy>(destination[done..], ref counter, k0, k1);
                break;
            case NoiseKernel.Vector256:
                done = FillVector256<PlatformIntrinsicsPolicy>(destination, ref counter, k0, k1);
                done += FillVector128<PlatformIntrinsicsPolicy>(destination[done..], ref counter, k0, k1);
                break;
            case NoiseKernel.Vector256Portable:
                done = FillVector256<PortableIntrinsicsPolicy>(destination, ref counter, k0, k1);
                done += FillVector128<PortableIntrinsicsPolicy>(destination[done..], ref counter, k0, k1);
                break;
            case NoiseKernel.Vector128:
                done = FillVector128<PlatformIntrinsicsPolicy>(destination, ref counter, k0, k1);
                break;
            case NoiseKernel.Vector128Portable:
                done = FillVector128<PortableIntrinsicsPolicy>(destination, ref counter, k0, k1);
                break;
            case NoiseKernel.Scalar:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Expected a NoiseKernel value.");
        }

        return FillScalar(destination[done..], counter, k0, k1);
    }

    /// <summary>The reference: one block at a time with the scalar Philox and deterministic math.</summary>
    private static ulong FillScalar(Span<float> destination, ulong counter, uint k0, uint k1)
    {
        Span<float> block = stackalloc float[4];
        for (int i = 0; i < destination.Length; i += 4)
        {
            var words = Philox4x32.Block(((uint)counter, (uint)(counter >> 32), 0u, 0u), (k0, k1));
            counter++;
            (block[0], block[1]) = BoxMuller(words.X0, words.X1);
            (block[2], block[3]) = BoxMuller(words.X2, words.X3);
            int count = Math.Min(4, destination.Length - i);
            block[..count].CopyTo(destination[i..]);
        }

        return counter;
    }

    private static (float Z0, float Z1) BoxMuller(uint a, uint b)
    {
        double u1 = (a + 1.0) / TwoPow32;
        double u2 = b / TwoPow32;
        double radius = Math.Sqrt(DeterministicMath.Log(u1) * -2.0);
        var (sin, cos) = DeterministicMath.SinCosTwoPi(u2);
        return ((float)(radius * cos), (float)(radius * sin));
    }

    /// <summary>Rounds eight blocks' values to float and writes them in block order (32 values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TPolicy>(Vector512<double> cosA, Vector512<double> sinA, Vector512<double> cosB, Vector512<double> sinB, ref float output)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        var cosA32 = ToSingle<TPolicy>(cosA);
        var sinA32 = ToSingle<TPolicy>(sinA);
        var cosB32 = ToSingle<TPolicy>(cosB);
        var sinB32 = ToSingle<TPolicy>(sinB);
        StoreInterleaved<TPolicy>(cosA32.GetLower(), sinA32.GetLower(), cosB32.GetLower(), sinB32.GetLower(), ref output);
        StoreInterleaved<TPolicy>(cosA32.GetUpper(), sinA32.GetUpper(), cosB32.GetUpper(), sinB32.GetUpper(), ref Unsafe.Add(ref output, 16));
    }

    /// <summary>Rounds eight doubles to float (IEEE round-to-nearest-even, as the scalar cast).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ToSingle<TPolicy>(Vector512<double> value)
        where TPolicy : struct, IIntrinsicsPolicy
        => TPolicy.PlatformIntrinsics && Avx512F.IsSupported
            ? Avx512F.ConvertToVector256Single(value)
            : Vector256.Narrow(value.GetLower(), value.GetUpper());

    /// <summary>Rounds four blocks' values to float and writes them in block order (16 values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TPolicy>(Vector256<double> cosA, Vector256<double> sinA, Vector256<double> cosB, Vector256<double> sinB, ref float output)
        where TPolicy : struct, IIntrinsicsPolicy
        => StoreInterleaved<TPolicy>(ToSingle<TPolicy>(cosA), ToSingle<TPolicy>(sinA), ToSingle<TPolicy>(cosB), ToSingle<TPolicy>(sinB), ref output);

    /// <summary>Rounds two blocks' values to float and writes them in block order (8 values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TPolicy>(Vector128<double> cosA, Vector128<double> sinA, Vector128<double> cosB, Vector128<double> sinB, ref float output)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        var cos = Vector128.Narrow(cosA, cosB); // cA0 cA1 cB0 cB1
        var sin = Vector128.Narrow(sinA, sinB); // sA0 sA1 sB0 sB1
        if (TPolicy.PlatformIntrinsics && Sse.IsSupported)
        {
            var a01 = Sse.UnpackLow(cos, sin);  // cA0 sA0 cA1 sA1
            var b01 = Sse.UnpackHigh(cos, sin); // cB0 sB0 cB1 sB1
            Sse.MoveLowToHigh(a01, b01).StoreUnsafe(ref output);
            Sse.MoveHighToLow(b01, a01).StoreUnsafe(ref output, 4);
        }
        else
        {
            for (int i = 0; i < 2; i++)
            {
                Unsafe.Add(ref output, 4 * i) = cos.GetElement(i);
                Unsafe.Add(ref output, (4 * i) + 1) = sin.GetElement(i);
                Unsafe.Add(ref output, (4 * i) + 2) = cos.GetElement(i + 2);
                Unsafe.Add(ref output, (4 * i) + 3) = sin.GetElement(i + 2);
            }
        }
    }

    /// <summary>Rounds four doubles to float (IEEE round-to-nearest-even, as the scalar cast).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ToSingle<TPolicy>(Vector256<double> value)
        where TPolicy : struct, IIntrinsicsPolicy
        => TPolicy.PlatformIntrinsics && Avx.IsSupported
            ? Avx.ConvertToVector128Single(value)
            : Vector128.Narrow(value.GetLower(), value.GetUpper());

    /// <summary>Writes block i's values (cosA[i], sinA[i], cosB[i], sinB[i]) to output[4i…4i+3]: a 4×4 transpose.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInterleaved<TPolicy>(Vector128<float> cosA, Vector128<float> sinA, Vector128<float> cosB, Vector128<float> sinB, ref float output)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        if (TPolicy.PlatformIntrinsics && Sse.IsSupported)
        {
            var a01 = Sse.UnpackLow(cosA, sinA);   // cA0 sA0 cA1 sA1
            var b01 = Sse.UnpackLow(cosB, sinB);   // cB0 sB0 cB1 sB1
            var a23 = Sse.UnpackHigh(cosA, sinA);  // cA2 sA2 cA3 sA3
            var b23 = Sse.UnpackHigh(cosB, sinB);  // cB2 sB2 cB3 sB3
            Sse.MoveLowToHigh(a01, b01).StoreUnsafe(ref output);
            Sse.MoveHighToLow(b01, a01).StoreUnsafe(ref output, 4);
            Sse.MoveLowToHigh(a23, b23).StoreUnsafe(ref output, 8);
            Sse.MoveHighToLow(b23, a23).StoreUnsafe(ref output, 12);
        }
        else
        {
            for (int i = 0; i < 4; i++)
            {
                Unsafe.Add(ref output, 4 * i) = cosA.GetElement(i);
                Unsafe.Add(ref output, (4 * i) + 1) = sinA.GetElement(i);
                Unsafe.Add(ref output, (4 * i) + 2) = cosB.GetElement(i);
                Unsafe.Add(ref output, (4 * i) + 3) = sinB.GetElement(i);
            }
        }
    }
}

/// <summary>Which implementation of <see cref="PhiloxNoiseSource"/> fills a draw; all give the same bits.</summary>
internal enum NoiseKernel
{
    /// <summary>One block at a time: the reference.</summary>
    Scalar,

    /// <summary>Four blocks per step with portable <see cref="Vector128{T}"/> operations only.</summary>
    Vector128Portable,

    /// <summary>Four blocks per step, x86 intrinsics where supported.</summary>
    Vector128,

    /// <summary>Eight blocks per step with portable <see cref="Vector256{T}"/> operations only.</summary>
    Vector256Portable,

    /// <summary>Eight blocks per step, AVX2 where supported.</summary>
    Vector256,

    /// <summary>Sixteen blocks per step with portable <see cref="Vector512{T}"/> operations only.</summary>
    Vector512Portable,

    /// <summary>Sixteen blocks per step, AVX-512 where supported.</summary>
    Vector512,
}
