namespace FaceStudio.Core.Text;

/// <summary>One tokenized sequence.</summary>
/// <param name="InputIds">Exactly <see cref="ITokenizer.MaxLength"/> ids.</param>
/// <param name="AttentionMask">1 for start, content and end positions, 0 for padding.</param>
/// <param name="TokenCount">Number of non-padding positions (start and end included).</param>
/// <param name="Truncated">True when content was cut to fit.</param>
public sealed record TokenizedText(int[] InputIds, int[] AttentionMask, int TokenCount, bool Truncated);
