using FaceStudio.Core.Imaging;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Identity;

/// <summary>Output of an <see cref="IImageEncoder"/>.</summary>
/// <param name="ImageEmbeds">Projected image embeddings [B, E] (<c>image_embeds</c>), as the model returns them.</param>
/// <param name="HiddenStates">Last hidden states [B, T, H] when the model exposes them (IP-Adapter Plus style projectors use them).</param>
public sealed record ImageEncoding(FloatTensor ImageEmbeds, FloatTensor? HiddenStates);
