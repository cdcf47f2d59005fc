using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Latents;

/// <summary>VAE decoder: diffusion latents to images.</summary>
public interface ILatentDecoder
{
    /// <summary>Latent channels (4 for Stable Diffusion 1.5).</summary>
    int LatentChannels { get; }

    /// <summary>Pixels per latent cell along each axis (8).</summary>
    int DownscaleFactor { get; }

    /// <summary>The VAE scaling factor (0.18215 for Stable Diffusion 1.5); the decoder divides by it.</summary>
    float ScalingFactor { get; }

    /// <summary>Decodes latents [B, C, h, w] (as the scheduler produces them) into images [B, 3, h·f, w·f] in [-1, 1].</summary>
    Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default);
}
