using FaceStudio.Core.Errors;

namespace FaceStudio.Onnx.Latents;

/// <summary>VAE settings that are not in the graph (diffusers keeps them in the VAE's config.json).</summary>
public sealed record VaeOptions
{
    /// <summary>Stable Diffusion 1.x/2.x latent scaling factor.</summary>
    public const float DefaultScalingFactor = 0.18215f;

    /// <summary>Latents are multiplied by this after encoding and divided by it before decoding.</summary>
    public float ScalingFactor { get; init; } = DefaultScalingFactor;

    /// <summary>Pixels per latent cell along each axis.</summary>
    public int DownscaleFactor { get; init; } = 8;

    /// <summary>Checks ranges.</summary>
    public void Validate()
    {
        if (!float.IsFinite(ScalingFactor) || ScalingFactor <= 0)
        {
            throw new FaceStudioValidationException(nameof(ScalingFactor), $"ScalingFactor must be a positive finite number; got {ScalingFactor}.");
        }

        if (DownscaleFactor is < 1 or > 64)
        {
            throw new FaceStudioValidationException(nameof(DownscaleFactor), $"DownscaleFactor must be in [1, 64]; got {DownscaleFactor}.");
        }
    }
}
