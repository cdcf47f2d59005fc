using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;

namespace FaceStudio.Jobs;

/// <summary>The executor workers use: runs the <see cref="FaceStudioPipeline"/> and encodes each image as PNG.</summary>
/// <param name="pipeline">The pipeline (shared; it limits its own concurrency).</param>
/// <param name="codec">PNG encoder.</param>
public sealed class PipelineJobExecutor(FaceStudioPipeline pipeline, IImageCodec codec) : IJobExecutor
{
    /// <inheritdoc />
    public async Task<JobOutput> ExecuteAsync(GenerationRequest request, IProgress<GenerationProgress> progress, CancellationToken cancellationToken)
    {
        GenerationResult result = await pipeline.GenerateAsync(request, progress, cancellationToken).ConfigureAwait(false);
        var images = new List<byte[]>(result.Images.Count);
        foreach (GeneratedImage image in result.Images)
        {
            using var png = new MemoryStream();
            codec.EncodePng(image.Image, png, cancellationToken);
            images.Add(png.ToArray());
        }

        return new JobOutput(images, result.Metadata);
    }
}
