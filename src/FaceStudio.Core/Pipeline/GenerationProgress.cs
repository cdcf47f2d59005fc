namespace FaceStudio.Core.Pipeline;

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
