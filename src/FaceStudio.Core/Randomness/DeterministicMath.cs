using System.Numerics;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// Natural logarithm and sine/cosine of 2πu built only from IEEE-754 double additions, multiplications,
/// divisions and exact bit operations (each correctly rounded, no fused multiply-add), so results are
/// bit-identical on every OS and CPU, unlike the C runtime's libm. The scalar and the <see cref="Vector{T}"/>
/// forms perform the same operations in the same order and therefore agree bit for bit.
/// </summary>
/// <remarks>Accuracy is about 1e-16 relative, far more than the float32 outputs need.</remarks>
internal static class DeterministicMath
{
    private const double Ln2 = 0.693147180559945309417232121458176568;
    private const double Sqrt2 = 1.41421356237309504880168872420969808;
    private const double QuarterPi = 0.785398163397448309615660845819875721;
    private const double SinPiOver8 = 0.382683432365089771728459984030398866;
    private const double CosPiOver8 = 0.923879532511286756128183189396788287;

    // 1/k for the atanh series of ln, and ±1/k! for the sine and cosine series (runtime IEEE divisions: exact bits).
    private static readonly double[] LogCoefficients = [1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23];
    private static readonly double[] SinCoefficients = [-1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880, -1.0 / 39916800, 1.0 / 6227020800];
    private static readonly double[] CosCoefficients = [-1.0 / 2, 1.0 / 24, -1.0 / 720, 1.0 / 40320, -1.0 / 3628800, 1.0 / 479001600, -1.0 / 87178291200];

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
        double p = LogCoefficients[^1];
        for (int k = LogCoefficients.Length - 2; k >= 0; k--)
        {
            p = (p * s2) + LogCoefficients[k];
        }

        p = (p * s2) + 1.0;
        double t = s * p;
        return (t + t) + (exponent * Ln2);
    }

    /// <summary><see cref="Log(double)"/> on every lane.</summary>
    public static Vector<double> Log(Vector<double> x)
    {
        var bits = Vector.AsVectorInt64(x);
        var exponent = Vector.ConvertToDouble((Vector.ShiftRightLogical(bits, 52) & new Vector<long>(0x7FF)) - new Vector<long>(1023));
        var mantissa = Vector.AsVectorDouble((bits & new Vector<long>(0x000FFFFFFFFFFFFFL)) | new Vector<long>(0x3FF0000000000000L));
        var large = Vector.GreaterThan(mantissa, new Vector<double>(Sqrt2));
        mantissa = Vector.ConditionalSelect(large, mantissa * 0.5, mantissa);
        exponent = Vector.ConditionalSelect(large, exponent + Vector<double>.One, exponent);

        var one = Vector<double>.One;
        var s = (mantissa - one) / (mantissa + one);
        var s2 = s * s;
        var p = new Vector<double>(LogCoefficients[^1]);
        for (int k = LogCoefficients.Length - 2; k >= 0; k--)
        {
            p = (p * s2) + new Vector<double>(LogCoefficients[k]);
        }

        p = (p * s2) + one;
        var t = s * p;
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

    /// <summary><see cref="SinCosTwoPi(double)"/> on every lane.</summary>
    public static (Vector<double> Sin, Vector<double> Cos) SinCosTwoPi(Vector<double> u)
    {
        var scaled = u * 8.0;
        var floor = Vector.Floor(scaled);
        var octant = Vector.ConvertToInt64(floor);
        var a = ((scaled - floor) - new Vector<double>(0.5)) * QuarterPi;
        var (sinA, cosA) = Series(a);

        var zero = Vector<long>.Zero;
        var noSwap = Vector.AsVectorDouble(Vector.Equals((octant + Vector<long>.One) & new Vector<long>(2), zero));
        var sinCentre = Vector.ConditionalSelect(noSwap, new Vector<double>(SinPiOver8), new Vector<double>(CosPiOver8));
        var cosCentre = Vector.ConditionalSelect(noSwap, new Vector<double>(CosPiOver8), new Vector<double>(SinPiOver8));
        var sinPositive = Vector.AsVectorDouble(Vector.Equals(octant & new Vector<long>(4), zero));
        var cosPositive = Vector.AsVectorDouble(Vector.Equals((octant + new Vector<long>(2)) & new Vector<long>(4), zero));
        sinCentre = Vector.ConditionalSelect(sinPositive, sinCentre, -sinCentre);
        cosCentre = Vector.ConditionalSelect(cosPositive, cosCentre, -cosCentre);
        return ((sinCentre * cosA) + (cosCentre * sinA), (cosCentre * cosA) - (sinCentre * sinA));
    }

    private static (double Sin, double Cos) Series(double a)
    {
        double a2 = a * a;
        double ps = SinCoefficients[^1];
        for (int k = SinCoefficients.Length - 2; k >= 0; k--)
        {
            ps = (ps * a2) + SinCoefficients[k];
        }

        double pc = CosCoefficients[^1];
        for (int k = CosCoefficients.Length - 2; k >= 0; k--)
        {
            pc = (pc * a2) + CosCoefficients[k];
        }

        return (a + (a * (a2 * ps)), 1.0 + (a2 * pc));
    }

    private static (Vector<double> Sin, Vector<double> Cos) Series(Vector<double> a)
    {
        var a2 = a * a;
        var ps = new Vector<double>(SinCoefficients[^1]);
        for (int k = SinCoefficients.Length - 2; k >= 0; k--)
        {
            ps = (ps * a2) + new Vector<double>(SinCoefficients[k]);
        }

        var pc = new Vector<double>(CosCoefficients[^1]);
        for (int k = CosCoefficients.Length - 2; k >= 0; k--)
        {
            pc = (pc * a2) + new Vector<double>(CosCoefficients[k]);
        }

        return (a + (a * (a2 * ps)), Vector<double>.One + (a2 * pc));
    }
}
