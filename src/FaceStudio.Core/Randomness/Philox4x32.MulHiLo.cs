using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// Philox4x32-10 on several counters at once (<c>Blocks</c>, Philox4x32.Vectors.cs), one counter per 32-bit lane in
/// structure-of-arrays form (lane i of <c>x0</c>…<c>x3</c> are the four output words of counter i). Integer arithmetic
/// only, so every path (x86 intrinsics, portable vector operations, the scalar <see cref="Block"/>) gives the same words.
/// This file holds the 32×32→64-bit lane products with each width's own intrinsics (the portable form is in the template).
/// </summary>
public static partial class Philox4x32
{
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
            MulHiLoPortable(a, m, out high, out low);
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
            MulHiLoPortable(a, m, out high, out low);
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
            MulHiLoPortable(a, m, out high, out low);
        }
    }
}
