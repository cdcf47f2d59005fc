using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Euler ancestral sampling (k-diffusion <c>sample_euler_ancestral</c>), matching diffusers'
/// <c>EulerAncestralDiscreteScheduler</c>: an Euler step to σ_down, then fresh noise of σ_up. One noise draw per step.
/// </summary>
public sealed class EulerAncestralScheduler : SchedulerBase
{
    private float[]? _x0;
    private float[]? _noise;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="noise">Random source (required).</param>
    public EulerAncestralScheduler(SchedulerConfig config, INoiseSource? noise)
        : base(SchedulerCatalog.EulerAncestral, config, noise) => RequireNoise();

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        var (timesteps, sigmas) = SigmaLayouts.EulerFamily(Config, Schedule, steps, FinalSigmas.Zero);
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
        double sigma = FullSigmas[index];
        double sigmaTo = FullSigmas[index + 1];
        double sigmaUp = Math.Sqrt(sigmaTo * sigmaTo * ((sigma * sigma) - (sigmaTo * sigmaTo)) / (sigma * sigma));
        double sigmaDown = Math.Sqrt(Math.Max((sigmaTo * sigmaTo) - (sigmaUp * sigmaUp), 0));
        float dt = (float)(sigmaDown - sigma);
        if (Config.PredictionType == PredictionType.Epsilon)
        {
            SchedulerMath.AddScaled(sample, dt, modelOutput);
        }
        else
        {
            float[] x0 = EnsureBuffer(ref _x0, sample.Length);
            PredictOriginalFromSigma(modelOutput, sample, (float)sigma, x0);
            float ratio = (float)(dt / sigma);
            SchedulerMath.Combine(1f + ratio, sample, -ratio, x0, sample);
        }

        float[] noise = EnsureBuffer(ref _noise, sample.Length);
        RequireNoise().NextGaussian(noise);
        SchedulerMath.AddScaled(sample, (float)sigmaUp, noise);
    }
}
