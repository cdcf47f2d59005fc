using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

public class AdaptiveQuadratureTests
{
    private readonly struct Cubic : IIntegrand
    {
        public double Evaluate(double x) => (x * x * x) - (2 * x) + 0.5;
    }

    private readonly struct Sine : IIntegrand
    {
        public double Evaluate(double x) => Math.Sin(x);
    }

    private readonly struct Peak : IIntegrand
    {
        public double Evaluate(double x) => 1 / (1e-4 + (x * x));
    }

    [Fact]
    public void Integrates_polynomials_exactly_in_either_direction()
    {
        // ∫ x³ − 2x + 0.5 = x⁴/4 − x² + x/2
        static double F(double x) => (Math.Pow(x, 4) / 4) - (x * x) + (x / 2);
        Assert.Equal(F(3.2) - F(-1.1), AdaptiveQuadrature.Integrate(new Cubic(), -1.1, 3.2), 12);
        Assert.Equal(F(0.2) - F(5), AdaptiveQuadrature.Integrate(new Cubic(), 5, 0.2), 12);
    }

    [Fact]
    public void Adapts_to_smooth_and_peaked_integrands()
    {
        Assert.Equal(2.0, AdaptiveQuadrature.Integrate(new Sine(), 0, Math.PI), 12);

        // ∫_{-1}^{1} 1/(ε + x²) = 2·atan(1/√ε)/√ε with ε = 1e-4: a sharp peak that needs bisection.
        double expected = 2 * Math.Atan(1 / Math.Sqrt(1e-4)) / Math.Sqrt(1e-4);
        double actual = AdaptiveQuadrature.Integrate(new Peak(), -1, 1);
        Assert.True(Math.Abs(actual - expected) <= 1e-9 * expected, $"{actual} vs {expected}");
    }
}
