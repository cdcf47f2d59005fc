using System.Numerics.Tensors;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>
/// One person's identity signal <c>e_f</c>: the L2-normalised mean of the normalised ArcFace embeddings of their
/// reference faces, and a report of the faces it came from.
/// </summary>
public sealed class IdentityEmbedding
{
    private readonly float[] _vector;

    /// <summary>Wraps a vector that is already unit length (within 1e-3) and a report of its sources.</summary>
    public IdentityEmbedding(float[] vector, IReadOnlyList<FaceReport> faces)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(faces);
        CheckUnit(vector, nameof(vector));
        _vector = (float[])vector.Clone();
        Faces = faces;
    }

    /// <summary>The unit-length embedding.</summary>
    public ReadOnlySpan<float> Vector => _vector;

    /// <summary>Embedding length (512 for ArcFace).</summary>
    public int Dimension => _vector.Length;

    /// <summary>The faces averaged into this identity (empty when it was given as a precomputed vector).</summary>
    public IReadOnlyList<FaceReport> Faces { get; }

    /// <summary>A copy of the vector.</summary>
    public float[] ToArray() => (float[])_vector.Clone();

    /// <summary>
    /// An identity from a precomputed embedding (for example one saved earlier); it is L2-normalised here.
    /// </summary>
    public static IdentityEmbedding FromVector(ReadOnlySpan<float> embedding, IReadOnlyList<FaceReport>? faces = null)
    {
        var v = embedding.ToArray();
        Normalize(v, "embedding");
        return new IdentityEmbedding(v, faces ?? []);
    }

    /// <summary>
    /// Averages unit embeddings (rows of <paramref name="embeddings"/>, each normalised first) and renormalises:
    /// the paper's and IP-Adapter-FaceID's recipe for several photos of one person.
    /// </summary>
    public static IdentityEmbedding Average(IReadOnlyList<float[]> embeddings, IReadOnlyList<FaceReport> faces)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count == 0)
        {
            throw new FaceStudioValidationException(nameof(embeddings), "Averaging an identity needs at least one embedding, but none was given.");
        }

        int dim = embeddings[0].Length;
        var sum = new float[dim];
        var row = new float[dim];
        foreach (var e in embeddings)
        {
            if (e.Length != dim)
            {
                throw new FaceStudioValidationException(nameof(embeddings), $"All embeddings must have {dim} values, but one has {e.Length}.");
            }

            e.CopyTo(row, 0);
            Normalize(row, "embedding");
            TensorPrimitives.Add(sum, row, sum);
        }

        // Dividing by the count before renormalising changes nothing but keeps the mean explicit.
        TensorPrimitives.Divide(sum, embeddings.Count, sum);
        Normalize(sum, "mean embedding");
        return new IdentityEmbedding(sum, faces);
    }

    /// <summary>
    /// Mixes several people into one face, the paper's <c>e_f = Σ β_k e_f^k</c>, renormalised to unit length because
    /// projectors take L2-normalised ArcFace embeddings. Weights may be any finite values whose mix is non-zero.
    /// </summary>
    public static IdentityEmbedding Mix(IReadOnlyList<(IdentityEmbedding Identity, float Weight)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new FaceStudioValidationException(nameof(parts), "Mixing identities needs at least one identity, but none was given.");
        }

        int dim = parts[0].Identity.Dimension;
        var sum = new float[dim];
        var faces = new List<FaceReport>();
        foreach (var (identity, weight) in parts)
        {
            ArgumentNullException.ThrowIfNull(identity);
            if (identity.Dimension != dim || !float.IsFinite(weight))
            {
                throw new FaceStudioValidationException(nameof(parts), $"Mixed identities must all have {dim} values and finite weights, but one has {identity.Dimension} values and weight {weight}.");
            }

            TensorPrimitives.MultiplyAdd(identity._vector, weight, sum, sum);
            faces.AddRange(identity.Faces);
        }

        Normalize(sum, "mixed embedding");
        return new IdentityEmbedding(sum, faces);
    }

    internal static void Normalize(Span<float> v, string what)
    {
        float norm = TensorPrimitives.Norm(v);
        if (!(norm > 0f) || !float.IsFinite(norm))
        {
            throw new FaceStudioValidationException(what, $"The {what} must be finite and non-zero to normalise, but its L2 norm is {norm}.");
        }

        TensorPrimitives.Divide(v, norm, v);
    }

    private static void CheckUnit(ReadOnlySpan<float> v, string parameter)
    {
        if (v.Length == 0)
        {
            throw new FaceStudioValidationException(parameter, "An identity embedding needs at least one value, but it is empty.");
        }

        float norm = TensorPrimitives.Norm(v);
        if (!float.IsFinite(norm) || Math.Abs(norm - 1f) > 1e-3f)
        {
            throw new FaceStudioValidationException(parameter, $"An identity embedding must be unit length (L2 norm 1 ± 1e-3), but its norm is {norm}.");
        }
    }
}
