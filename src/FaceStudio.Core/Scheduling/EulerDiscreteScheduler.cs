namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Euler method on the probability-flow ODE (Karras et al., 2022, Algorithm 2 without churn), matching
/// diffusers' <c>EulerDiscreteScheduler</c>. With <see cref="SchedulerConfig.UseKarrasSigmas"/> it uses Karras sigmas.
/// </summary>
public sealed class EulerDiscreteScheduler : SchedulerBase
{
    private float[]? _x0;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    public EulerDiscreteScheduler(SchedulerConfig config)
        : this(SchedulerCatalog.Euler, config)
    {
    }

    internal EulerDiscreteScheduler(string name, SchedulerConfig config)
        : base(name, config, null)
    {
    }

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        var (timesteps, sigmas) = SigmaLayouts.EulerFamily(Config, Schedule, steps, Config.FinalSigmas);
        return (timesteps, sigmas, SigmaLayouts.InitNoiseSigma(Config, sigmas));
    }

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
        float dt = FullSigmas[index + 1] - sigma;
        if (Config.PredictionType == PredictionType.Epsilon)
        {
            // derivative (x − x₀)/σ is exactly the predicted ε.
            SchedulerMath.AddScaled(sample, dt, modelOutput);
            return;
        }

        float[] x0 = EnsureBuffer(ref _x0, sample.Length);
        PredictOriginalFromSigma(modelOutput, sample, sigma, x0);
        float ratio = dt / sigma;
        SchedulerMath.Combine(1f + ratio, sample, -ratio, x0, sample);
    }
}
