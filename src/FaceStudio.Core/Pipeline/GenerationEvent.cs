namespace FaceStudio.Core.Pipeline;

/// <summary>Events of a streamed generation (<see cref="FaceStudioPipeline.GenerateStreamingAsync"/>).</summary>
public abstract record GenerationEvent;
