using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Identity;

/// <summary>
/// The paper's identity metric: ArcFace cosine similarity between an identity and each face found in a generated image.
/// </summary>
public sealed class IdentitySimilarity
{
    private readonly IFaceDetector _detector;
    private readonly IFaceEmbedder _embedder;

    /// <summary>Uses the same detector and embedder as identity encoding.</summary>
    public IdentitySimilarity(IFaceDetector detector, IFaceEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(embedder);
        _detector = detector;
        _embedder = embedder;
    }

    /// <summary>Cosine similarity of two embeddings of equal length.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            throw new FaceStudioValidationException(nameof(b), $"Cosine similarity needs two non-empty embeddings of equal length, but got {a.Length} and {b.Length} values.");
        }

        return TensorPrimitives.CosineSimilarity(a, b);
    }

    /// <summary>
    /// Detects every face in <paramref name="generated"/>, embeds each and scores it against <paramref name="identity"/>.
    /// </summary>
    /// <returns>One entry per face in detector order; empty when the image has no face.</returns>
    public async Task<IReadOnlyList<FaceSimilarity>> ScoreAsync(IdentityEmbedding identity, RgbImage generated, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(generated);
        if (identity.Dimension != _embedder.Dimension)
        {
            throw new FaceStudioValidationException(nameof(identity), $"The identity has {identity.Dimension} values but the face embedder produces {_embedder.Dimension}.");
        }

        var faces = await _detector.DetectAsync(generated, cancellationToken).ConfigureAwait(false);
        if (faces.Count == 0)
        {
            return [];
        }

        var crops = faces.Select(f => FaceAligner.Crop(generated, f, _embedder.InputSize)).ToArray();
        var tensor = await _embedder.EmbedAsync(crops, cancellationToken).ConfigureAwait(false);
        int dim = _embedder.Dimension;
        if (tensor.Rank != 2 || tensor.Dim(0) != faces.Count || tensor.Dim(1) != dim)
        {
            throw new ModelContractException($"The face embedder must return [{faces.Count}, {dim}] embeddings, but returned {tensor}.");
        }

        var results = new FaceSimilarity[faces.Count];
        for (int i = 0; i < faces.Count; i++)
        {
            results[i] = new FaceSimilarity(faces[i], Cosine(identity.Vector, tensor.Buffer.AsSpan(i * dim, dim)));
        }

        return results;
    }
}
