namespace FaceStudio.Core.Randomness;

/// <summary>
/// Natural logarithm and sine/cosine built only from IEEE-754 double additions, multiplications and divisions
/// (each correctly rounded), so results are bit-identical on every OS and CPU, unlike the C runtime's libm.
/// </summary>
/// <remarks>Accuracy is about 1e-15 relative, far more than the float32 outputs need.</remarks>
internal static class DeterministicMath
{
    private const double Ln2 = 0.69314718055994530942;
    private const double HalfPi = 1.57079632679489661923;

    /// <summary>ln(x) for finite x &gt; 0.</summary>
    public static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        double mantissa = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (mantissa > 1.4142135623730951)
        {
            mantissa *= 0.5;
            exponent++;
        }

        // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the odd series converges fast.
        double s = (mantissa - 1.0) / (mantissa + 1.0);
        double s2 = s * s;
        double term = s;
        double sum = s;
        for (int k = 3; k <= 31; k += 2)
        {
            term *= s2;
            sum += term / k;
        }

        return (2.0 * sum) + (exponent * Ln2);
    }

    /// <summary>sin(2πu) and cos(2πu) for u in [0, 1).</summary>
    public static (double Sin, double Cos) SinCosTwoPi(double u)
    {
        // Quadrant reduction is exact: u is a multiple of 2^-32 or coarser.
        double scaled = u * 4.0;
        int quadrant = (int)scaled;
        double angle = (scaled - quadrant) * HalfPi; // [0, π/2)
        double sin = SinSeries(angle);
        double cos = CosSeries(angle);
        return (quadrant & 3) switch
        {
            0 => (sin, cos),
            1 => (cos, -sin),
            2 => (-sin, -cos),
            _ => (-cos, sin),
        };
    }

    private static double SinSeries(double x)
    {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int k = 2; k <= 24; k += 2)
        {
            term *= -x2 / (k * (k + 1));
            sum += term;
        }

        return sum;
    }

    private static double CosSeries(double x)
    {
        double x2 = x * x;
        double term = 1.0;
        double sum = 1.0;
        for (int k = 1; k <= 23; k += 2)
        {
            term *= -x2 / (k * (k + 1));
            sum += term;
        }

        return sum;
    }
}
