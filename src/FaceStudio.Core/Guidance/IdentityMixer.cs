using System.Numerics.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>Identity mixing, <c>e_f = Σ_k β_k · e_f^k / ‖e_f^k‖</c>: each component is L2-normalised, then mixed linearly.</summary>
/// <remarks>
/// The mix is not renormalised: the paper's mixing is linear, so a 50/50 mix of two people sits between them,
/// and a projector that is affine maps it to the same mix of their tokens when Σβ = 1.
/// </remarks>
public static class IdentityMixer
{
    /// <summary>Writes the mixed embedding of <paramref name="identity"/> into <paramref name="destination"/>.</summary>
    public static void Mix(IdentityGuidance identity, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(identity);
        destination.Clear();
        foreach (WeightedEmbedding component in identity.Components)
        {
            ReadOnlySpan<float> e = component.Embedding.Span;
            if (e.Length != destination.Length)
            {
                throw new ArgumentException($"Embedding holds {e.Length} values but the destination holds {destination.Length}.", nameof(identity));
            }

            float norm = TensorPrimitives.Norm(e);
            TensorPrimitives.MultiplyAdd(e, component.Weight / norm, destination, destination);
        }
    }
}
