using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FaceStudio.Core.Randomness;

// TEMPLATE (see VectorWidths.targets): written once, for Vector256, and compiled as it is; the build writes its Vector128
// and Vector512 forms by replacing every "Vector256". Edit only this file; the 32×32→64-bit products with each width's
// own intrinsics are in Philox4x32.MulHiLo.cs.

public static partial class Philox4x32
{
    /// <summary>Encrypts the counters (lo[i], hi[i], 0, 0), one per lane, under one key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Blocks<TPolicy>(
        Vector256<uint> lo, Vector256<uint> hi, uint k0, uint k1,
        out Vector256<uint> x0, out Vector256<uint> x1, out Vector256<uint> x2, out Vector256<uint> x3)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        // Round 0 with c2 = c3 = 0: the M1·c2 product is zero.
        MulHiLo<TPolicy>(lo, M0, out var hi0, out var lo0);
        var c0 = hi ^ Vector256.Create(k0);
        var c1 = Vector256<uint>.Zero;
        var c2 = hi0 ^ Vector256.Create(k1);
        var c3 = lo0;
        for (int round = 1; round < 10; round++)
        {
            k0 += W0;
            k1 += W1;
            MulHiLo<TPolicy>(c0, M0, out hi0, out lo0);
            MulHiLo<TPolicy>(c2, M1, out var hi1, out var lo1);
            var n0 = hi1 ^ c1 ^ Vector256.Create(k0);
            var n2 = hi0 ^ c3 ^ Vector256.Create(k1);
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }

        (x0, x1, x2, x3) = (c0, c1, c2, c3);
    }

    /// <summary>The high and low 32 bits of the 64-bit product a[i]·m in every lane, with portable operations only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MulHiLoPortable(Vector256<uint> a, uint m, out Vector256<uint> high, out Vector256<uint> low)
    {
        var (lower, upper) = Vector256.Widen(a);
        var productLower = lower * Vector256.Create((ulong)m);
        var productUpper = upper * Vector256.Create((ulong)m);
        high = Vector256.Narrow(Vector256.ShiftRightLogical(productLower, 32), Vector256.ShiftRightLogical(productUpper, 32));
        low = Vector256.Narrow(productLower, productUpper);
    }
}
