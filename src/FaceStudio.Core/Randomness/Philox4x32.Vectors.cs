using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// Philox4x32-10 on several counters at once, one counter per 32-bit lane in structure-of-arrays form (lane i of
/// <c>x0</c>…<c>x3</c> are the four output words of counter i). Integer arithmetic only, so every path (x86
/// intrinsics, portable vector operations, the scalar <see cref="Block"/>) gives the same words.
/// </summary>
public static partial class Philox4x32
{
    /// <summary>Encrypts the counters (lo[i], hi[i], 0, 0), one per lane, under one key; written once for every width.</summary>
    /// <typeparam name="TPolicy">Whether x86 intrinsics may be used.</typeparam>
    /// <typeparam name="TLanes">The 32-bit lanes of one width (<see cref="Lanes128{T}"/>, <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>).</typeparam>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Blocks<TPolicy, TLanes>(
        TLanes lo, TLanes hi, uint k0, uint k1, out TLanes x0, out TLanes x1, out TLanes x2, out TLanes x3)
        where TPolicy : struct, IIntrinsicsPolicy
        where TLanes : struct, ILaneVector<TLanes, uint>
    {
        // Round 0 with c2 = c3 = 0: the M1·c2 product is zero.
        TLanes.MulHiLo<TPolicy>(lo, M0, out var hi0, out var lo0);
        var c0 = hi ^ TLanes.Create(k0);
        var c1 = TLanes.Zero;
        var c2 = hi0 ^ TLanes.Create(k1);
        var c3 = lo0;
        for (int round = 1; round < 10; round++)
        {
            k0 += W0;
            k1 += W1;
            TLanes.MulHiLo<TPolicy>(c0, M0, out hi0, out lo0);
            TLanes.MulHiLo<TPolicy>(c2, M1, out var hi1, out var lo1);
            var n0 = hi1 ^ c1 ^ TLanes.Create(k0);
            var n2 = hi0 ^ c3 ^ TLanes.Create(k1);
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }

        (x0, x1, x2, x3) = (c0, c1, c2, c3);
    }

    /// <summary>Encrypts the sixteen counters (lo[i], hi[i], 0, 0) under one key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Blocks<TPolicy>(
        Vector512<uint> lo, Vector512<uint> hi, uint k0, uint k1,
        out Vector512<uint> x0, out Vector512<uint> x1, out Vector512<uint> x2, out Vector512<uint> x3)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Blocks<TPolicy, Lanes512<uint>>(new(lo), new(hi), k0, k1, out var y0, out var y1, out var y2, out var y3);
        (x0, x1, x2, x3) = (y0.Value, y1.Value, y2.Value, y3.Value);
    }

    /// <summary>Encrypts the eight counters (lo[i], hi[i], 0, 0) under one key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Blocks<TPolicy>(
        Vector256<uint> lo, Vector256<uint> hi, uint k0, uint k1,
        out Vector256<uint> x0, out Vector256<uint> x1, out Vector256<uint> x2, out Vector256<uint> x3)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Blocks<TPolicy, Lanes256<uint>>(new(lo), new(hi), k0, k1, out var y0, out var y1, out var y2, out var y3);
        (x0, x1, x2, x3) = (y0.Value, y1.Value, y2.Value, y3.Value);
    }

    /// <summary>Encrypts the four counters (lo[i], hi[i], 0, 0) under one key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Blocks<TPolicy>(
        Vector128<uint> lo, Vector128<uint> hi, uint k0, uint k1,
        out Vector128<uint> x0, out Vector128<uint> x1, out Vector128<uint> x2, out Vector128<uint> x3)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Blocks<TPolicy, Lanes128<uint>>(new(lo), new(hi), k0, k1, out var y0, out var y1, out var y2, out var y3);
        (x0, x1, x2, x3) = (y0.Value, y1.Value, y2.Value, y3.Value);
    }

    /// <summary>The high and low 32 bits of the 64-bit product a[i]·m in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MulHiLo<TPolicy>(Vector512<uint> a, uint m, out Vector512<uint> high, out Vector512<uint> low)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        if (TPolicy.PlatformIntrinsics && Avx512F.IsSupported)
        {
            var multiplier = Vector512.Create(m);
            var even = Avx512F.Multiply(a, multiplier);
            var odd = Avx512F.Multiply(Vector512.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32(), multiplier);
            var oddLanes = Vector512.Create(0xFFFFFFFF00000000UL).AsUInt32();
            high = Vector512.ConditionalSelect(oddLanes, odd.AsUInt32(), Vector512.ShiftRightLogical(even, 32).AsUInt32());
            low = Vector512.ConditionalSelect(oddLanes, Vector512.ShiftLeft(odd, 32).AsUInt32(), even.AsUInt32());
        }
        else
        {
            var (lower, upper) = Vector512.Widen(a);
            var productLower = lower * Vector512.Create((ulong)m);
            var productUpper = upper * Vector512.Create((ulong)m);
            high = Vector512.Narrow(Vector512.ShiftRightLogical(productLower, 32), Vector512.ShiftRightLogical(productUpper, 32));
            low = Vector512.Narrow(productLower, productUpper);
        }
    }

    /// <summary>The high and low 32 bits of the 64-bit product a[i]·m in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MulHiLo<TPolicy>(Vector256<uint> a, uint m, out Vector256<uint> high, out Vector256<uint> low)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        if (TPolicy.PlatformIntrinsics && Avx2.IsSupported)
        {
            // vpmuludq multiplies the even 32-bit lanes into 64-bit products; shift the odd lanes down for the rest.
            var multiplier = Vector256.Create(m);
            var even = Avx2.Multiply(a, multiplier);
            var odd = Avx2.Multiply(Avx2.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32(), multiplier);
            high = Avx2.Blend(Avx2.ShiftRightLogical(even, 32).AsUInt32(), odd.AsUInt32(), 0b1010_1010);
            low = Avx2.Blend(even.AsUInt32(), Avx2.ShiftLeftLogical(odd, 32).AsUInt32(), 0b1010_1010);
        }
        else
        {
            var (lower, upper) = Vector256.Widen(a);
            var productLower = lower * Vector256.Create((ulong)m);
            var productUpper = upper * Vector256.Create((ulong)m);
            high = Vector256.Narrow(Vector256.ShiftRightLogical(productLower, 32), Vector256.ShiftRightLogical(productUpper, 32));
            low = Vector256.Narrow(productLower, productUpper);
        }
    }

    /// <summary>The high and low 32 bits of the 64-bit product a[i]·m in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MulHiLo<TPolicy>(Vector128<uint> a, uint m, out Vector128<uint> high, out Vector128<uint> low)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        if (TPolicy.PlatformIntrinsics && Sse2.IsSupported)
        {
            var multiplier = Vector128.Create(m);
            var even = Sse2.Multiply(a, multiplier);
            var odd = Sse2.Multiply(Sse2.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32(), multiplier);
            var lowMask = Vector128.Create(0xFFFFFFFFUL);
            high = (Sse2.ShiftRightLogical(even, 32) | (odd & ~lowMask)).AsUInt32();
            low = ((even & lowMask) | Sse2.ShiftLeftLogical(odd, 32)).AsUInt32();
        }
        else
        {
            var (lower, upper) = Vector128.Widen(a);
            var productLower = lower * Vector128.Create((ulong)m);
            var productUpper = upper * Vector128.Create((ulong)m);
            high = Vector128.Narrow(Vector128.ShiftRightLogical(productLower, 32), Vector128.ShiftRightLogical(productUpper, 32));
            low = Vector128.Narrow(productLower, productUpper);
        }
    }
}
