using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Euler method on the probability-flow ODE (Karras et al., 2022, Algorithm 2 without churn), matching
/// diffusers' <c>EulerDiscreteScheduler</c>. With <see cref="SchedulerConfig.UseKarrasSigmas"/> it uses Karras sigmas.
/// </summary>
/// <remarks>
/// diffusers' <c>step</c> draws a latent-sized noise tensor on every call even though it is unused without churn; given a
/// noise source, this scheduler draws (and discards) the same amount, so that a generator shared with the pipeline
/// stays in step with diffusers'.
/// </remarks>
public sealed class EulerDiscreteScheduler : SchedulerBase
{
    private float[]? _x0;
    private float[]? _unusedNoise;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="noise">Optional source; when given, each step draws (and discards) one latent of noise as diffusers does.</param>
    public EulerDiscreteScheduler(SchedulerConfig config, INoiseSource? noise = null)
        : this(SchedulerCatalog.Euler, config, noise)
    {
    }

    internal EulerDiscreteScheduler(string name, SchedulerConfig config, INoiseSource? noise)
        : base(name, config, noise)
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
        if (Noise is { } source)
        {
            // diffusers: noise = randn_tensor(model_output.shape, generator=generator), used only when s_churn > 0.
            source.NextGaussian(EnsureBuffer(ref _unusedNoise, sample.Length));
        }

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
