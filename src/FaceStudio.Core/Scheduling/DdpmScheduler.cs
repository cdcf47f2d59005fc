using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// DDPM ancestral sampling (Ho et al., 2020) over a spaced schedule, matching diffusers' <c>DDPMScheduler</c>
/// (variance <c>fixed_small</c> or <c>fixed_large</c>).
/// </summary>
public sealed class DdpmScheduler : SchedulerBase
{
    private float[]? _x0;
    private float[]? _epsilon;
    private float[]? _noise;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="noise">Random source (required).</param>
    public DdpmScheduler(SchedulerConfig config, INoiseSource? noise)
        : base(SchedulerCatalog.Ddpm, config, noise) => RequireNoise();

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
        => (TimestepLayouts.ToFloat(TimestepLayouts.Integer(Config, steps)), [], 1f);

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        int t = (int)FullTimesteps[index];
        int prev = index + 1 < FullTimesteps.Length ? (int)FullTimesteps[index + 1] : -1;
        double alphaProd = Schedule.AlphasCumprod[t];
        double alphaPrev = AlphaProd(prev, 1.0);
        double betaProd = 1 - alphaProd;
        double betaPrev = 1 - alphaPrev;
        double currentAlpha = alphaProd / alphaPrev;
        double currentBeta = 1 - currentAlpha;

        float[] x0 = EnsureBuffer(ref _x0, sample.Length);
        float[] epsilon = EnsureBuffer(ref _epsilon, sample.Length);
        PredictOriginalAndEpsilon(modelOutput, sample, alphaProd, x0, epsilon);
        if (Config.ClipSample)
        {
            SchedulerMath.Clip(x0, (float)Config.ClipSampleRange);
        }

        double x0Coefficient = Math.Sqrt(alphaPrev) * currentBeta / betaProd;
        double sampleCoefficient = Math.Sqrt(currentAlpha) * betaPrev / betaProd;
        SchedulerMath.Combine((float)x0Coefficient, x0, (float)sampleCoefficient, sample, sample);
        if (t > 0)
        {
            double variance = Config.VarianceType == DdpmVarianceType.FixedLarge
                ? currentBeta
                : Math.Max(betaPrev / betaProd * currentBeta, 1e-20);
            float[] noise = EnsureBuffer(ref _noise, sample.Length);
            RequireNoise().NextGaussian(noise);
            SchedulerMath.AddScaled(sample, (float)Math.Sqrt(variance), noise);
        }
    }
}
