using System.Text;
using Microsoft.ML.Tokenizers;

namespace FaceStudio.Core.Text;

/// <summary>
/// CLIP's pre-tokenisation, the regular expression
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// written as a scanner over Unicode scalar values. A .NET regex sees UTF-16 code units, so a letter outside the Basic
/// Multilingual Plane (𝐀, 𠀀) would fall into the symbol class there; Python's <c>regex</c>, which CLIP uses, sees one
/// letter. Scanning runes keeps the two in agreement.
/// </summary>
internal sealed class ClipPreTokenizer : PreTokenizer
{
    internal const string StartOfText = "<|startoftext|>";
    internal const string EndOfText = "<|endoftext|>";

    /// <summary>The shared stateless instance.</summary>
    public static ClipPreTokenizer Instance { get; } = new();

    /// <inheritdoc />
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        return Split(text.AsSpan());
    }

    /// <inheritdoc />
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text);

    /// <summary>The (offset, length) of every piece, in order.</summary>
    public static List<(int Offset, int Length)> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int Offset, int Length)>();
        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text[i..], out Rune rune, out int width);
            if (Rune.IsWhiteSpace(rune))
            {
                i += width;
                continue;
            }

            int length = MatchAt(text, i, rune, width);
            pieces.Add((i, length));
            i += length;
        }

        return pieces;
    }

    // Tries the alternatives in the regex's order; the first that matches wins, as in a backtracking regex.
    private static int MatchAt(ReadOnlySpan<char> text, int start, Rune first, int firstWidth)
    {
        ReadOnlySpan<char> rest = text[start..];
        if (rest.StartsWith(StartOfText, StringComparison.Ordinal))
        {
            return StartOfText.Length;
        }

        if (rest.StartsWith(EndOfText, StringComparison.Ordinal))
        {
            return EndOfText.Length;
        }

        if (first.Value == '\'' && rest.Length >= 2)
        {
            int contraction = ContractionLength(rest);
            if (contraction > 0)
            {
                return contraction;
            }
        }

        if (Rune.IsLetter(first))
        {
            return RunLength(rest, static r => Rune.IsLetter(r));
        }

        if (Rune.IsNumber(first))
        {
            return firstWidth;
        }

        return RunLength(rest, static r => !Rune.IsWhiteSpace(r) && !Rune.IsLetter(r) && !Rune.IsNumber(r));
    }

    private static int ContractionLength(ReadOnlySpan<char> rest)
    {
        char a = rest[1];
        if (a is 's' or 't' or 'm' or 'd')
        {
            return 2;
        }

        if (rest.Length >= 3)
        {
            char b = rest[2];
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
            {
                return 3;
            }
        }

        return 0;
    }

    private static int RunLength(ReadOnlySpan<char> rest, Func<Rune, bool> belongs)
    {
        int i = 0;
        while (i < rest.Length)
        {
            Rune.DecodeFromUtf16(rest[i..], out Rune rune, out int width);
            if (!belongs(rune))
            {
                break;
            }

            i += width;
        }

        return i;
    }
}
