namespace FaceStudio.Core.Pipeline;

/// <summary>The generation finished.</summary>
/// <param name="Result">Images and metadata.</param>
public sealed record CompletedEvent(GenerationResult Result) : GenerationEvent;
