using System.Globalization;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;

namespace FaceStudio.Onnx.Text;

/// <summary>How <see cref="OnnxTextEncoder"/> reads prompts: attention syntax, and how many 77-token windows a prompt may fill.</summary>
/// <remarks>
/// Windows allowed W = <see cref="MaxContextTokens"/> / window length (77 for CLIP), at least 1. The default, null, is plain
/// CLIP: one window, longer prompts truncated with a logged warning. Use <see cref="ForDenoiser"/> to derive the options
/// from the denoiser's declared context.
/// </remarks>
public sealed record OnnxTextEncoderOptions
{
    /// <summary>Windows allowed when the denoiser's context length is dynamic (3 × 77 = 231 positions, 225 content tokens).</summary>
    public const int DynamicContextWindows = 3;

    /// <summary>CLIP's window length, start and end tokens included.</summary>
    public const int ClipWindowLength = 77;

    /// <summary>
    /// Context positions one prompt's encoding may fill; windows allowed = this / the tokenizer's length (at least 1).
    /// Null: one window.
    /// </summary>
    public int? MaxContextTokens { get; init; }

    /// <summary>Parse <c>(words:1.3)</c>, <c>(words)</c>, <c>[words]</c> and scale embeddings by the weights; false reads brackets as text.</summary>
    public bool ParseAttention { get; init; } = true;

    /// <summary>
    /// Always return every allowed window (short prompts get windows holding only start and end tokens), for a denoiser
    /// that fixes its context length. False returns as many windows as the longest prompt of the call needs.
    /// </summary>
    public bool FillContext { get; init; }

    /// <summary>
    /// Options for a denoiser with <paramref name="capabilities"/>: a dynamic context allows
    /// <see cref="DynamicContextWindows"/> windows; a fixed context of M tokens allows ⌊(M − reserved) / window⌋ windows
    /// (at least 1) and fills them, where reserved is <paramref name="composedIdentityTokens"/> on the composed path
    /// (identity tokens appended to the text) and 0 for a denoiser with native identity inputs.
    /// </summary>
    /// <param name="capabilities">The denoiser's declared capabilities.</param>
    /// <param name="composedIdentityTokens">Identity tokens (K) the composed path appends to the text; 0 without a projector.</param>
    /// <param name="windowLength">The tokenizer's window length (77 for CLIP).</param>
    /// <param name="parseAttention">Whether to parse attention syntax.</param>
    public static OnnxTextEncoderOptions ForDenoiser(DenoiserCapabilities capabilities, int composedIdentityTokens = 0, int windowLength = ClipWindowLength, bool parseAttention = true)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentOutOfRangeException.ThrowIfNegative(composedIdentityTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowLength, 3);
        if (capabilities.MaxContextTokens is not int fixedTokens)
        {
            return new OnnxTextEncoderOptions { MaxContextTokens = DynamicContextWindows * windowLength, ParseAttention = parseAttention };
        }

        int reserved = capabilities.SupportsIdentityRegions ? 0 : composedIdentityTokens;
        int windows = Math.Max(1, (fixedTokens - reserved) / windowLength);
        return new OnnxTextEncoderOptions { MaxContextTokens = windows * windowLength, ParseAttention = parseAttention, FillContext = true };
    }

    /// <summary>Checks ranges.</summary>
    /// <exception cref="FaceStudioValidationException"><see cref="MaxContextTokens"/> is below 1.</exception>
    public void Validate()
    {
        if (MaxContextTokens is < 1)
        {
            throw new FaceStudioValidationException(nameof(MaxContextTokens),
                string.Create(CultureInfo.InvariantCulture, $"MaxContextTokens must be at least 1 (one window is always kept); got {MaxContextTokens}."));
        }
    }
}
