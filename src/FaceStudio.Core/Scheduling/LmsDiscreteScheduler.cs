namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Linear multistep (order up to 4) on the k-diffusion ODE, matching diffusers' <c>LMSDiscreteScheduler</c>:
/// the coefficients are integrals of Lagrange basis polynomials over [σᵢ, σᵢ₊₁], computed by adaptive quadrature.
/// </summary>
public sealed class LmsDiscreteScheduler : SchedulerBase
{
    private const int MaxOrder = 4;
    private readonly float[]?[] _derivatives = new float[MaxOrder][];
    private readonly double[] _coefficients = new double[MaxOrder];
    private int _derivativeCount;
    private float[]? _x0;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    public LmsDiscreteScheduler(SchedulerConfig config)
        : base(SchedulerCatalog.Lms, config, null)
    {
    }

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        var (timesteps, sigmas) = SigmaLayouts.EulerFamily(Config, Schedule, steps, FinalSigmas.Zero);
        return (timesteps, sigmas, SigmaLayouts.InitNoiseSigma(Config, sigmas));
    }

    /// <inheritdoc />
    protected override void ResetState() => _derivativeCount = 0;

    /// <inheritdoc />
    protected override void ScaleModelInputCore(ReadOnlySpan<float> sample, Span<float> destination, int index)
        => ScaleBySigma(sample, destination, FullSigmas[index]);

    /// <inheritdoc />
    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int index, Span<float> destination)
        => SchedulerMath.Combine(1f, original, FullSigmas[index], noise, destination);

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        float sigma = FullSigmas[index];
        for (int i = 0; i < MaxOrder; i++)
        {
            EnsureBuffer(ref _derivatives[i], sample.Length);
        }

        float[] derivative = NextDerivativeSlot(sample.Length);
        if (Config.PredictionType == PredictionType.Epsilon)
        {
            modelOutput.CopyTo(derivative);
        }
        else
        {
            float[] x0 = EnsureBuffer(ref _x0, sample.Length);
            PredictOriginalFromSigma(modelOutput, sample, sigma, x0);
            SchedulerMath.Combine(1f / sigma, sample, -1f / sigma, x0, derivative);
        }

        int order = Math.Min(index + 1, MaxOrder);
        for (int current = 0; current < order; current++)
        {
            var basis = new LagrangeBasis(FullSigmas, index, order, current);
            _coefficients[current] = AdaptiveQuadrature.Integrate(basis, FullSigmas[index], FullSigmas[index + 1], 1e-4);
        }

        // Newest derivative pairs with coefficient 0; fewer derivatives than the order (img2img start) use what exists.
        int terms = Math.Min(order, _derivativeCount);
        for (int j = 0; j < terms; j++)
        {
            SchedulerMath.AddScaled(sample, (float)_coefficients[j], _derivatives[_derivativeCount - 1 - j]!);
        }
    }

    private float[] NextDerivativeSlot(int length)
    {
        if (_derivativeCount == MaxOrder)
        {
            float[] oldest = _derivatives[0]!;
            Array.Copy(_derivatives, 1, _derivatives, 0, MaxOrder - 1);
            _derivatives[MaxOrder - 1] = oldest;
            _derivativeCount--;
        }

        float[] slot = EnsureBuffer(ref _derivatives[_derivativeCount], length);
        _derivativeCount++;
        return slot;
    }

    /// <summary>Π_{k≠current} (τ − σ_{t−k}) / (σ_{t−current} − σ_{t−k}).</summary>
    private readonly struct LagrangeBasis(float[] sigmas, int t, int order, int current) : IIntegrand
    {
        public double Evaluate(double x)
        {
            double product = 1.0;
            for (int k = 0; k < order; k++)
            {
                if (k == current)
                {
                    continue;
                }

                product *= (x - sigmas[t - k]) / ((double)sigmas[t - current] - sigmas[t - k]);
            }

            return product;
        }
    }
}
