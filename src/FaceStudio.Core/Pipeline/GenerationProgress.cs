using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Pipeline;

/// <summary>Stages of a generation, in order.</summary>
public enum GenerationStage
{
    /// <summary>Encoding the prompt.</summary>
    EncodingText,

    /// <summary>Detecting, aligning and embedding faces; encoding the style image.</summary>
    EncodingIdentities,

    /// <summary>Composing guidance and binding the denoiser.</summary>
    Conditioning,

    /// <summary>Running the denoise loop.</summary>
    Denoising,

    /// <summary>Decoding latents to pixels.</summary>
    Decoding,

    /// <summary>Done.</summary>
    Completed,
}

/// <summary>A progress report. Reports of one request arrive in order.</summary>
/// <param name="Stage">The stage now running.</param>
/// <param name="ImageIndex">Index of the image being generated (0-based).</param>
/// <param name="Step">Denoiser calls completed for this image.</param>
/// <param name="TotalSteps">Denoiser calls per image.</param>
public sealed record GenerationProgress(GenerationStage Stage, int ImageIndex, int Step, int TotalSteps)
{
    /// <summary>Overall fraction done within the denoise loop of this image, in [0, 1].</summary>
    public double Fraction => TotalSteps == 0 ? 0 : (double)Step / TotalSteps;
}

/// <summary>Events of a streamed generation (<see cref="FaceStudioPipeline.GenerateStreamingAsync"/>).</summary>
public abstract record GenerationEvent;

/// <summary>A denoiser step finished.</summary>
/// <param name="ImageIndex">Index of the image.</param>
/// <param name="Step">Calls completed (1-based).</param>
/// <param name="TotalSteps">Calls per image.</param>
/// <param name="Timestep">The timestep just evaluated.</param>
/// <param name="Elapsed">Time this step took.</param>
/// <param name="Preview">A small preview decoded cheaply from the latents, when requested.</param>
public sealed record StepEvent(int ImageIndex, int Step, int TotalSteps, float Timestep, TimeSpan Elapsed, RgbImage? Preview) : GenerationEvent;

/// <summary>The generation finished.</summary>
/// <param name="Result">Images and metadata.</param>
public sealed record CompletedEvent(GenerationResult Result) : GenerationEvent;
