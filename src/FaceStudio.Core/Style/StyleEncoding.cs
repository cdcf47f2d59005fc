using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Style;

/// <summary>Output of an <see cref="IStyleEncoder"/>.</summary>
/// <param name="ImageEmbeds">Projected image embeddings [B, E] (<c>image_embeds</c>), as the model returns them.</param>
/// <param name="HiddenStates">Last hidden states [B, T, H] when the model exposes them (IP-Adapter Plus style projectors use them).</param>
public sealed record StyleEncoding(FloatTensor ImageEmbeds, FloatTensor? HiddenStates);
