using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Latents;

/// <summary>VAE encoder: images to diffusion latents (img2img).</summary>
public interface ILatentEncoder
{
    /// <summary>Latent channels (4 for Stable Diffusion 1.5).</summary>
    int LatentChannels { get; }

    /// <summary>Pixels per latent cell along each axis (8).</summary>
    int DownscaleFactor { get; }

    /// <summary>The VAE scaling factor; encoded latents are multiplied by it.</summary>
    float ScalingFactor { get; }

    /// <summary>Encodes images [B, 3, H, W] in [-1, 1] into scaled latents [B, C, H/f, W/f] (the distribution's mean).</summary>
    Task<FloatTensor> EncodeAsync(FloatTensor images, CancellationToken cancellationToken = default);
}
