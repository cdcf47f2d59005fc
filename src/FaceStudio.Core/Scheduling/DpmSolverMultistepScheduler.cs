using System.Numerics.Tensors;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// DPM-Solver++ multistep (Lu et al., 2022), orders 1–2 with the midpoint second-order update, deterministic
/// (<c>dpmsolver++</c>) or stochastic (<c>sde-dpmsolver++</c>, one noise draw per step); matches diffusers'
/// <c>DPMSolverMultistepScheduler</c>. Karras sigmas from <see cref="SchedulerConfig.UseKarrasSigmas"/>.
/// </summary>
public sealed class DpmSolverMultistepScheduler : SchedulerBase
{
    private float[]? _current;
    private float[]? _previous;
    private float[]? _noise;
    private int _lowerOrderCount;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="stochastic">True for SDE-DPM-Solver++ (needs <paramref name="noise"/>).</param>
    /// <param name="noise">Random source.</param>
    public DpmSolverMultistepScheduler(SchedulerConfig config, bool stochastic = false, INoiseSource? noise = null)
        : this(stochastic ? SchedulerCatalog.DpmPlusPlus2MSde : SchedulerCatalog.DpmPlusPlus2M, config, stochastic, noise)
    {
    }

    internal DpmSolverMultistepScheduler(string name, SchedulerConfig config, bool stochastic, INoiseSource? noise)
        : base(name, config, noise)
    {
        Stochastic = stochastic;
        if (stochastic)
        {
            RequireNoise();
        }
    }

    /// <summary>True for the SDE variant.</summary>
    public bool Stochastic { get; }

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        var (timesteps, sigmas) = SigmaLayouts.Multistep(Config, Schedule, steps);
        return (timesteps, sigmas, 1f);
    }

    /// <inheritdoc />
    protected override void ResetState() => _lowerOrderCount = 0;

    /// <inheritdoc />
    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int index, Span<float> destination)
    {
        var (alpha, sigma) = AlphaSigma(FullSigmas[index]);
        SchedulerMath.Combine((float)alpha, original, (float)sigma, noise, destination);
    }

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        int count = FullTimesteps.Length;
        bool lowerOrderFinal = index == count - 1 && ((Config.LowerOrderFinal && count < 15) || Config.FinalSigmas == FinalSigmas.Zero);

        // Shift history and convert the model output to x₀ (data prediction).
        EnsureBuffer(ref _previous, sample.Length);
        EnsureBuffer(ref _current, sample.Length);
        (_previous, _current) = (_current, _previous);
        float[] current = _current!;
        var (alphaS0, sigmaS0) = AlphaSigma(FullSigmas[index]);
        ConvertToData(modelOutput, sample, alphaS0, sigmaS0, current);

        var (alphaT, sigmaT) = AlphaSigma(FullSigmas[index + 1]);
        double lambdaT = Math.Log(alphaT) - Math.Log(sigmaT);
        double lambdaS0 = Math.Log(alphaS0) - Math.Log(sigmaS0);
        double h = lambdaT - lambdaS0;
        double expNegH = Math.Exp(-h);
        double expNeg2H = Math.Exp(-2.0 * h);

        double sampleCoefficient, d0Coefficient, d1Coefficient, noiseCoefficient = 0;
        if (Stochastic)
        {
            sampleCoefficient = sigmaT / sigmaS0 * expNegH;
            d0Coefficient = alphaT * (1 - expNeg2H);
            d1Coefficient = 0.5 * alphaT * (1 - expNeg2H);
            noiseCoefficient = sigmaT * Math.Sqrt(1.0 - expNeg2H);
        }
        else
        {
            sampleCoefficient = sigmaT / sigmaS0;
            d0Coefficient = -alphaT * (expNegH - 1.0);
            d1Coefficient = -0.5 * alphaT * (expNegH - 1.0);
        }

        bool firstOrder = Config.SolverOrder == 1 || _lowerOrderCount < 1 || lowerOrderFinal;
        TensorPrimitives.Multiply(sample, (float)sampleCoefficient, sample);
        if (firstOrder)
        {
            SchedulerMath.AddScaled(sample, (float)d0Coefficient, current);
        }
        else
        {
            // D1 = (m0 − m1) / r0, r0 = h₀ / h.
            var (alphaS1, sigmaS1) = AlphaSigma(FullSigmas[index - 1]);
            double lambdaS1 = Math.Log(alphaS1) - Math.Log(sigmaS1);
            double r0 = (lambdaS0 - lambdaS1) / h;
            SchedulerMath.AddScaled(sample, (float)(d0Coefficient + (d1Coefficient / r0)), current);
            SchedulerMath.AddScaled(sample, (float)(-d1Coefficient / r0), _previous!);
        }

        if (Stochastic)
        {
            float[] noise = EnsureBuffer(ref _noise, sample.Length);
            RequireNoise().NextGaussian(noise);
            SchedulerMath.AddScaled(sample, (float)noiseCoefficient, noise);
        }

        if (_lowerOrderCount < Config.SolverOrder)
        {
            _lowerOrderCount++;
        }
    }

    internal static (double Alpha, double Sigma) AlphaSigma(float sigma)
    {
        double alpha = 1.0 / Math.Sqrt(((double)sigma * sigma) + 1.0);
        return (alpha, sigma * alpha);
    }

    private void ConvertToData(ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, double alpha, double sigma, Span<float> x0)
    {
        switch (Config.PredictionType)
        {
            case PredictionType.Epsilon:
                SchedulerMath.Combine((float)(1 / alpha), sample, (float)(-sigma / alpha), modelOutput, x0);
                break;
            case PredictionType.Sample:
                modelOutput.CopyTo(x0);
                break;
            default:
                SchedulerMath.Combine((float)alpha, sample, (float)(-sigma), modelOutput, x0);
                break;
        }
    }
}
