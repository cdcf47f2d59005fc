using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// The vector form of the scalar functions, written once over the lane width (<see cref="ILaneVector{TSelf, T}"/>;
/// the JIT specialises it for <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/> and <see cref="Vector512{T}"/>):
/// the same IEEE-754 operations in the same order (never fused), so every lane equals the scalar result bit for bit.
/// Integer↔double conversions use the exact 2^52 "magic number" trick instead of the conversion instructions, which
/// AVX2 lacks for 64-bit lanes; it yields the same exactly representable values.
/// </summary>
internal static partial class DeterministicMath
{
    private const ulong MagicBits = 0x4330000000000000UL; // the double 2^52; OR-ing an integer n < 2^52 in gives 2^52 + n
    private const double TwoPow52 = 4503599627370496.0;
    private const double TwoPowMinus29 = 1.0 / 536870912.0;

    /// <summary><see cref="Log(double)"/> on every lane (finite, positive, normal inputs).</summary>
    /// <typeparam name="TDouble">The double lanes of one width.</typeparam>
    /// <typeparam name="TUInt64">The 64-bit integer lanes of that width.</typeparam>
    /// <param name="x">The arguments.</param>
    /// <returns>The logarithms.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TDouble Log<TDouble, TUInt64>(TDouble x)
        where TDouble : struct, ILaneVector<TDouble, double>, ISameWidth<TDouble, TUInt64>
        where TUInt64 : struct, ILaneVector<TUInt64, ulong>, ISameWidth<TDouble, TUInt64>
    {
        LogAndSinCosTwoPiOfWord<TDouble, TUInt64>(
            x, x, x, x, TUInt64.Zero, TUInt64.Zero, TUInt64.Zero, TUInt64.Zero, out var log, out _, out _, out _, out _, out _, out _, out _, out _, out _, out _, out _);
        return log;
    }

    /// <summary>
    /// sin(2πu) and cos(2πu) for u = word / 2^32, each lane holding a 32-bit word zero-extended to 64 bits; equal bit for
    /// bit to <see cref="SinCosTwoPi(double)"/> of that u. The octant split is done on the integer word: u·8 − ⌊u·8⌋ − ½
    /// is exactly (low 29 bits − 2^28)·2^-29, which is what the scalar form computes in doubles.
    /// </summary>
    /// <typeparam name="TDouble">The double lanes of one width.</typeparam>
    /// <typeparam name="TUInt64">The 64-bit integer lanes of that width.</typeparam>
    /// <param name="word">The words.</param>
    /// <returns>The sines and cosines.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TDouble Sin, TDouble Cos) SinCosTwoPiOfWord<TDouble, TUInt64>(TUInt64 word)
        where TDouble : struct, ILaneVector<TDouble, double>, ISameWidth<TDouble, TUInt64>
        where TUInt64 : struct, ILaneVector<TUInt64, ulong>, ISameWidth<TDouble, TUInt64>
    {
        LogAndSinCosTwoPiOfWord<TDouble, TUInt64>(
            TDouble.One, TDouble.One, TDouble.One, TDouble.One, word, word, word, word,
            out _, out _, out _, out _, out var sin, out var cos, out _, out _, out _, out _, out _, out _);
        return (sin, cos);
    }

    /// <summary>
    /// Four logarithms (<see cref="Log(double)"/>) and four sine/cosine pairs (<see cref="SinCosTwoPiOfWord{TDouble, TUInt64}(TUInt64)"/>)
    /// with their statements interleaved (up to twelve independent dependency chains in flight); each chain's own
    /// operations are those of the scalar forms: same bits. This is the one vector implementation; the single-chain
    /// forms and the per-width overloads call it.
    /// </summary>
    /// <typeparam name="TD">The double lanes of one width.</typeparam>
    /// <typeparam name="TU">The 64-bit integer lanes of that width.</typeparam>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogAndSinCosTwoPiOfWord<TD, TU>(
        TD x_1, TD x_2, TD x_3, TD x_4,
        TU word_1, TU word_2, TU word_3, TU word_4,
        out TD log1, out TD log2, out TD log3, out TD log4,
        out TD sin1, out TD cos1, out TD sin2, out TD cos2,
        out TD sin3, out TD cos3, out TD sin4, out TD cos4)
        where TD : struct, ILaneVector<TD, double>, ISameWidth<TD, TU>
        where TU : struct, ILaneVector<TU, ulong>, ISameWidth<TD, TU>
    {
        var one = TD.One;
        var bits_1 = x_1.AsUInt64();
        var bits_2 = x_2.AsUInt64();
        var bits_3 = x_3.AsUInt64();
        var bits_4 = x_4.AsUInt64();
        var octant_1 = word_1 >>> 29;
        var octant_2 = word_2 >>> 29;
        var octant_3 = word_3 >>> 29;
        var octant_4 = word_4 >>> 29;
        var field_1 = (bits_1 >>> 52) & TU.Create(0x7FFUL);
        var field_2 = (bits_2 >>> 52) & TU.Create(0x7FFUL);
        var field_3 = (bits_3 >>> 52) & TU.Create(0x7FFUL);
        var field_4 = (bits_4 >>> 52) & TU.Create(0x7FFUL);
        var fraction_1 = word_1 & TU.Create(0x1FFFFFFFUL);
        var fraction_2 = word_2 & TU.Create(0x1FFFFFFFUL);
        var fraction_3 = word_3 & TU.Create(0x1FFFFFFFUL);
        var fraction_4 = word_4 & TU.Create(0x1FFFFFFFUL);
        var exponent_1 = (field_1 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 1023.0); // exact field_1 − 1023
        var exponent_2 = (field_2 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 1023.0); // exact field_2 − 1023
        var exponent_3 = (field_3 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 1023.0); // exact field_3 − 1023
        var exponent_4 = (field_4 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 1023.0); // exact field_4 − 1023
        var centred_1 = (fraction_1 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 268435456.0);
        var centred_2 = (fraction_2 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 268435456.0);
        var centred_3 = (fraction_3 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 268435456.0);
        var centred_4 = (fraction_4 | TU.Create(MagicBits)).AsDouble() - TD.Create(TwoPow52 + 268435456.0);
        var mantissa_1 = ((bits_1 & TU.Create(0x000FFFFFFFFFFFFFUL)) | TU.Create(0x3FF0000000000000UL)).AsDouble();
        var mantissa_2 = ((bits_2 & TU.Create(0x000FFFFFFFFFFFFFUL)) | TU.Create(0x3FF0000000000000UL)).AsDouble();
        var mantissa_3 = ((bits_3 & TU.Create(0x000FFFFFFFFFFFFFUL)) | TU.Create(0x3FF0000000000000UL)).AsDouble();
        var mantissa_4 = ((bits_4 & TU.Create(0x000FFFFFFFFFFFFFUL)) | TU.Create(0x3FF0000000000000UL)).AsDouble();
        var a_1 = (centred_1 * TD.Create(TwoPowMinus29)) * TD.Create(QuarterPi);
        var a_2 = (centred_2 * TD.Create(TwoPowMinus29)) * TD.Create(QuarterPi);
        var a_3 = (centred_3 * TD.Create(TwoPowMinus29)) * TD.Create(QuarterPi);
        var a_4 = (centred_4 * TD.Create(TwoPowMinus29)) * TD.Create(QuarterPi);
        var large_1 = TD.GreaterThan(mantissa_1, TD.Create(Sqrt2));
        var large_2 = TD.GreaterThan(mantissa_2, TD.Create(Sqrt2));
        var large_3 = TD.GreaterThan(mantissa_3, TD.Create(Sqrt2));
        var large_4 = TD.GreaterThan(mantissa_4, TD.Create(Sqrt2));
        var aSquared_1 = a_1 * a_1;
        var aSquared_2 = a_2 * a_2;
        var aSquared_3 = a_3 * a_3;
        var aSquared_4 = a_4 * a_4;
        mantissa_1 = TD.ConditionalSelect(large_1, mantissa_1 * TD.Create(0.5), mantissa_1);
        mantissa_2 = TD.ConditionalSelect(large_2, mantissa_2 * TD.Create(0.5), mantissa_2);
        mantissa_3 = TD.ConditionalSelect(large_3, mantissa_3 * TD.Create(0.5), mantissa_3);
        mantissa_4 = TD.ConditionalSelect(large_4, mantissa_4 * TD.Create(0.5), mantissa_4);
        var ps_1 = TD.Create(S13);
        var ps_2 = TD.Create(S13);
        var ps_3 = TD.Create(S13);
        var ps_4 = TD.Create(S13);
        exponent_1 = TD.ConditionalSelect(large_1, exponent_1 + TD.One, exponent_1);
        exponent_2 = TD.ConditionalSelect(large_2, exponent_2 + TD.One, exponent_2);
        exponent_3 = TD.ConditionalSelect(large_3, exponent_3 + TD.One, exponent_3);
        exponent_4 = TD.ConditionalSelect(large_4, exponent_4 + TD.One, exponent_4);
        ps_1 = (ps_1 * aSquared_1) + TD.Create(S11);
        ps_2 = (ps_2 * aSquared_2) + TD.Create(S11);
        ps_3 = (ps_3 * aSquared_3) + TD.Create(S11);
        ps_4 = (ps_4 * aSquared_4) + TD.Create(S11);
        var s_1 = (mantissa_1 - one) / (mantissa_1 + one);
        var s_2 = (mantissa_2 - one) / (mantissa_2 + one);
        var s_3 = (mantissa_3 - one) / (mantissa_3 + one);
        var s_4 = (mantissa_4 - one) / (mantissa_4 + one);
        ps_1 = (ps_1 * aSquared_1) + TD.Create(S9);
        ps_2 = (ps_2 * aSquared_2) + TD.Create(S9);
        ps_3 = (ps_3 * aSquared_3) + TD.Create(S9);
        ps_4 = (ps_4 * aSquared_4) + TD.Create(S9);
        var sSquared_1 = s_1 * s_1;
        var sSquared_2 = s_2 * s_2;
        var sSquared_3 = s_3 * s_3;
        var sSquared_4 = s_4 * s_4;
        ps_1 = (ps_1 * aSquared_1) + TD.Create(S7);
        ps_2 = (ps_2 * aSquared_2) + TD.Create(S7);
        ps_3 = (ps_3 * aSquared_3) + TD.Create(S7);
        ps_4 = (ps_4 * aSquared_4) + TD.Create(S7);
        var p_1 = TD.Create(L23);
        var p_2 = TD.Create(L23);
        var p_3 = TD.Create(L23);
        var p_4 = TD.Create(L23);
        ps_1 = (ps_1 * aSquared_1) + TD.Create(S5);
        ps_2 = (ps_2 * aSquared_2) + TD.Create(S5);
        ps_3 = (ps_3 * aSquared_3) + TD.Create(S5);
        ps_4 = (ps_4 * aSquared_4) + TD.Create(S5);
        p_1 = (p_1 * sSquared_1) + TD.Create(L21);
        p_2 = (p_2 * sSquared_2) + TD.Create(L21);
        p_3 = (p_3 * sSquared_3) + TD.Create(L21);
        p_4 = (p_4 * sSquared_4) + TD.Create(L21);
        ps_1 = (ps_1 * aSquared_1) + TD.Create(S3);
        ps_2 = (ps_2 * aSquared_2) + TD.Create(S3);
        ps_3 = (ps_3 * aSquared_3) + TD.Create(S3);
        ps_4 = (ps_4 * aSquared_4) + TD.Create(S3);
        p_1 = (p_1 * sSquared_1) + TD.Create(L19);
        p_2 = (p_2 * sSquared_2) + TD.Create(L19);
        p_3 = (p_3 * sSquared_3) + TD.Create(L19);
        p_4 = (p_4 * sSquared_4) + TD.Create(L19);
        var pc_1 = TD.Create(C14);
        var pc_2 = TD.Create(C14);
        var pc_3 = TD.Create(C14);
        var pc_4 = TD.Create(C14);
        p_1 = (p_1 * sSquared_1) + TD.Create(L17);
        p_2 = (p_2 * sSquared_2) + TD.Create(L17);
        p_3 = (p_3 * sSquared_3) + TD.Create(L17);
        p_4 = (p_4 * sSquared_4) + TD.Create(L17);
        pc_1 = (pc_1 * aSquared_1) + TD.Create(C12);
        pc_2 = (pc_2 * aSquared_2) + TD.Create(C12);
        pc_3 = (pc_3 * aSquared_3) + TD.Create(C12);
        pc_4 = (pc_4 * aSquared_4) + TD.Create(C12);
        p_1 = (p_1 * sSquared_1) + TD.Create(L15);
        p_2 = (p_2 * sSquared_2) + TD.Create(L15);
        p_3 = (p_3 * sSquared_3) + TD.Create(L15);
        p_4 = (p_4 * sSquared_4) + TD.Create(L15);
        pc_1 = (pc_1 * aSquared_1) + TD.Create(C10);
        pc_2 = (pc_2 * aSquared_2) + TD.Create(C10);
        pc_3 = (pc_3 * aSquared_3) + TD.Create(C10);
        pc_4 = (pc_4 * aSquared_4) + TD.Create(C10);
        p_1 = (p_1 * sSquared_1) + TD.Create(L13);
        p_2 = (p_2 * sSquared_2) + TD.Create(L13);
        p_3 = (p_3 * sSquared_3) + TD.Create(L13);
        p_4 = (p_4 * sSquared_4) + TD.Create(L13);
        pc_1 = (pc_1 * aSquared_1) + TD.Create(C8);
        pc_2 = (pc_2 * aSquared_2) + TD.Create(C8);
        pc_3 = (pc_3 * aSquared_3) + TD.Create(C8);
        pc_4 = (pc_4 * aSquared_4) + TD.Create(C8);
        p_1 = (p_1 * sSquared_1) + TD.Create(L11);
        p_2 = (p_2 * sSquared_2) + TD.Create(L11);
        p_3 = (p_3 * sSquared_3) + TD.Create(L11);
        p_4 = (p_4 * sSquared_4) + TD.Create(L11);
        pc_1 = (pc_1 * aSquared_1) + TD.Create(C6);
        pc_2 = (pc_2 * aSquared_2) + TD.Create(C6);
        pc_3 = (pc_3 * aSquared_3) + TD.Create(C6);
        pc_4 = (pc_4 * aSquared_4) + TD.Create(C6);
        p_1 = (p_1 * sSquared_1) + TD.Create(L9);
        p_2 = (p_2 * sSquared_2) + TD.Create(L9);
        p_3 = (p_3 * sSquared_3) + TD.Create(L9);
        p_4 = (p_4 * sSquared_4) + TD.Create(L9);
        pc_1 = (pc_1 * aSquared_1) + TD.Create(C4);
        pc_2 = (pc_2 * aSquared_2) + TD.Create(C4);
        pc_3 = (pc_3 * aSquared_3) + TD.Create(C4);
        pc_4 = (pc_4 * aSquared_4) + TD.Create(C4);
        p_1 = (p_1 * sSquared_1) + TD.Create(L7);
        p_2 = (p_2 * sSquared_2) + TD.Create(L7);
        p_3 = (p_3 * sSquared_3) + TD.Create(L7);
        p_4 = (p_4 * sSquared_4) + TD.Create(L7);
        pc_1 = (pc_1 * aSquared_1) + TD.Create(C2);
        pc_2 = (pc_2 * aSquared_2) + TD.Create(C2);
        pc_3 = (pc_3 * aSquared_3) + TD.Create(C2);
        pc_4 = (pc_4 * aSquared_4) + TD.Create(C2);
        p_1 = (p_1 * sSquared_1) + TD.Create(L5);
        p_2 = (p_2 * sSquared_2) + TD.Create(L5);
        p_3 = (p_3 * sSquared_3) + TD.Create(L5);
        p_4 = (p_4 * sSquared_4) + TD.Create(L5);
        var sinA_1 = a_1 + (a_1 * (aSquared_1 * ps_1));
        var sinA_2 = a_2 + (a_2 * (aSquared_2 * ps_2));
        var sinA_3 = a_3 + (a_3 * (aSquared_3 * ps_3));
        var sinA_4 = a_4 + (a_4 * (aSquared_4 * ps_4));
        p_1 = (p_1 * sSquared_1) + TD.Create(L3);
        p_2 = (p_2 * sSquared_2) + TD.Create(L3);
        p_3 = (p_3 * sSquared_3) + TD.Create(L3);
        p_4 = (p_4 * sSquared_4) + TD.Create(L3);
        var cosA_1 = TD.One + (aSquared_1 * pc_1);
        var cosA_2 = TD.One + (aSquared_2 * pc_2);
        var cosA_3 = TD.One + (aSquared_3 * pc_3);
        var cosA_4 = TD.One + (aSquared_4 * pc_4);
        p_1 = (p_1 * sSquared_1) + one;
        p_2 = (p_2 * sSquared_2) + one;
        p_3 = (p_3 * sSquared_3) + one;
        p_4 = (p_4 * sSquared_4) + one;
        var noSwap_1 = TU.Equal((octant_1 + TU.One) & TU.Create(2UL), TU.Zero).AsDouble();
        var noSwap_2 = TU.Equal((octant_2 + TU.One) & TU.Create(2UL), TU.Zero).AsDouble();
        var noSwap_3 = TU.Equal((octant_3 + TU.One) & TU.Create(2UL), TU.Zero).AsDouble();
        var noSwap_4 = TU.Equal((octant_4 + TU.One) & TU.Create(2UL), TU.Zero).AsDouble();
        var t_1 = s_1 * p_1;
        var t_2 = s_2 * p_2;
        var t_3 = s_3 * p_3;
        var t_4 = s_4 * p_4;
        var sinCentre_1 = TD.ConditionalSelect(noSwap_1, TD.Create(SinPiOver8), TD.Create(CosPiOver8));
        var sinCentre_2 = TD.ConditionalSelect(noSwap_2, TD.Create(SinPiOver8), TD.Create(CosPiOver8));
        var sinCentre_3 = TD.ConditionalSelect(noSwap_3, TD.Create(SinPiOver8), TD.Create(CosPiOver8));
        var sinCentre_4 = TD.ConditionalSelect(noSwap_4, TD.Create(SinPiOver8), TD.Create(CosPiOver8));
        var cosCentre_1 = TD.ConditionalSelect(noSwap_1, TD.Create(CosPiOver8), TD.Create(SinPiOver8));
        var cosCentre_2 = TD.ConditionalSelect(noSwap_2, TD.Create(CosPiOver8), TD.Create(SinPiOver8));
        var cosCentre_3 = TD.ConditionalSelect(noSwap_3, TD.Create(CosPiOver8), TD.Create(SinPiOver8));
        var cosCentre_4 = TD.ConditionalSelect(noSwap_4, TD.Create(CosPiOver8), TD.Create(SinPiOver8));
        sinCentre_1 = (sinCentre_1.AsUInt64() ^ ((octant_1 & TU.Create(4UL)) << 61)).AsDouble();
        sinCentre_2 = (sinCentre_2.AsUInt64() ^ ((octant_2 & TU.Create(4UL)) << 61)).AsDouble();
        sinCentre_3 = (sinCentre_3.AsUInt64() ^ ((octant_3 & TU.Create(4UL)) << 61)).AsDouble();
        sinCentre_4 = (sinCentre_4.AsUInt64() ^ ((octant_4 & TU.Create(4UL)) << 61)).AsDouble();
        cosCentre_1 = (cosCentre_1.AsUInt64() ^ (((octant_1 + TU.Create(2UL)) & TU.Create(4UL)) << 61)).AsDouble();
        cosCentre_2 = (cosCentre_2.AsUInt64() ^ (((octant_2 + TU.Create(2UL)) & TU.Create(4UL)) << 61)).AsDouble();
        cosCentre_3 = (cosCentre_3.AsUInt64() ^ (((octant_3 + TU.Create(2UL)) & TU.Create(4UL)) << 61)).AsDouble();
        cosCentre_4 = (cosCentre_4.AsUInt64() ^ (((octant_4 + TU.Create(2UL)) & TU.Create(4UL)) << 61)).AsDouble();
        log1 = (t_1 + t_1) + (exponent_1 * TD.Create(Ln2));
        log2 = (t_2 + t_2) + (exponent_2 * TD.Create(Ln2));
        log3 = (t_3 + t_3) + (exponent_3 * TD.Create(Ln2));
        log4 = (t_4 + t_4) + (exponent_4 * TD.Create(Ln2));
        (sin1, cos1) = ((sinCentre_1 * cosA_1) + (cosCentre_1 * sinA_1), (cosCentre_1 * cosA_1) - (sinCentre_1 * sinA_1));
        (sin2, cos2) = ((sinCentre_2 * cosA_2) + (cosCentre_2 * sinA_2), (cosCentre_2 * cosA_2) - (sinCentre_2 * sinA_2));
        (sin3, cos3) = ((sinCentre_3 * cosA_3) + (cosCentre_3 * sinA_3), (cosCentre_3 * cosA_3) - (sinCentre_3 * sinA_3));
        (sin4, cos4) = ((sinCentre_4 * cosA_4) + (cosCentre_4 * sinA_4), (cosCentre_4 * cosA_4) - (sinCentre_4 * sinA_4));
    }

    /// <inheritdoc cref="Log{TDouble, TUInt64}(TDouble)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Log(Vector128<double> x) => Log<Lanes128<double>, Lanes128<ulong>>(new(x)).Value;

    /// <inheritdoc cref="SinCosTwoPiOfWord{TDouble, TUInt64}(TUInt64)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<double> Sin, Vector128<double> Cos) SinCosTwoPiOfWord(Vector128<ulong> word)
        => SinCosTwoPiOfWord<Lanes128<double>, Lanes128<ulong>>(new(word)) is var (sin, cos) ? (sin.Value, cos.Value) : default;

    /// <inheritdoc cref="LogAndSinCosTwoPiOfWord{TDouble, TUInt64}(TDouble, TDouble, TDouble, TDouble, TUInt64, TUInt64, TUInt64, TUInt64, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogAndSinCosTwoPiOfWord(
        Vector128<double> x_1, Vector128<double> x_2, Vector128<double> x_3, Vector128<double> x_4,
        Vector128<ulong> word_1, Vector128<ulong> word_2, Vector128<ulong> word_3, Vector128<ulong> word_4,
        out Vector128<double> log1, out Vector128<double> log2, out Vector128<double> log3, out Vector128<double> log4,
        out Vector128<double> sin1, out Vector128<double> cos1, out Vector128<double> sin2, out Vector128<double> cos2,
        out Vector128<double> sin3, out Vector128<double> cos3, out Vector128<double> sin4, out Vector128<double> cos4)
    {
        LogAndSinCosTwoPiOfWord<Lanes128<double>, Lanes128<ulong>>(
            new(x_1), new(x_2), new(x_3), new(x_4), new(word_1), new(word_2), new(word_3), new(word_4),
            out var l1, out var l2, out var l3, out var l4, out var s1, out var c1, out var s2, out var c2, out var s3, out var c3, out var s4, out var c4);
        (log1, log2, log3, log4) = (l1.Value, l2.Value, l3.Value, l4.Value);
        (sin1, cos1, sin2, cos2, sin3, cos3, sin4, cos4) = (s1.Value, c1.Value, s2.Value, c2.Value, s3.Value, c3.Value, s4.Value, c4.Value);
    }

    /// <inheritdoc cref="Log{TDouble, TUInt64}(TDouble)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x) => Log<Lanes256<double>, Lanes256<ulong>>(new(x)).Value;

    /// <inheritdoc cref="SinCosTwoPiOfWord{TDouble, TUInt64}(TUInt64)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Sin, Vector256<double> Cos) SinCosTwoPiOfWord(Vector256<ulong> word)
        => SinCosTwoPiOfWord<Lanes256<double>, Lanes256<ulong>>(new(word)) is var (sin, cos) ? (sin.Value, cos.Value) : default;

    /// <inheritdoc cref="LogAndSinCosTwoPiOfWord{TDouble, TUInt64}(TDouble, TDouble, TDouble, TDouble, TUInt64, TUInt64, TUInt64, TUInt64, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogAndSinCosTwoPiOfWord(
        Vector256<double> x_1, Vector256<double> x_2, Vector256<double> x_3, Vector256<double> x_4,
        Vector256<ulong> word_1, Vector256<ulong> word_2, Vector256<ulong> word_3, Vector256<ulong> word_4,
        out Vector256<double> log1, out Vector256<double> log2, out Vector256<double> log3, out Vector256<double> log4,
        out Vector256<double> sin1, out Vector256<double> cos1, out Vector256<double> sin2, out Vector256<double> cos2,
        out Vector256<double> sin3, out Vector256<double> cos3, out Vector256<double> sin4, out Vector256<double> cos4)
    {
        LogAndSinCosTwoPiOfWord<Lanes256<double>, Lanes256<ulong>>(
            new(x_1), new(x_2), new(x_3), new(x_4), new(word_1), new(word_2), new(word_3), new(word_4),
            out var l1, out var l2, out var l3, out var l4, out var s1, out var c1, out var s2, out var c2, out var s3, out var c3, out var s4, out var c4);
        (log1, log2, log3, log4) = (l1.Value, l2.Value, l3.Value, l4.Value);
        (sin1, cos1, sin2, cos2, sin3, cos3, sin4, cos4) = (s1.Value, c1.Value, s2.Value, c2.Value, s3.Value, c3.Value, s4.Value, c4.Value);
    }

    /// <inheritdoc cref="Log{TDouble, TUInt64}(TDouble)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x) => Log<Lanes512<double>, Lanes512<ulong>>(new(x)).Value;

    /// <inheritdoc cref="SinCosTwoPiOfWord{TDouble, TUInt64}(TUInt64)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Sin, Vector512<double> Cos) SinCosTwoPiOfWord(Vector512<ulong> word)
        => SinCosTwoPiOfWord<Lanes512<double>, Lanes512<ulong>>(new(word)) is var (sin, cos) ? (sin.Value, cos.Value) : default;

    /// <inheritdoc cref="LogAndSinCosTwoPiOfWord{TDouble, TUInt64}(TDouble, TDouble, TDouble, TDouble, TUInt64, TUInt64, TUInt64, TUInt64, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble, out TDouble)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogAndSinCosTwoPiOfWord(
        Vector512<double> x_1, Vector512<double> x_2, Vector512<double> x_3, Vector512<double> x_4,
        Vector512<ulong> word_1, Vector512<ulong> word_2, Vector512<ulong> word_3, Vector512<ulong> word_4,
        out Vector512<double> log1, out Vector512<double> log2, out Vector512<double> log3, out Vector512<double> log4,
        out Vector512<double> sin1, out Vector512<double> cos1, out Vector512<double> sin2, out Vector512<double> cos2,
        out Vector512<double> sin3, out Vector512<double> cos3, out Vector512<double> sin4, out Vector512<double> cos4)
    {
        LogAndSinCosTwoPiOfWord<Lanes512<double>, Lanes512<ulong>>(
            new(x_1), new(x_2), new(x_3), new(x_4), new(word_1), new(word_2), new(word_3), new(word_4),
            out var l1, out var l2, out var l3, out var l4, out var s1, out var c1, out var s2, out var c2, out var s3, out var c3, out var s4, out var c4);
        (log1, log2, log3, log4) = (l1.Value, l2.Value, l3.Value, l4.Value);
        (sin1, cos1, sin2, cos2, sin3, cos3, sin4, cos4) = (s1.Value, c1.Value, s2.Value, c2.Value, s3.Value, c3.Value, s4.Value, c4.Value);
    }
}
