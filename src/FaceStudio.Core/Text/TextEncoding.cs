using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Text;

/// <summary>Output of a text encoder.</summary>
/// <param name="HiddenStates">Token embeddings [B, T, D].</param>
/// <param name="Pooled">Pooled embedding [B, D], when the model provides one.</param>
public sealed record TextEncoding(FloatTensor HiddenStates, FloatTensor? Pooled);
