using System.Globalization;

namespace FaceStudio.Core.Guidance;

/// <summary>One face embedding with its mixing weight β.</summary>
/// <param name="Embedding">ArcFace embedding (any norm; it is L2-normalised before mixing).</param>
/// <param name="Weight">β ≥ 0.</param>
public readonly record struct WeightedEmbedding(ReadOnlyMemory<float> Embedding, float Weight);
