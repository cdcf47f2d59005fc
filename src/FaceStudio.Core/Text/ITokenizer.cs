namespace FaceStudio.Core.Text;

/// <summary>Turns text into the fixed-length id sequence a text encoder consumes.</summary>
public interface ITokenizer
{
    /// <summary>Positions per sequence, start and end tokens included (77 for CLIP).</summary>
    int MaxLength { get; }

    /// <summary>The start-of-text id (49406 for CLIP).</summary>
    int StartTokenId { get; }

    /// <summary>The end-of-text id (49407 for CLIP).</summary>
    int EndTokenId { get; }

    /// <summary>The id that fills positions after the end token.</summary>
    int PadTokenId { get; }

    /// <summary>
    /// Tokenizes <paramref name="text"/> into exactly <see cref="MaxLength"/> ids: start token, content
    /// (truncated so that the end token always fits), end token, padding.
    /// </summary>
    TokenizedText Tokenize(string text);

    /// <summary>The content ids of <paramref name="text"/>, without start, end or padding, never truncated.</summary>
    IReadOnlyList<int> EncodeContent(string text);
}
