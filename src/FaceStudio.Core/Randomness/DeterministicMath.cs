namespace FaceStudio.Core.Randomness;

/// <summary>
/// Natural logarithm and sine/cosine of 2πu built only from IEEE-754 double additions, multiplications,
/// divisions and exact bit operations (each correctly rounded, no fused multiply-add), so results are
/// bit-identical on every OS and CPU, unlike the C runtime's libm. The scalar and the vector forms
/// (DeterministicMath.Vectors.cs, one template for Vector128/256/512) perform the same operations in the same order
/// and therefore agree bit for bit. Integer↔double conversions in the vector forms use the exact 2^52 "magic number"
/// trick instead of the conversion instructions, which AVX2 lacks for 64-bit lanes; it yields the same values.
/// </summary>
/// <remarks>Accuracy is about 1e-16 relative, far more than the float32 outputs need.</remarks>
internal static partial class DeterministicMath
{
    private const double Ln2 = 0.693147180559945309417232121458176568;
    private const double Sqrt2 = 1.41421356237309504880168872420969808;
    private const double QuarterPi = 0.785398163397448309615660845819875721;
    private const double SinPiOver8 = 0.382683432365089771728459984030398866;
    private const double CosPiOver8 = 0.923879532511286756128183189396788287;

    // 1/k for the atanh series of ln, and ±1/k! for the sine and cosine series (IEEE divisions folded by the compiler).
    private const double L3 = 1.0 / 3, L5 = 1.0 / 5, L7 = 1.0 / 7, L9 = 1.0 / 9, L11 = 1.0 / 11, L13 = 1.0 / 13;
    private const double L15 = 1.0 / 15, L17 = 1.0 / 17, L19 = 1.0 / 19, L21 = 1.0 / 21, L23 = 1.0 / 23;
    private const double S3 = -1.0 / 6, S5 = 1.0 / 120, S7 = -1.0 / 5040, S9 = 1.0 / 362880, S11 = -1.0 / 39916800, S13 = 1.0 / 6227020800;
    private const double C2 = -1.0 / 2, C4 = 1.0 / 24, C6 = -1.0 / 720, C8 = 1.0 / 40320, C10 = -1.0 / 3628800, C12 = 1.0 / 479001600;
    private const double C14 = -1.0 / 87178291200;

    // For the vector forms' exact integer↔double conversions.
    private const ulong MagicBits = 0x4330000000000000UL; // the double 2^52; OR-ing an integer n < 2^52 in gives 2^52 + n
    private const double TwoPow52 = 4503599627370496.0;
    private const double TwoPowMinus29 = 1.0 / 536870912.0;

    /// <summary>ln(x) for finite x &gt; 0 (normal numbers).</summary>
    public static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        double exponent = ((bits >> 52) & 0x7FF) - 1023;
        double mantissa = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (mantissa > Sqrt2)
        {
            mantissa *= 0.5;
            exponent += 1.0;
        }

        // ln(m) = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
        double s = (mantissa - 1.0) / (mantissa + 1.0);
        double s2 = s * s;
        double p = L23;
        p = (p * s2) + L21;
        p = (p * s2) + L19;
        p = (p * s2) + L17;
        p = (p * s2) + L15;
        p = (p * s2) + L13;
        p = (p * s2) + L11;
        p = (p * s2) + L9;
        p = (p * s2) + L7;
        p = (p * s2) + L5;
        p = (p * s2) + L3;
        p = (p * s2) + 1.0;
        double t = s * p;
        return (t + t) + (exponent * Ln2);
    }

    /// <summary>sin(2πu) and cos(2πu) for u in [0, 1).</summary>
    public static (double Sin, double Cos) SinCosTwoPi(double u)
    {
        // Octant reduction is exact for u a multiple of 2^-32; the angle is then within ±π/8 of the octant centre.
        double scaled = u * 8.0;
        long octant = (long)Math.Floor(scaled);
        double a = ((scaled - octant) - 0.5) * QuarterPi;
        var (sinA, cosA) = Series(a);
        bool swap = ((octant + 1) & 2) != 0;
        double sinCentre = swap ? CosPiOver8 : SinPiOver8;
        double cosCentre = swap ? SinPiOver8 : CosPiOver8;
        if ((octant & 4) != 0)
        {
            sinCentre = -sinCentre;
        }

        if (((octant + 2) & 4) != 0)
        {
            cosCentre = -cosCentre;
        }

        return ((sinCentre * cosA) + (cosCentre * sinA), (cosCentre * cosA) - (sinCentre * sinA));
    }

    private static (double Sin, double Cos) Series(double a)
    {
        double a2 = a * a;
        double ps = S13;
        ps = (ps * a2) + S11;
        ps = (ps * a2) + S9;
        ps = (ps * a2) + S7;
        ps = (ps * a2) + S5;
        ps = (ps * a2) + S3;
        double pc = C14;
        pc = (pc * a2) + C12;
        pc = (pc * a2) + C10;
        pc = (pc * a2) + C8;
        pc = (pc * a2) + C6;
        pc = (pc * a2) + C4;
        pc = (pc * a2) + C2;

        return (a + (a * (a2 * ps)), 1.0 + (a2 * pc));
    }
}
