using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// Maps identity embeddings (and, for FaceStudio, a CLIP-image-space embedding) to guidance tokens: the FaceStudio
/// Linear <c>W[e_h ‖ e_f]</c> or the IP-Adapter-FaceID projection of an ArcFace embedding.
/// </summary>
/// <remarks>Contract: <c>face_embeds [N, 512]</c> and <c>image_embeds [N, E]</c> → <c>tokens [N, K, D]</c>.</remarks>
public interface IGuidanceProjector
{
    /// <summary>Width of each face embedding (512 for ArcFace).</summary>
    int FaceEmbeddingDim { get; }

    /// <summary>Width E of the image-space embedding; 0 when the projector takes face embeddings only (IP-Adapter-FaceID).</summary>
    int ImageEmbeddingDim { get; }

    /// <summary>Guidance tokens produced per row (K).</summary>
    int TokensPerIdentity { get; }

    /// <summary>Width of each guidance token (D, the denoiser's context width).</summary>
    int TokenDim { get; }

    /// <summary>Projects all rows in one run.</summary>
    /// <param name="faceEmbeddings">[N, <see cref="FaceEmbeddingDim"/>].</param>
    /// <param name="imageEmbeddings">[N, <see cref="ImageEmbeddingDim"/>]; null when <see cref="ImageEmbeddingDim"/> is 0.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Tokens [N, K, D].</returns>
    Task<FloatTensor> ProjectAsync(FloatTensor faceEmbeddings, FloatTensor? imageEmbeddings, CancellationToken cancellationToken = default);
}
