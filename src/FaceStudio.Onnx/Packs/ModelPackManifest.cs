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
