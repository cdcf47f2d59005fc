using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Pipeline;

/// <summary>A style image and how to use it.</summary>
/// <param name="Image">The decoded style image.</param>
public sealed record StyleInput(RgbImage Image)
{
    /// <summary>Also start from this image (img2img) instead of pure noise.</summary>
    public bool UseAsInitImage { get; init; }

    /// <summary>
    /// img2img strength in (0, 1]: the fraction of the schedule that runs. As in diffusers, the init latents are noised to
    /// the first kept timestep even at 1, so a trace of the init image remains (it is not ignored).
    /// </summary>
    public float Strength { get; init; } = 0.75f;
}
