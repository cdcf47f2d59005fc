namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Heun's second-order method (Karras et al., 2022, Algorithm 1), matching diffusers' <c>HeunDiscreteScheduler</c>:
/// n inference steps take 2n − 1 model calls; <see cref="IScheduler.Timesteps"/> lists every call (repeats included).
/// </summary>
public sealed class HeunScheduler : SchedulerBase
{
    private float[]? _x0;
    private float[]? _derivative;
    private float[]? _previousDerivative;
    private float[]? _savedSample;
    private float? _dt;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    public HeunScheduler(SchedulerConfig config)
        : base(SchedulerCatalog.Heun, config, null)
    {
    }

    /// <inheritdoc />
    protected override int Order => 2;

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        var (single, sigmas) = SigmaLayouts.EulerFamily(Config, Schedule, steps, FinalSigmas.Zero);

        // σ: first, then every interior one twice, then the final 0; timesteps: first, then every other twice.
        var repeatedSigmas = new float[2 * (sigmas.Length - 1)];
        repeatedSigmas[0] = sigmas[0];
        for (int i = 1; i < sigmas.Length - 1; i++)
        {
            repeatedSigmas[(2 * i) - 1] = sigmas[i];
            repeatedSigmas[2 * i] = sigmas[i];
        }

        repeatedSigmas[^1] = sigmas[^1];
        var repeatedTimesteps = new float[(2 * single.Length) - 1];
        repeatedTimesteps[0] = single[0];
        for (int i = 1; i < single.Length; i++)
        {
            repeatedTimesteps[(2 * i) - 1] = single[i];
            repeatedTimesteps[2 * i] = single[i];
        }

        return (repeatedTimesteps, repeatedSigmas, SigmaLayouts.InitNoiseSigma(Config, repeatedSigmas));
    }

    /// <inheritdoc />
    protected override void ResetState() => _dt = null;

    /// <inheritdoc />
    protected override void ScaleModelInputCore(ReadOnlySpan<float> sample, Span<float> destination, int index)
        => ScaleBySigma(sample, destination, FullSigmas[index]);

    /// <inheritdoc />
    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int index, Span<float> destination)
        => SchedulerMath.Combine(1f, original, FullSigmas[index], noise, destination);

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        float[] x0 = EnsureBuffer(ref _x0, sample.Length);
        float[] derivative = EnsureBuffer(ref _derivative, sample.Length);
        float[] previous = EnsureBuffer(ref _previousDerivative, sample.Length);
        float[] saved = EnsureBuffer(ref _savedSample, sample.Length);
        bool firstOrder = _dt is null;
        float sigma = firstOrder ? FullSigmas[index] : FullSigmas[index - 1];
        float sigmaNext = firstOrder ? FullSigmas[index + 1] : FullSigmas[index];
        float sigmaInput = firstOrder ? sigma : sigmaNext;

        PredictOriginalFromSigma(modelOutput, sample, sigmaInput, x0);
        if (Config.ClipSample)
        {
            SchedulerMath.Clip(x0, (float)Config.ClipSampleRange);
        }

        // derivative = (x − x₀) / σ_input
        SchedulerMath.Combine(1f / sigmaInput, sample, -1f / sigmaInput, x0, derivative);
        if (firstOrder)
        {
            float dt = sigmaNext - sigma;
            derivative.CopyTo(previous);
            sample.CopyTo(saved);
            _dt = dt;
            SchedulerMath.AddScaled(sample, dt, derivative);
        }
        else
        {
            float dt = _dt!.Value;
            SchedulerMath.Combine(0.5f, previous, 0.5f, derivative, derivative);
            saved.CopyTo(sample);
            SchedulerMath.AddScaled(sample, dt, derivative);
            _dt = null;
        }
    }
}
