using System.Globalization;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// One identity slot of a request: usually one person's embedding; several weighted embeddings mix people into one
/// face (<c>e_f = Σ β_k e_f^k</c>).
/// </summary>
/// <param name="Components">One or more embeddings with their weights β.</param>
/// <param name="Scale">Strength s of this identity in [0, 4] (IP-Adapter scale); 1 is the trained strength.</param>
public sealed record IdentityGuidance(IReadOnlyList<WeightedEmbedding> Components, float Scale = 1f)
{
    /// <summary>Largest accepted per-identity scale.</summary>
    public const float MaxScale = 4f;

    /// <summary>One person, weight 1.</summary>
    public static IdentityGuidance Single(ReadOnlyMemory<float> embedding, float scale = 1f) => new([new WeightedEmbedding(embedding, 1f)], scale);
}
