using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FaceStudio.Core.Randomness;

// TEMPLATE (see VectorWidths.targets): this file is written once, for Vector256, and compiled as it is; the build writes
// its Vector128 and Vector512 forms by replacing every "Vector256" with "Vector128" / "Vector512"
// (obj/…/VectorWidths/DeterministicMath.Vectors.Vector128.g.cs, …Vector512.g.cs). Edit only this file, keep it free of
// width-specific text, and put shared constants in DeterministicMath.cs.

// Vector forms of the scalar functions (see DeterministicMath.cs): the same IEEE-754 operations in the same order, never fused.
internal static partial class DeterministicMath
{
    /// <summary><see cref="Log(double)"/> on every lane (finite, positive, normal inputs).</summary>
    /// <param name="x">The arguments.</param>
    /// <returns>The logarithms.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x)
    {
        LogAndSinCosTwoPiOfWord(
            x, x, x, x, Vector256<ulong>.Zero, Vector256<ulong>.Zero, Vector256<ulong>.Zero, Vector256<ulong>.Zero,
            out var log, out _, out _, out _, out _, out _, out _, out _, out _, out _, out _, out _);
        return log;
    }

    /// <summary>
    /// sin(2πu) and cos(2πu) for u = word / 2^32, each lane holding a 32-bit word zero-extended to 64 bits; equal bit for
    /// bit to <see cref="SinCosTwoPi(double)"/> of that u. The octant split is done on the integer word: u·8 − ⌊u·8⌋ − ½
    /// is exactly (low 29 bits − 2^28)·2^-29, which is what the scalar form computes in doubles.
    /// </summary>
    /// <param name="word">The words.</param>
    /// <returns>The sines and cosines.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Sin, Vector256<double> Cos) SinCosTwoPiOfWord(Vector256<ulong> word)
    {
        var one = Vector256<double>.One;
        LogAndSinCosTwoPiOfWord(
            one, one, one, one, word, word, word, word,
            out _, out _, out _, out _, out var sin, out var cos, out _, out _, out _, out _, out _, out _);
        return (sin, cos);
    }

    /// <summary>
    /// Four logarithms (<see cref="Log(double)"/>) and four sine/cosine pairs (<see cref="SinCosTwoPiOfWord(Vector256{ulong})"/>)
    /// with their statements interleaved (up to twelve independent dependency chains in flight); each chain's own
    /// operations are those of the scalar forms, in the same order: same bits. This is the one vector implementation;
    /// <see cref="Log(Vector256{double})"/> and <see cref="SinCosTwoPiOfWord(Vector256{ulong})"/> call it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogAndSinCosTwoPiOfWord(
        Vector256<double> x_1, Vector256<double> x_2, Vector256<double> x_3, Vector256<double> x_4,
        Vector256<ulong> word_1, Vector256<ulong> word_2, Vector256<ulong> word_3, Vector256<ulong> word_4,
        out Vector256<double> log1, out Vector256<double> log2, out Vector256<double> log3, out Vector256<double> log4,
        out Vector256<double> sin1, out Vector256<double> cos1, out Vector256<double> sin2, out Vector256<double> cos2,
        out Vector256<double> sin3, out Vector256<double> cos3, out Vector256<double> sin4, out Vector256<double> cos4)
    {
        var one = Vector256<double>.One;
        var bits_1 = x_1.AsUInt64();
        var bits_2 = x_2.AsUInt64();
        var bits_3 = x_3.AsUInt64();
        var bits_4 = x_4.AsUInt64();
        var octant_1 = Vector256.ShiftRightLogical(word_1, 29);
        var octant_2 = Vector256.ShiftRightLogical(word_2, 29);
        var octant_3 = Vector256.ShiftRightLogical(word_3, 29);
        var octant_4 = Vector256.ShiftRightLogical(word_4, 29);
        var field_1 = Vector256.ShiftRightLogical(bits_1, 52) & Vector256.Create(0x7FFUL);
        var field_2 = Vector256.ShiftRightLogical(bits_2, 52) & Vector256.Create(0x7FFUL);
        var field_3 = Vector256.ShiftRightLogical(bits_3, 52) & Vector256.Create(0x7FFUL);
        var field_4 = Vector256.ShiftRightLogical(bits_4, 52) & Vector256.Create(0x7FFUL);
        var fraction_1 = word_1 & Vector256.Create(0x1FFFFFFFUL);
        var fraction_2 = word_2 & Vector256.Create(0x1FFFFFFFUL);
        var fraction_3 = word_3 & Vector256.Create(0x1FFFFFFFUL);
        var fraction_4 = word_4 & Vector256.Create(0x1FFFFFFFUL);
        var exponent_1 = (field_1 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 1023.0); // exact field_1 − 1023
        var exponent_2 = (field_2 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 1023.0); // exact field_2 − 1023
        var exponent_3 = (field_3 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 1023.0); // exact field_3 − 1023
        var exponent_4 = (field_4 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 1023.0); // exact field_4 − 1023
        var centred_1 = (fraction_1 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 268435456.0);
        var centred_2 = (fraction_2 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 268435456.0);
        var centred_3 = (fraction_3 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 268435456.0);
        var centred_4 = (fraction_4 | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(TwoPow52 + 268435456.0);
        var mantissa_1 = ((bits_1 & Vector256.Create(0x000FFFFFFFFFFFFFUL)) | Vector256.Create(0x3FF0000000000000UL)).AsDouble();
        var mantissa_2 = ((bits_2 & Vector256.Create(0x000FFFFFFFFFFFFFUL)) | Vector256.Create(0x3FF0000000000000UL)).AsDouble();
        var mantissa_3 = ((bits_3 & Vector256.Create(0x000FFFFFFFFFFFFFUL)) | Vector256.Create(0x3FF0000000000000UL)).AsDouble();
        var mantissa_4 = ((bits_4 & Vector256.Create(0x000FFFFFFFFFFFFFUL)) | Vector256.Create(0x3FF0000000000000UL)).AsDouble();
        var a_1 = (centred_1 * Vector256.Create(TwoPowMinus29)) * Vector256.Create(QuarterPi);
        var a_2 = (centred_2 * Vector256.Create(TwoPowMinus29)) * Vector256.Create(QuarterPi);
        var a_3 = (centred_3 * Vector256.Create(TwoPowMinus29)) * Vector256.Create(QuarterPi);
        var a_4 = (centred_4 * Vector256.Create(TwoPowMinus29)) * Vector256.Create(QuarterPi);
        var large_1 = Vector256.GreaterThan(mantissa_1, Vector256.Create(Sqrt2));
        var large_2 = Vector256.GreaterThan(mantissa_2, Vector256.Create(Sqrt2));
        var large_3 = Vector256.GreaterThan(mantissa_3, Vector256.Create(Sqrt2));
        var large_4 = Vector256.GreaterThan(mantissa_4, Vector256.Create(Sqrt2));
        var aSquared_1 = a_1 * a_1;
        var aSquared_2 = a_2 * a_2;
        var aSquared_3 = a_3 * a_3;
        var aSquared_4 = a_4 * a_4;
        mantissa_1 = Vector256.ConditionalSelect(large_1, mantissa_1 * Vector256.Create(0.5), mantissa_1);
        mantissa_2 = Vector256.ConditionalSelect(large_2, mantissa_2 * Vector256.Create(0.5), mantissa_2);
        mantissa_3 = Vector256.ConditionalSelect(large_3, mantissa_3 * Vector256.Create(0.5), mantissa_3);
        mantissa_4 = Vector256.ConditionalSelect(large_4, mantissa_4 * Vector256.Create(0.5), mantissa_4);
        var ps_1 = Vector256.Create(S13);
        var ps_2 = Vector256.Create(S13);
        var ps_3 = Vector256.Create(S13);
        var ps_4 = Vector256.Create(S13);
        exponent_1 = Vector256.ConditionalSelect(large_1, exponent_1 + Vector256<double>.One, exponent_1);
        exponent_2 = Vector256.ConditionalSelect(large_2, exponent_2 + Vector256<double>.One, exponent_2);
        exponent_3 = Vector256.ConditionalSelect(large_3, exponent_3 + Vector256<double>.One, exponent_3);
        exponent_4 = Vector256.ConditionalSelect(large_4, exponent_4 + Vector256<double>.One, exponent_4);
        ps_1 = (ps_1 * aSquared_1) + Vector256.Create(S11);
        ps_2 = (ps_2 * aSquared_2) + Vector256.Create(S11);
        ps_3 = (ps_3 * aSquared_3) + Vector256.Create(S11);
        ps_4 = (ps_4 * aSquared_4) + Vector256.Create(S11);
        var s_1 = (mantissa_1 - one) / (mantissa_1 + one);
        var s_2 = (mantissa_2 - one) / (mantissa_2 + one);
        var s_3 = (mantissa_3 - one) / (mantissa_3 + one);
        var s_4 = (mantissa_4 - one) / (mantissa_4 + one);
        ps_1 = (ps_1 * aSquared_1) + Vector256.Create(S9);
        ps_2 = (ps_2 * aSquared_2) + Vector256.Create(S9);
        ps_3 = (ps_3 * aSquared_3) + Vector256.Create(S9);
        ps_4 = (ps_4 * aSquared_4) + Vector256.Create(S9);
        var sSquared_1 = s_1 * s_1;
        var sSquared_2 = s_2 * s_2;
        var sSquared_3 = s_3 * s_3;
        var sSquared_4 = s_4 * s_4;
        ps_1 = (ps_1 * aSquared_1) + Vector256.Create(S7);
        ps_2 = (ps_2 * aSquared_2) + Vector256.Create(S7);
        ps_3 = (ps_3 * aSquared_3) + Vector256.Create(S7);
        ps_4 = (ps_4 * aSquared_4) + Vector256.Create(S7);
        var p_1 = Vector256.Create(L23);
        var p_2 = Vector256.Create(L23);
        var p_3 = Vector256.Create(L23);
        var p_4 = Vector256.Create(L23);
        ps_1 = (ps_1 * aSquared_1) + Vector256.Create(S5);
        ps_2 = (ps_2 * aSquared_2) + Vector256.Create(S5);
        ps_3 = (ps_3 * aSquared_3) + Vector256.Create(S5);
        ps_4 = (ps_4 * aSquared_4) + Vector256.Create(S5);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L21);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L21);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L21);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L21);
        ps_1 = (ps_1 * aSquared_1) + Vector256.Create(S3);
        ps_2 = (ps_2 * aSquared_2) + Vector256.Create(S3);
        ps_3 = (ps_3 * aSquared_3) + Vector256.Create(S3);
        ps_4 = (ps_4 * aSquared_4) + Vector256.Create(S3);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L19);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L19);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L19);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L19);
        var pc_1 = Vector256.Create(C14);
        var pc_2 = Vector256.Create(C14);
        var pc_3 = Vector256.Create(C14);
        var pc_4 = Vector256.Create(C14);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L17);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L17);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L17);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L17);
        pc_1 = (pc_1 * aSquared_1) + Vector256.Create(C12);
        pc_2 = (pc_2 * aSquared_2) + Vector256.Create(C12);
        pc_3 = (pc_3 * aSquared_3) + Vector256.Create(C12);
        pc_4 = (pc_4 * aSquared_4) + Vector256.Create(C12);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L15);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L15);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L15);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L15);
        pc_1 = (pc_1 * aSquared_1) + Vector256.Create(C10);
        pc_2 = (pc_2 * aSquared_2) + Vector256.Create(C10);
        pc_3 = (pc_3 * aSquared_3) + Vector256.Create(C10);
        pc_4 = (pc_4 * aSquared_4) + Vector256.Create(C10);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L13);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L13);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L13);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L13);
        pc_1 = (pc_1 * aSquared_1) + Vector256.Create(C8);
        pc_2 = (pc_2 * aSquared_2) + Vector256.Create(C8);
        pc_3 = (pc_3 * aSquared_3) + Vector256.Create(C8);
        pc_4 = (pc_4 * aSquared_4) + Vector256.Create(C8);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L11);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L11);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L11);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L11);
        pc_1 = (pc_1 * aSquared_1) + Vector256.Create(C6);
        pc_2 = (pc_2 * aSquared_2) + Vector256.Create(C6);
        pc_3 = (pc_3 * aSquared_3) + Vector256.Create(C6);
        pc_4 = (pc_4 * aSquared_4) + Vector256.Create(C6);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L9);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L9);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L9);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L9);
        pc_1 = (pc_1 * aSquared_1) + Vector256.Create(C4);
        pc_2 = (pc_2 * aSquared_2) + Vector256.Create(C4);
        pc_3 = (pc_3 * aSquared_3) + Vector256.Create(C4);
        pc_4 = (pc_4 * aSquared_4) + Vector256.Create(C4);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L7);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L7);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L7);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L7);
        pc_1 = (pc_1 * aSquared_1) + Vector256.Create(C2);
        pc_2 = (pc_2 * aSquared_2) + Vector256.Create(C2);
        pc_3 = (pc_3 * aSquared_3) + Vector256.Create(C2);
        pc_4 = (pc_4 * aSquared_4) + Vector256.Create(C2);
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L5);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L5);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L5);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L5);
        var sinA_1 = a_1 + (a_1 * (aSquared_1 * ps_1));
        var sinA_2 = a_2 + (a_2 * (aSquared_2 * ps_2));
        var sinA_3 = a_3 + (a_3 * (aSquared_3 * ps_3));
        var sinA_4 = a_4 + (a_4 * (aSquared_4 * ps_4));
        p_1 = (p_1 * sSquared_1) + Vector256.Create(L3);
        p_2 = (p_2 * sSquared_2) + Vector256.Create(L3);
        p_3 = (p_3 * sSquared_3) + Vector256.Create(L3);
        p_4 = (p_4 * sSquared_4) + Vector256.Create(L3);
        var cosA_1 = Vector256<double>.One + (aSquared_1 * pc_1);
        var cosA_2 = Vector256<double>.One + (aSquared_2 * pc_2);
        var cosA_3 = Vector256<double>.One + (aSquared_3 * pc_3);
        var cosA_4 = Vector256<double>.One + (aSquared_4 * pc_4);
        p_1 = (p_1 * sSquared_1) + one;
        p_2 = (p_2 * sSquared_2) + one;
        p_3 = (p_3 * sSquared_3) + one;
        p_4 = (p_4 * sSquared_4) + one;
        var noSwap_1 = Vector256.Equals((octant_1 + Vector256<ulong>.One) & Vector256.Create(2UL), Vector256<ulong>.Zero).AsDouble();
        var noSwap_2 = Vector256.Equals((octant_2 + Vector256<ulong>.One) & Vector256.Create(2UL), Vector256<ulong>.Zero).AsDouble();
        var noSwap_3 = Vector256.Equals((octant_3 + Vector256<ulong>.One) & Vector256.Create(2UL), Vector256<ulong>.Zero).AsDouble();
        var noSwap_4 = Vector256.Equals((octant_4 + Vector256<ulong>.One) & Vector256.Create(2UL), Vector256<ulong>.Zero).AsDouble();
        var t_1 = s_1 * p_1;
        var t_2 = s_2 * p_2;
        var t_3 = s_3 * p_3;
        var t_4 = s_4 * p_4;
        var sinCentre_1 = Vector256.ConditionalSelect(noSwap_1, Vector256.Create(SinPiOver8), Vector256.Create(CosPiOver8));
        var sinCentre_2 = Vector256.ConditionalSelect(noSwap_2, Vector256.Create(SinPiOver8), Vector256.Create(CosPiOver8));
        var sinCentre_3 = Vector256.ConditionalSelect(noSwap_3, Vector256.Create(SinPiOver8), Vector256.Create(CosPiOver8));
        var sinCentre_4 = Vector256.ConditionalSelect(noSwap_4, Vector256.Create(SinPiOver8), Vector256.Create(CosPiOver8));
        var cosCentre_1 = Vector256.ConditionalSelect(noSwap_1, Vector256.Create(CosPiOver8), Vector256.Create(SinPiOver8));
        var cosCentre_2 = Vector256.ConditionalSelect(noSwap_2, Vector256.Create(CosPiOver8), Vector256.Create(SinPiOver8));
        var cosCentre_3 = Vector256.ConditionalSelect(noSwap_3, Vector256.Create(CosPiOver8), Vector256.Create(SinPiOver8));
        var cosCentre_4 = Vector256.ConditionalSelect(noSwap_4, Vector256.Create(CosPiOver8), Vector256.Create(SinPiOver8));
        sinCentre_1 = (sinCentre_1.AsUInt64() ^ Vector256.ShiftLeft(octant_1 & Vector256.Create(4UL), 61)).AsDouble();
        sinCentre_2 = (sinCentre_2.AsUInt64() ^ Vector256.ShiftLeft(octant_2 & Vector256.Create(4UL), 61)).AsDouble();
        sinCentre_3 = (sinCentre_3.AsUInt64() ^ Vector256.ShiftLeft(octant_3 & Vector256.Create(4UL), 61)).AsDouble();
        sinCentre_4 = (sinCentre_4.AsUInt64() ^ Vector256.ShiftLeft(octant_4 & Vector256.Create(4UL), 61)).AsDouble();
        cosCentre_1 = (cosCentre_1.AsUInt64() ^ Vector256.ShiftLeft((octant_1 + Vector256.Create(2UL)) & Vector256.Create(4UL), 61)).AsDouble();
        cosCentre_2 = (cosCentre_2.AsUInt64() ^ Vector256.ShiftLeft((octant_2 + Vector256.Create(2UL)) & Vector256.Create(4UL), 61)).AsDouble();
        cosCentre_3 = (cosCentre_3.AsUInt64() ^ Vector256.ShiftLeft((octant_3 + Vector256.Create(2UL)) & Vector256.Create(4UL), 61)).AsDouble();
        cosCentre_4 = (cosCentre_4.AsUInt64() ^ Vector256.ShiftLeft((octant_4 + Vector256.Create(2UL)) & Vector256.Create(4UL), 61)).AsDouble();
        log1 = (t_1 + t_1) + (exponent_1 * Vector256.Create(Ln2));
        log2 = (t_2 + t_2) + (exponent_2 * Vector256.Create(Ln2));
        log3 = (t_3 + t_3) + (exponent_3 * Vector256.Create(Ln2));
        log4 = (t_4 + t_4) + (exponent_4 * Vector256.Create(Ln2));
        (sin1, cos1) = ((sinCentre_1 * cosA_1) + (cosCentre_1 * sinA_1), (cosCentre_1 * cosA_1) - (sinCentre_1 * sinA_1));
        (sin2, cos2) = ((sinCentre_2 * cosA_2) + (cosCentre_2 * sinA_2), (cosCentre_2 * cosA_2) - (sinCentre_2 * sinA_2));
        (sin3, cos3) = ((sinCentre_3 * cosA_3) + (cosCentre_3 * sinA_3), (cosCentre_3 * cosA_3) - (sinCentre_3 * sinA_3));
        (sin4, cos4) = ((sinCentre_4 * cosA_4) + (cosCentre_4 * sinA_4), (cosCentre_4 * cosA_4) - (sinCentre_4 * sinA_4));
    }

}
