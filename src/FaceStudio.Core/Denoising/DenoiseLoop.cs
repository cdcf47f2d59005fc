using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Denoising;

/// <summary>
/// The denoise loop of one image: seeded noise (or the noised init latents), then per scheduler call scale input →
/// guided prediction → finiteness check → scheduler step, with telemetry, progress and step events.
/// </summary>
/// <remarks>
/// One noise source per image, drawn in diffusers' order: the initial latents (or, for img2img, the noise added to the
/// init latents) first, then whatever the scheduler draws in its steps.
/// </remarks>
internal sealed class DenoiseLoop(SchedulerConfig schedulerConfig, ISchedulerFactory schedulers, INoiseSourceFactory noiseSources, FaceStudioTelemetry telemetry)
{
    /// <summary>Runs the loop for image <paramref name="imageIndex"/> (seed + index) and returns its latents [1, C, h, w].</summary>
    public FloatTensor Run(GenerationRequest request, long seed, float strength, int latentHeight, int latentWidth, GuidedDenoiser guided, int channels, FloatTensor? initLatents, int imageIndex, IProgress<GenerationProgress>? progress, Action<StepEvent>? onStep, CancellationToken ct)
    {
        int length = channels * latentHeight * latentWidth;
        INoiseSource noise = noiseSources.Create(request.Noise, seed + imageIndex);
        IScheduler scheduler = schedulers.Create(request.Scheduler, schedulerConfig, noise);
        scheduler.SetTimesteps(request.Steps, strength);

        var latents = new float[length];
        var scaled = new float[length];
        var prediction = new float[length];
        noise.NextGaussian(latents);
        if (initLatents is not null)
        {
            scheduler.AddNoise(initLatents.Span, latents, 0, scaled);
            scaled.CopyTo(latents, 0);
        }
        else
        {
            TensorPrimitives.Multiply(latents, scheduler.InitNoiseSigma, latents);
        }

        ReadOnlySpan<float> timesteps = scheduler.Timesteps;
        int calls = timesteps.Length;
        var watch = new Stopwatch();
        for (int i = 0; i < calls; i++)
        {
            ct.ThrowIfCancellationRequested();
            watch.Restart();
            float t = scheduler.Timesteps[i];
            scheduler.ScaleModelInput(latents, scaled, i);
            guided.Predict(scaled, t, prediction, ct);
            EnsureFinite(prediction, "denoiser output");
            scheduler.Step(prediction, i, latents);
            TimeSpan elapsed = watch.Elapsed;
            telemetry.Steps.Add(1);
            telemetry.StepDuration.Record(elapsed.TotalMilliseconds);
            progress?.Report(new GenerationProgress(GenerationStage.Denoising, imageIndex, i + 1, calls));
            if (onStep is not null)
            {
                RgbImage? preview = request.StepPreviews ? LatentPreview.Render(latents, channels, latentHeight, latentWidth) : null;
                onStep(new StepEvent(imageIndex, i + 1, calls, t, elapsed, preview));
            }
        }

        EnsureFinite(latents, "latents after the last step");
        return new FloatTensor(latents, 1, channels, latentHeight, latentWidth);
    }

    /// <summary>Throws <see cref="FaceStudioException"/> when <paramref name="values"/> hold a NaN or ±∞.</summary>
    internal static void EnsureFinite(ReadOnlySpan<float> values, string what)
    {
        // One vectorised pass: a NaN or ±∞ anywhere makes the sum non-finite (overflow of finite values cannot
        // happen at latent magnitudes).
        if (!float.IsFinite(TensorPrimitives.Sum(values)))
        {
            throw new FaceStudioException(string.Create(CultureInfo.InvariantCulture, $"The {what} contains NaN or infinite values (expected finite numbers); the model or its inputs are broken (e.g. fp16 overflow)."));
        }
    }
}
