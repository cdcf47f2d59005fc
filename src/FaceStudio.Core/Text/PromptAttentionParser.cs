using System.Globalization;
using System.Text;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Text;

/// <summary>
/// Parses the attention syntax of the popular Stable Diffusion UIs (AUTOMATIC1111's <c>parse_prompt_attention</c>):
/// <c>(words)</c> multiplies by 1.1, <c>[words]</c> divides by 1.1, <c>(words:1.3)</c> multiplies by 1.3, brackets nest
/// (weights multiply), <c>\(</c> <c>\)</c> <c>\[</c> <c>\]</c> <c>\\</c> are literal characters.
/// </summary>
/// <remarks>
/// Unbalanced brackets behave as in that UI: an opening bracket never closed weights everything after it; a closing
/// bracket with nothing open is plain text. Adjacent fragments with equal weights are merged. Weights are computed in
/// double precision in the UI's order and then rounded to float. The <c>BREAK</c> keyword is not interpreted.
/// </remarks>
public static class PromptAttentionParser
{
    /// <summary>Multiplier of one pair of round brackets.</summary>
    public const double RoundBracketMultiplier = 1.1;

    /// <summary>Multiplier of one pair of square brackets.</summary>
    public const double SquareBracketMultiplier = 1 / 1.1;

    /// <summary>
    /// The largest weight magnitude a fragment may end with (nesting and explicit weights multiply). Larger weights
    /// overflow the weighted embeddings (float32) and would fail later inside the models.
    /// </summary>
    public const double MaxWeight = 100.0;

    /// <summary>Splits <paramref name="prompt"/> into fragments with their weights; never empty.</summary>
    /// <exception cref="FaceStudioValidationException">An explicit weight such as <c>(a:1.2.3)</c> is not a number, or a
    /// fragment's weight is not finite or its magnitude exceeds <see cref="MaxWeight"/>.</exception>
    public static IReadOnlyList<WeightedFragment> Parse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var texts = new List<string>();
        var weights = new List<double>();
        var round = new Stack<int>();
        var square = new Stack<int>();

        void MultiplyFrom(int start, double multiplier)
        {
            for (int p = start; p < weights.Count; p++)
            {
                weights[p] *= multiplier;
            }
        }

        void AddText(string text)
        {
            texts.Add(text);
            weights.Add(1.0);
        }

        int i = 0;
        while (i < prompt.Length)
        {
            char c = prompt[i];
            switch (c)
            {
                case '\\':
                    // "\x" for x in ( ) [ ] \ is that character; a lone backslash elsewhere is dropped, as in the UI.
                    if (i + 1 < prompt.Length && prompt[i + 1] is '(' or ')' or '[' or ']' or '\\')
                    {
                        AddText(prompt[i + 1].ToString());
                        i += 2;
                    }
                    else
                    {
                        AddText(string.Empty);
                        i++;
                    }

                    break;
                case '(':
                    round.Push(texts.Count);
                    i++;
                    break;
                case '[':
                    square.Push(texts.Count);
                    i++;
                    break;
                case ':':
                    if (round.Count > 0 && TryMatchWeight(prompt, i, out double weight, out int length))
                    {
                        MultiplyFrom(round.Pop(), weight);
                        i += length;
                    }
                    else
                    {
                        AddText(":");
                        i++;
                    }

                    break;
                case ')':
                    if (round.Count > 0)
                    {
                        MultiplyFrom(round.Pop(), RoundBracketMultiplier);
                    }
                    else
                    {
                        AddText(")");
                    }

                    i++;
                    break;
                case ']':
                    if (square.Count > 0)
                    {
                        MultiplyFrom(square.Pop(), SquareBracketMultiplier);
                    }
                    else
                    {
                        AddText("]");
                    }

                    i++;
                    break;
                default:
                    int end = prompt.AsSpan(i).IndexOfAny("\\()[]:");
                    end = end < 0 ? prompt.Length : i + end;
                    AddText(prompt[i..end]);
                    i = end;
                    break;
            }
        }

        // Brackets left open weight everything after them, applied in the order they were opened, as the UI does.
        foreach (int start in round.Reverse())
        {
            MultiplyFrom(start, RoundBracketMultiplier);
        }

        foreach (int start in square.Reverse())
        {
            MultiplyFrom(start, SquareBracketMultiplier);
        }

        return Merge(texts, weights);
    }

    // ":" then optional spaces, a number [+-]?[.\d]+, optional spaces, ")": the UI's `:\s*([+-]?[.\d]+)\s*\)`.
    private static bool TryMatchWeight(string prompt, int colon, out double weight, out int length)
    {
        weight = 0;
        length = 0;
        int j = colon + 1;
        while (j < prompt.Length && char.IsWhiteSpace(prompt[j]))
        {
            j++;
        }

        int numberStart = j;
        if (j < prompt.Length && prompt[j] is '+' or '-')
        {
            j++;
        }

        int digitsStart = j;
        while (j < prompt.Length && (char.IsAsciiDigit(prompt[j]) || prompt[j] == '.'))
        {
            j++;
        }

        if (j == digitsStart)
        {
            return false;
        }

        int numberEnd = j;
        while (j < prompt.Length && char.IsWhiteSpace(prompt[j]))
        {
            j++;
        }

        if (j >= prompt.Length || prompt[j] != ')')
        {
            return false;
        }

        string number = prompt[numberStart..numberEnd];
        if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out weight))
        {
            throw new FaceStudioValidationException("prompt",
                $"Prompt weight '{number}' at position {numberStart} is not a number; expected a decimal such as 1.3 in '(words:1.3)'.");
        }

        length = j + 1 - colon;
        return true;
    }

    private static List<WeightedFragment> Merge(List<string> texts, List<double> weights)
    {
        var result = new List<WeightedFragment>(texts.Count);
        if (texts.Count == 0)
        {
            result.Add(new WeightedFragment(string.Empty, 1f));
            return result;
        }

        var sb = new StringBuilder(texts[0]);
        double current = weights[0];
        for (int k = 1; k < texts.Count; k++)
        {
            // Exact equality, as the UI merges: weights reached by different products stay apart.
            if (weights[k] == current)
            {
                sb.Append(texts[k]);
                continue;
            }

            result.Add(Fragment(sb.ToString(), current));
            sb.Clear().Append(texts[k]);
            current = weights[k];
        }

        result.Add(Fragment(sb.ToString(), current));
        return result;
    }

    private static WeightedFragment Fragment(string text, double weight)
    {
        if (!(Math.Abs(weight) <= MaxWeight))
        {
            string shown = text.Length > 40 ? string.Concat(text.AsSpan(0, 40), "…") : text;
            throw new FaceStudioValidationException("prompt", string.Create(CultureInfo.InvariantCulture,
                $"Prompt weight of '{shown}' must be finite and within [-{MaxWeight}, {MaxWeight}] (nested brackets and explicit weights multiply) but is {weight:G6}."));
        }

        return new WeightedFragment(text, (float)weight);
    }
}
