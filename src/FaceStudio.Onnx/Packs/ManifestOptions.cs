using System.Text.Json.Serialization;

namespace FaceStudio.Onnx.Packs;

/// <summary>Contract options that are not in the graphs.</summary>
public sealed record ManifestOptions
{
    /// <summary>VAE latent scaling factor (default: vae_decoder/config.json's scaling_factor, else 0.18215).</summary>
    [JsonPropertyName("vaeScalingFactor")]
    public float? VaeScalingFactor { get; init; }

    /// <summary>Guidance flavour of the projector: <c>facestudio</c> or <c>ip-adapter-faceid</c>.</summary>
    [JsonPropertyName("guidance")]
    public string? Guidance { get; init; }

    /// <summary>Tokens per identity produced by the projector.</summary>
    [JsonPropertyName("identityTokens")]
    public int? IdentityTokens { get; init; }

    /// <summary>
    /// The rule the UNet's graph applies to <c>identity_masks</c> on their way to each attention resolution:
    /// <c>area</c> or <c>bicubic</c> (what <c>export_identity_unet.py --mask-downsample</c> built in). The pipeline
    /// then builds region masks with the same rule; an explicit, different rule is refused.
    /// </summary>
    [JsonPropertyName("maskDownsample")]
    public string? MaskDownsample { get; init; }
}
