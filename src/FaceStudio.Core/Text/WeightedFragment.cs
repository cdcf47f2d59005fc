using System.Globalization;
using System.Text;

namespace FaceStudio.Core.Text;

/// <summary>One piece of a prompt and the attention weight its tokens get.</summary>
/// <param name="Text">The text, brackets and escapes removed.</param>
/// <param name="Weight">Multiplier for the embeddings of this text's tokens (1 = unchanged).</param>
public readonly record struct WeightedFragment(string Text, float Weight);
