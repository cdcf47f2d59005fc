using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Jobs;

namespace FaceStudio.Worker;

/// <summary>
/// For broker benchmarks only (<c>FaceStudio:Jobs:SimulateGenerationMs</c> &gt; 0): instead of running the pipeline,
/// waits that long per job (in <c>Steps</c> slices, reporting progress and honouring cancel) and returns a flat
/// grey PNG of the requested size. It stands in for a GPU-bound generation, so worker scaling can be measured
/// without the CPU contention of several CPU pipelines on one machine.
/// </summary>
/// <param name="codec">PNG encoder.</param>
/// <param name="milliseconds">Simulated generation time per job.</param>
internal sealed class SimulatedExecutor(IImageCodec codec, int milliseconds) : IJobExecutor
{
    public async Task<JobOutput> ExecuteAsync(GenerationRequest request, IProgress<GenerationProgress> progress, CancellationToken cancellationToken)
    {
        int steps = Math.Max(1, request.Steps);
        for (int step = 1; step <= steps; step++)
        {
            await Task.Delay(milliseconds / steps, cancellationToken);
            progress.Report(new GenerationProgress(GenerationStage.Denoising, 0, step, steps));
        }

        var image = new RgbImage(request.Width, request.Height);
        Array.Fill(image.Pixels, (byte)128);
        using var png = new MemoryStream();
        codec.EncodePng(image, png, cancellationToken);
        var metadata = new GenerationMetadata
        {
            Seed = request.Seed ?? 0,
            Scheduler = request.Scheduler,
            Steps = steps,
            ModelCalls = steps,
            Width = request.Width,
            Height = request.Height,
            GuidanceScale = request.GuidanceScale,
            Alpha = request.Alpha,
            Timings = new StageTimings { Denoising = TimeSpan.FromMilliseconds(milliseconds), Total = TimeSpan.FromMilliseconds(milliseconds) },
        };
        return new JobOutput([png.ToArray()], metadata);
    }
}
