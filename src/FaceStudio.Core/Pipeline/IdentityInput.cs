using FaceStudio.Core.Identity;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Pipeline;

/// <summary>One person: reference photos or a precomputed embedding, with an optional region and strength.</summary>
public sealed record IdentityInput
{
    /// <summary>Reference photos of the person (one or more); their embeddings are averaged.</summary>
    public IReadOnlyList<IdentityPhoto> Photos { get; init; } = [];

    /// <summary>A precomputed embedding (e.g. loaded from an identity JSON file) standing in for photos.</summary>
    public IdentityEmbedding? Embedding { get; init; }

    /// <summary>Where the person goes; null for a single identity means the whole picture.</summary>
    public IdentityRegion? Region { get; init; }

    /// <summary>Strength of this identity in [0, 4].</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Which face to take from photos with several faces.</summary>
    public FaceSelection? Selection { get; init; }

    /// <summary>An identity from photos.</summary>
    public static IdentityInput FromPhotos(params IdentityPhoto[] photos) => new() { Photos = photos };

    /// <summary>An identity from an embedding.</summary>
    public static IdentityInput FromEmbedding(IdentityEmbedding embedding) => new() { Embedding = embedding };

    /// <summary>An identity from a file written by <see cref="IdentityEmbeddingFile.Save(IdentityEmbedding, string)"/>.</summary>
    /// <exception cref="IdentityFileException">The file is not a valid identity document.</exception>
    public static IdentityInput FromFile(string path) => FromEmbedding(IdentityEmbeddingFile.Load(path));

    /// <summary>
    /// The embedding of this person: the precomputed one as is, or the photos encoded by <paramref name="encoder"/>
    /// (taking the face that <see cref="Selection"/> picks).
    /// </summary>
    public Task<IdentityEmbedding> ResolveAsync(IIdentityEncoder encoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return Embedding is not null ? Task.FromResult(Embedding) : encoder.EncodeAsync(Photos, Selection, cancellationToken);
    }
}
