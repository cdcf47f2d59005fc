using FaceStudio.Core.Pipeline;

namespace FaceStudio.Jobs;

/// <summary>What a finished job produced.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Images">One PNG per image of the request (batch order).</param>
/// <param name="Metadata">How the images were made (seed, sampler, timings of the worker's run).</param>
/// <param name="Worker">The consumer that produced the result.</param>
public sealed record JobResult(string Id, IReadOnlyList<byte[]> Images, GenerationMetadata Metadata, string? Worker);

/// <summary>What an <see cref="IJobExecutor"/> returns: encoded images and metadata, ready to store.</summary>
/// <param name="Images">One PNG per image.</param>
/// <param name="Metadata">The pipeline's metadata.</param>
public sealed record JobOutput(IReadOnlyList<byte[]> Images, GenerationMetadata Metadata);
