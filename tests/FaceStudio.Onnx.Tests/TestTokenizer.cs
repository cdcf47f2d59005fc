using FaceStudio.Core.Text;

namespace FaceStudio.Onnx.Tests;

/// <summary>A tiny tokenizer for tests: one id per character (code point + 1), start 49406, end/pad 49407.</summary>
internal sealed class TestTokenizer(int maxLength) : ITokenizer
{
    public int MaxLength { get; } = maxLength;

    public int StartTokenId => 49406;

    public int EndTokenId => 49407;

    public int PadTokenId => 49407;

    public IReadOnlyList<int> EncodeContent(string text) => text.Select(c => c + 1).ToArray();

    public TokenizedText Tokenize(string text)
    {
        IReadOnlyList<int> content = EncodeContent(text);
        int kept = Math.Min(content.Count, MaxLength - 2);
        var ids = new int[MaxLength];
        var mask = new int[MaxLength];
        ids[0] = StartTokenId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = content[i];
        }

        ids[kept + 1] = EndTokenId;
        for (int i = kept + 2; i < MaxLength; i++)
        {
            ids[i] = PadTokenId;
        }

        for (int i = 0; i < kept + 2; i++)
        {
            mask[i] = 1;
        }

        return new TokenizedText(ids, mask, kept + 2, kept < content.Count);
    }
}
