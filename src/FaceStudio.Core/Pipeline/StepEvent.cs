using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Pipeline;

/// <summary>A denoiser step finished.</summary>
/// <param name="ImageIndex">Index of the image.</param>
/// <param name="Step">Calls completed (1-based).</param>
/// <param name="TotalSteps">Calls per image.</param>
/// <param name="Timestep">The timestep just evaluated.</param>
/// <param name="Elapsed">Time this step took.</param>
/// <param name="Preview">A small preview decoded cheaply from the latents, when requested.</param>
public sealed record StepEvent(int ImageIndex, int Step, int TotalSteps, float Timestep, TimeSpan Elapsed, RgbImage? Preview) : GenerationEvent;
