namespace FaceStudio.Core.Scheduling;

/// <summary>A function of one variable given as a struct, so integration allocates nothing.</summary>
internal interface IIntegrand
{
    /// <summary>f(x).</summary>
    double Evaluate(double x);
}

/// <summary>
/// Adaptive Gauss–Kronrod (7/15-point) quadrature with interval bisection, the rule family scipy's
/// <c>integrate.quad</c> (QUADPACK) uses. Exact for polynomials up to degree 22 on the first interval.
/// </summary>
internal static class AdaptiveQuadrature
{
    private static readonly double[] KronrodNodes =
    [
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
        0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.000000000000000000000000000000000,
    ];

    private static readonly double[] KronrodWeights =
    [
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
        0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
    ];

    // Gauss 7-point weights, for the Kronrod nodes with odd index (1, 3, 5) and the centre.
    private static readonly double[] GaussWeights =
    [
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    ];

    /// <summary>∫ f over [a, b] to <paramref name="relativeTolerance"/> (or 1e-14 absolute), at most <paramref name="maxDepth"/> bisections deep.</summary>
    public static double Integrate<T>(in T f, double a, double b, double relativeTolerance = 1e-10, int maxDepth = 30)
        where T : struct, IIntegrand
    {
        double whole = Rule(f, a, b, out double error);
        return Refine(f, a, b, whole, error, relativeTolerance, maxDepth);
    }

    private static double Refine<T>(in T f, double a, double b, double estimate, double error, double tolerance, int depth)
        where T : struct, IIntegrand
    {
        if (error <= Math.Max(tolerance * Math.Abs(estimate), 1e-14) || depth == 0)
        {
            return estimate;
        }

        double mid = 0.5 * (a + b);
        double left = Rule(f, a, mid, out double leftError);
        double right = Rule(f, mid, b, out double rightError);
        return Refine(f, a, mid, left, leftError, tolerance, depth - 1) + Refine(f, mid, b, right, rightError, tolerance, depth - 1);
    }

    private static double Rule<T>(in T f, double a, double b, out double error)
        where T : struct, IIntegrand
    {
        double centre = 0.5 * (a + b);
        double half = 0.5 * (b - a);
        double fc = f.Evaluate(centre);
        double kronrod = fc * KronrodWeights[7];
        double gauss = fc * GaussWeights[3];
        for (int i = 0; i < 7; i++)
        {
            double dx = half * KronrodNodes[i];
            double sum = f.Evaluate(centre - dx) + f.Evaluate(centre + dx);
            kronrod += KronrodWeights[i] * sum;
            if (i % 2 == 1)
            {
                gauss += GaussWeights[i / 2] * sum;
            }
        }

        error = Math.Abs((kronrod - gauss) * half);
        return kronrod * half;
    }
}
