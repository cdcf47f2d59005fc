using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace FaceStudio.Core.Text;

/// <summary>
/// CLIP's <c>basic_clean</c> + <c>whitespace_clean</c> + lower-casing: a small ftfy-like repair (NFC, curly quotes,
/// Latin ligatures, full-width ASCII, control characters), HTML entities unescaped twice, runs of whitespace collapsed
/// to one space, trimmed, lower-cased (invariant culture).
/// </summary>
internal sealed class ClipTextNormalizer : Normalizer
{
    /// <summary>The shared stateless instance.</summary>
    public static ClipTextNormalizer Instance { get; } = new();

    /// <inheritdoc />
    public override string Normalize(string original) => Clean(original);

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> original) => Clean(original.ToString());

    /// <summary>Applies the whole cleaning chain.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return text;
        }

        string repaired = FixText(text);
        // CLIP unescapes twice so that double-escaped entities ("&amp;lt;") come out as the character.
        string unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(repaired));
        return CollapseWhitespaceAndLower(unescaped);
    }

    // The parts of ftfy.fix_text (default settings) that change real prompts; mojibake repair is left out.
    private static string FixText(string text)
    {
        string nfc = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        StringBuilder? sb = null;
        for (int i = 0; i < nfc.Length; i++)
        {
            char c = nfc[i];
            string? replacement = Replace(c);
            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(nfc.Length).Append(nfc, 0, i);
            sb.Append(replacement);
        }

        return sb?.ToString() ?? nfc;
    }

    private static string? Replace(char c) => c switch
    {
        '\u2018' or '\u2019' or '\u201A' or '\u201B' => "'",
        '\u201C' or '\u201D' or '\u201E' or '\u201F' => "\"",
        '\uFB00' => "ff",
        '\uFB01' => "fi",
        '\uFB02' => "fl",
        '\uFB03' => "ffi",
        '\uFB04' => "ffl",
        '\uFB05' or '\uFB06' => "st",
        '\u3000' => " ",
        >= '\uFF01' and <= '\uFF5E' => ((char)(c - 0xFEE0)).ToString(),
        // Control characters other than whitespace are dropped, as ftfy does.
        _ when char.IsControl(c) && !char.IsWhiteSpace(c) => string.Empty,
        _ => null,
    };

    private static string CollapseWhitespaceAndLower(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(rune.ToString());
        }

        return sb.ToString().ToLower(CultureInfo.InvariantCulture);
    }
}
