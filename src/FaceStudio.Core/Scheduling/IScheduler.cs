namespace FaceStudio.Core.Scheduling;

/// <summary>
/// A diffusion sampler: lays inference timesteps over the training schedule and advances latents one model
/// call at a time. All tensors are flat float32 spans (any batch and shape, processed elementwise).
/// </summary>
/// <remarks>
/// Use: <c>SetTimesteps(n)</c>; <c>x = noise · InitNoiseSigma</c> (or <c>AddNoise</c> for img2img); for each
/// <c>i</c> in <c>0..Timesteps.Length-1</c>: <c>ScaleModelInput(x, xIn, i)</c>, run the model at
/// <c>Timesteps[i]</c>, <c>Step(output, i, x)</c>. Some schedulers call the model more than once per inference
/// step (Heun: 2n − 1 calls; PNDM: n + 1), which is why <see cref="Timesteps"/> may repeat values.
/// Multistep schedulers keep history, so steps must be taken in order; <see cref="Reset"/> starts over.
/// After the first <see cref="Step"/>, steps allocate nothing. Instances are not thread-safe.
/// </remarks>
public interface IScheduler
{
    /// <summary>The stable name this scheduler is selected by (see <see cref="SchedulerCatalog"/>).</summary>
    string Name { get; }

    /// <summary>The settings in effect.</summary>
    SchedulerConfig Config { get; }

    /// <summary>The training noise schedule.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>Builds the inference schedule. With <paramref name="strength"/> below 1 (img2img) the first part of the
    /// schedule is skipped, as diffusers' img2img pipelines do.</summary>
    /// <param name="steps">Inference steps, in [1, NumTrainTimesteps].</param>
    /// <param name="strength">Fraction of the schedule to run, in (0, 1].</param>
    void SetTimesteps(int steps, float strength = 1f);

    /// <summary>The timestep passed to the model at each call index.</summary>
    ReadOnlySpan<float> Timesteps { get; }

    /// <summary>The sigmas of the inference schedule (empty for schedulers that do not use sigmas).</summary>
    ReadOnlySpan<float> Sigmas { get; }

    /// <summary>Standard deviation of the initial noise (multiply unit Gaussian noise by it).</summary>
    float InitNoiseSigma { get; }

    /// <summary>Writes the model input for call <paramref name="stepIndex"/> (some schedulers rescale by σ).</summary>
    void ScaleModelInput(ReadOnlySpan<float> sample, Span<float> destination, int stepIndex);

    /// <summary>Advances <paramref name="sample"/> in place using the model output of call <paramref name="stepIndex"/>.</summary>
    void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample);

    /// <summary>Noises clean latents to the noise level of call <paramref name="stepIndex"/> (img2img start).</summary>
    void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination);

    /// <summary>Forgets multistep history so the schedule can be run again from its first call.</summary>
    void Reset();
}
