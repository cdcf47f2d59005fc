using FaceStudio.Core.Errors;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Latent Consistency Model multistep sampling (Luo et al., 2023), matching diffusers' <c>LCMScheduler</c>:
/// timesteps are picked from the distillation schedule of <see cref="SchedulerConfig.OriginalInferenceSteps"/>
/// steps; img2img strength shortens that schedule.
/// </summary>
public sealed class LcmScheduler : SchedulerBase
{
    private const double SigmaData = 0.5;
    private float[]? _x0;
    private float[]? _epsilon;
    private float[]? _noise;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="noise">Random source (required when more than one step is run).</param>
    public LcmScheduler(SchedulerConfig config, INoiseSource? noise)
        : base(SchedulerCatalog.Lcm, config, noise)
    {
    }

    /// <inheritdoc />
    protected override bool AppliesStrengthItself => true;

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        int original = Config.OriginalInferenceSteps;
        int k = Config.NumTrainTimesteps / original;
        int count = (int)(original * strength);
        if (count / steps < 1)
        {
            throw new FaceStudioValidationException(nameof(steps),
                $"LCM can run at most {count} steps with original_inference_steps {original} and strength {strength}; found {steps}.");
        }

        // Distillation timesteps, descending: k·j − 1 for j = count..1.
        var timesteps = new float[steps];
        double stride = (double)count / steps;
        for (int i = 0; i < steps; i++)
        {
            int position = (int)Math.Floor(i * stride);
            int j = count - position;
            timesteps[i] = (j * k) - 1;
        }

        return (timesteps, [], 1f);
    }

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        int t = (int)FullTimesteps[index];
        bool last = index == FullTimesteps.Length - 1;
        int prev = last ? t : (int)FullTimesteps[index + 1];
        double finalAlpha = Config.SetAlphaToOne ? 1.0 : Schedule.AlphasCumprod[0];
        double alphaProd = Schedule.AlphasCumprod[t];
        double alphaPrev = AlphaProd(prev, finalAlpha);

        double scaled = t * Config.TimestepScaling;
        double cSkip = SigmaData * SigmaData / ((scaled * scaled) + (SigmaData * SigmaData));
        double cOut = scaled / Math.Sqrt((scaled * scaled) + (SigmaData * SigmaData));

        float[] x0 = EnsureBuffer(ref _x0, sample.Length);
        float[] epsilon = EnsureBuffer(ref _epsilon, sample.Length);
        PredictOriginalAndEpsilon(modelOutput, sample, alphaProd, x0, epsilon);
        if (Config.ClipSample)
        {
            SchedulerMath.Clip(x0, (float)Config.ClipSampleRange);
        }

        SchedulerMath.Combine((float)cOut, x0, (float)cSkip, sample, sample); // denoised
        if (!last)
        {
            float[] noise = EnsureBuffer(ref _noise, sample.Length);
            RequireNoise().NextGaussian(noise);
            SchedulerMath.Combine((float)Math.Sqrt(alphaPrev), sample, (float)Math.Sqrt(1 - alphaPrev), noise, sample);
        }
    }
}
