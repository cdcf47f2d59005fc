using System.Text.Json.Serialization;

namespace FaceStudio.Onnx.Packs;

/// <summary>
/// <c>facestudio.json</c>: FaceStudio's additions to a diffusers/optimum ONNX folder. Every path is relative to
/// the pack folder and must stay inside it. All members are optional; absent ones take the layout's defaults.
/// </summary>
public sealed record ModelPackManifest
{
    /// <summary>The manifest file name.</summary>
    public const string FileName = "facestudio.json";

    /// <summary>Manifest format version (1).</summary>
    [JsonPropertyName("formatVersion")]
    public int FormatVersion { get; init; } = 1;

    /// <summary>Display name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>True for generated demo packs (random weights, noise-like pictures).</summary>
    [JsonPropertyName("demo")]
    public bool Demo { get; init; }

    /// <summary>Model file of each component (keys: textEncoder, unet, vaeDecoder, vaeEncoder, faceDetector, faceEmbedder, imageEncoder, projector).</summary>
    [JsonPropertyName("components")]
    public Dictionary<string, string>? Components { get; init; }

    /// <summary>Tokenizer files.</summary>
    [JsonPropertyName("tokenizer")]
    public ManifestTokenizer? Tokenizer { get; init; }

    /// <summary>Contract options.</summary>
    [JsonPropertyName("options")]
    public ManifestOptions? Options { get; init; }
}

/// <summary>Tokenizer files named by the manifest.</summary>
public sealed record ManifestTokenizer
{
    /// <summary>BPE vocabulary (token → id).</summary>
    [JsonPropertyName("vocab")]
    public string? Vocab { get; init; }

    /// <summary>BPE merges.</summary>
    [JsonPropertyName("merges")]
    public string? Merges { get; init; }

    /// <summary>Optional tokenizer_config.json (special tokens, max length).</summary>
    [JsonPropertyName("config")]
    public string? Config { get; init; }
}

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
}
