namespace FaceStudio.Core.Pipeline;

/// <summary>The images of one request and how they were made.</summary>
/// <param name="Images">One image per <see cref="GenerationRequest.BatchCount"/>.</param>
/// <param name="Metadata">Seeds, sampler and timings.</param>
public sealed record GenerationResult(IReadOnlyList<GeneratedImage> Images, GenerationMetadata Metadata);
