using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// DDIM (Song et al., 2020) with η from <see cref="SchedulerConfig.Eta"/>; η = 0 is deterministic.
/// Matches diffusers' <c>DDIMScheduler</c>.
/// </summary>
public sealed class DdimScheduler : SchedulerBase
{
    private float[]? _x0;
    private float[]? _epsilon;
    private float[]? _noise;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="noise">Random source, needed when η &gt; 0.</param>
    public DdimScheduler(SchedulerConfig config, INoiseSource? noise = null)
        : base(SchedulerCatalog.Ddim, config, noise)
    {
        if (config.Eta > 0)
        {
            RequireNoise();
        }
    }

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
        => (TimestepLayouts.ToFloat(TimestepLayouts.Integer(Config, steps)), [], 1f);

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        int t = (int)FullTimesteps[index];
        int prev = t - (Config.NumTrainTimesteps / InferenceSteps);
        double finalAlpha = Config.SetAlphaToOne ? 1.0 : Schedule.AlphasCumprod[0];
        double alphaProd = Schedule.AlphasCumprod[t];
        double alphaPrev = AlphaProd(prev, finalAlpha);

        float[] x0 = EnsureBuffer(ref _x0, sample.Length);
        float[] epsilon = EnsureBuffer(ref _epsilon, sample.Length);
        PredictOriginalAndEpsilon(modelOutput, sample, alphaProd, x0, epsilon);
        if (Config.ClipSample)
        {
            SchedulerMath.Clip(x0, (float)Config.ClipSampleRange);
        }

        double variance = (1 - alphaPrev) / (1 - alphaProd) * (1 - (alphaProd / alphaPrev));
        double std = Config.Eta * Math.Sqrt(variance);
        double direction = Math.Sqrt(Math.Max(1 - alphaPrev - (std * std), 0));
        SchedulerMath.Combine((float)Math.Sqrt(alphaPrev), x0, (float)direction, epsilon, sample);
        if (Config.Eta > 0)
        {
            float[] noise = EnsureBuffer(ref _noise, sample.Length);
            RequireNoise().NextGaussian(noise);
            SchedulerMath.AddScaled(sample, (float)std, noise);
        }
    }
}
