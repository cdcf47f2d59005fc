using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FaceStudio.Core.Randomness;

// TEMPLATE (see VectorWidths.targets): written once, for Vector256, and compiled as it is; the build writes its Vector128
// and Vector512 forms by replacing every "Vector256". Edit only this file; the float rounding and stores, which use each
// width's own intrinsics, are the Store overloads in PhiloxNoiseSource.cs.

// The vector kernels of PhiloxNoiseSource: Philox words, Box–Muller in doubles, one rounding to float, block order.
public sealed partial class PhiloxNoiseSource
{
    /// <summary>Whole groups of <see cref="Vector256{T}.Count"/> blocks (one per 32-bit lane); returns the number of values written.</summary>
    private static int FillVector256<TPolicy>(Span<float> destination, ref ulong counter, uint k0, uint k1)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        int step = 4 * Vector256<uint>.Count; // four values per block
        int length = destination.Length & ~(step - 1);
        ref float output = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < length; i += step)
        {
            // Counters c + j: the low words wrap modulo 2^32, and a lane whose low word wrapped carries into the high word.
            var loBase = Vector256.Create((uint)counter);
            var lo = loBase + Vector256<uint>.Indices;
            var hi = Vector256.Create((uint)(counter >> 32)) - Vector256.LessThan(lo, loBase);

            Philox4x32.Blocks<TPolicy>(lo, hi, k0, k1, out var x0, out var x1, out var x2, out var x3);
            counter += (ulong)Vector256<uint>.Count;
            WriteBlocks<TPolicy>(x0, x1, x2, x3, ref Unsafe.Add(ref output, i));
        }

        return length;
    }

    /// <summary>Box–Muller of the blocks (one word per 32-bit lane); writes their four values each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteBlocks<TPolicy>(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, ref float output)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        // Pairs (X0, X1) and (X2, X3) of the lower (A, B) and the upper (C, D) half of the blocks: four independent Box–Muller transforms.
        DeterministicMath.LogAndSinCosTwoPiOfWord(
            ToUniformOpenZeroClosedOne(Vector256.WidenLower(x0)), ToUniformOpenZeroClosedOne(Vector256.WidenLower(x2)),
            ToUniformOpenZeroClosedOne(Vector256.WidenUpper(x0)), ToUniformOpenZeroClosedOne(Vector256.WidenUpper(x2)),
            Vector256.WidenLower(x1), Vector256.WidenLower(x3), Vector256.WidenUpper(x1), Vector256.WidenUpper(x3),
            out var logA, out var logB, out var logC, out var logD,
            out var sinA, out var cosA, out var sinB, out var cosB, out var sinC, out var cosC, out var sinD, out var cosD);
        var radiusA = Vector256.Sqrt(logA * Vector256.Create(-2.0));
        var radiusB = Vector256.Sqrt(logB * Vector256.Create(-2.0));
        var radiusC = Vector256.Sqrt(logC * Vector256.Create(-2.0));
        var radiusD = Vector256.Sqrt(logD * Vector256.Create(-2.0));
        Store<TPolicy>(radiusA * cosA, radiusA * sinA, radiusB * cosB, radiusB * sinB, ref output);
        Store<TPolicy>(radiusC * cosC, radiusC * sinC, radiusD * cosD, radiusD * sinD, ref Unsafe.Add(ref output, 4 * Vector256<double>.Count));
    }

    /// <summary>u1 = (a + 1) / 2^32 for words a zero-extended to 64 bits: (2^52 + a) − (2^52 − 1) = a + 1 exactly, then an exact scaling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ToUniformOpenZeroClosedOne(Vector256<ulong> a)
        => ((a | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 - 1.0)) * Vector256.Create(TwoPowMinus32);
}
