using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>
/// One person as a caller gives them: reference photos to encode, or an embedding computed earlier (for example
/// loaded from a <c>facestudio.identity/1</c> file) that stands in for the photos.
/// </summary>
public sealed class IdentitySource
{
    private IdentitySource(IReadOnlyList<IdentityPhoto>? photos, IdentityEmbedding? embedding)
    {
        Photos = photos ?? [];
        Embedding = embedding;
    }

    /// <summary>The reference photos (empty when the source is an embedding).</summary>
    public IReadOnlyList<IdentityPhoto> Photos { get; }

    /// <summary>The precomputed embedding, when the source is one.</summary>
    public IdentityEmbedding? Embedding { get; }

    /// <summary>A person given by one or more photos.</summary>
    public static IdentitySource FromPhotos(params IdentityPhoto[] photos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        if (photos.Length == 0 || photos.Any(p => p is null))
        {
            throw new FaceStudioValidationException(nameof(photos), $"An identity needs at least one photo and no null entries, but {photos.Length} entries were given.");
        }

        return new IdentitySource([.. photos], null);
    }

    /// <summary>A person given by a precomputed embedding.</summary>
    public static IdentitySource FromEmbedding(IdentityEmbedding embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        return new IdentitySource(null, embedding);
    }

    /// <summary>A person given by an identity file written by <see cref="IdentityEmbeddingFile.Save(IdentityEmbedding, string)"/>.</summary>
    /// <exception cref="IdentityFileException">The file is not a valid identity document.</exception>
    public static IdentitySource FromFile(string path) => FromEmbedding(IdentityEmbeddingFile.Load(path));

    /// <summary>
    /// The embedding of this person: the precomputed one as is, or the photos encoded by <paramref name="encoder"/>.
    /// </summary>
    public Task<IdentityEmbedding> ResolveAsync(IIdentityEncoder encoder, FaceSelection? selection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return Embedding is not null ? Task.FromResult(Embedding) : encoder.EncodeAsync(Photos, selection, cancellationToken);
    }
}
