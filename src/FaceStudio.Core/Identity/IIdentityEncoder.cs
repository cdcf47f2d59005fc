namespace FaceStudio.Core.Identity;

/// <summary>
/// Reference photos of a person to that person's identity embedding: detect, pick a face, align, embed, average.
/// </summary>
public interface IIdentityEncoder
{
    /// <summary>
    /// Encodes several photos of one person into one identity: the mean of their normalised face embeddings, renormalised.
    /// </summary>
    /// <param name="photos">One or more photos of the same person.</param>
    /// <param name="selection">Which face to take from a photo with several; <see langword="null"/> uses the encoder's default.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="FaceNotFoundException">A photo has no face (or not the face index asked for); the message names the photo.</exception>
    Task<IdentityEmbedding> EncodeAsync(IReadOnlyList<IdentityPhoto> photos, FaceSelection? selection = null, CancellationToken cancellationToken = default);

    /// <summary>Encodes every face in one photo as its own identity, in detector order (best score first).</summary>
    /// <param name="photo">A photo of one or more people.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="FaceNotFoundException">The photo has no face.</exception>
    Task<IReadOnlyList<IdentityEmbedding>> EncodeEachFaceAsync(IdentityPhoto photo, CancellationToken cancellationToken = default);
}
