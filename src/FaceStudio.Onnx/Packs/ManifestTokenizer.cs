using System.Text.Json.Serialization;

namespace FaceStudio.Onnx.Packs;

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
