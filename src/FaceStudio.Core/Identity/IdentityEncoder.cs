using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// The standard <see cref="IIdentityEncoder"/>: an <see cref="IFaceDetector"/>, InsightFace's <c>norm_crop</c>
/// alignment (<see cref="FaceAligner"/>) and an <see cref="IFaceEmbedder"/>, all crops embedded in one batch.
/// </summary>
public sealed partial class IdentityEncoder : IIdentityEncoder
{
    private readonly IFaceDetector _detector;
    private readonly IFaceEmbedder _embedder;
    private readonly IdentityEncoderOptions _options;
    private readonly ILogger<IdentityEncoder> _logger;

    /// <summary>Composes a detector and an embedder.</summary>
    public IdentityEncoder(IFaceDetector detector, IFaceEmbedder embedder, IdentityEncoderOptions? options = null, ILogger<IdentityEncoder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(embedder);
        options ??= new IdentityEncoderOptions();
        options.Validate();
        _detector = detector;
        _embedder = embedder;
        _options = options;
        _logger = logger ?? NullLogger<IdentityEncoder>.Instance;
    }

    /// <inheritdoc />
    public async Task<IdentityEmbedding> EncodeAsync(IReadOnlyList<IdentityPhoto> photos, FaceSelection? selection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photos);
        if (photos.Count == 0)
        {
            throw new FaceStudioValidationException(nameof(photos), "An identity needs at least one reference photo, but none was given.");
        }

        selection ??= _options.Selection;
        var crops = new List<RgbImage>(photos.Count);
        var reports = new List<FaceReport>(photos.Count);
        foreach (var photo in photos)
        {
            ArgumentNullException.ThrowIfNull(photo);
            var faces = await _detector.DetectAsync(photo.Image, cancellationToken).ConfigureAwait(false);
            if (faces.Count == 0)
            {
                throw NoFace(photo.Name);
            }

            int index = selection.Pick(faces);
            if (index < 0)
            {
                throw new FaceNotFoundException(photo.Name, $"Photo '{photo.Name}': expected {selection}, but only {faces.Count} face(s) were found.");
            }

            reports.Add(Report(photo.Name, faces, index));
            crops.Add(FaceAligner.Crop(photo.Image, faces[index], _embedder.InputSize));
        }

        var rows = await EmbedAsync(crops, cancellationToken).ConfigureAwait(false);
        return IdentityEmbedding.Average(rows, reports);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IdentityEmbedding>> EncodeEachFaceAsync(IdentityPhoto photo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var faces = await _detector.DetectAsync(photo.Image, cancellationToken).ConfigureAwait(false);
        if (faces.Count == 0)
        {
            throw NoFace(photo.Name);
        }

        var crops = new List<RgbImage>(faces.Count);
        var reports = new List<FaceReport>(faces.Count);
        for (int i = 0; i < faces.Count; i++)
        {
            reports.Add(Report(photo.Name, faces, i));
            crops.Add(FaceAligner.Crop(photo.Image, faces[i], _embedder.InputSize));
        }

        var rows = await EmbedAsync(crops, cancellationToken).ConfigureAwait(false);
        var identities = new IdentityEmbedding[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            identities[i] = IdentityEmbedding.Average([rows[i]], [reports[i]]);
        }

        return identities;
    }

    /// <summary>Embeds aligned crops and splits the [N, D] result into rows, checking the embedder's contract.</summary>
    internal async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<RgbImage> crops, CancellationToken cancellationToken)
    {
        var tensor = await _embedder.EmbedAsync(crops, cancellationToken).ConfigureAwait(false);
        if (tensor.Rank != 2 || tensor.Dim(0) != crops.Count || tensor.Dim(1) != _embedder.Dimension)
        {
            throw new ModelContractException($"The face embedder must return [{crops.Count}, {_embedder.Dimension}] embeddings, but returned {tensor}.");
        }

        int dim = tensor.Dim(1);
        var rows = new float[crops.Count][];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = tensor.Buffer.AsSpan(i * dim, dim).ToArray();
        }

        return rows;
    }

    private FaceReport Report(string source, IReadOnlyList<DetectedFace> faces, int index)
    {
        var face = faces[index];
        bool small = face.Box.ShortSide < _options.MinimumFaceSize;
        if (small)
        {
            LogSmallFace(_logger, source, index, face.Box.ShortSide, _options.MinimumFaceSize);
        }

        var landmarks = new float[DetectedFace.LandmarkCount * 2];
        for (int p = 0; p < DetectedFace.LandmarkCount; p++)
        {
            landmarks[2 * p] = face.Landmarks[p].X;
            landmarks[(2 * p) + 1] = face.Landmarks[p].Y;
        }

        return new FaceReport(source, index, faces.Count, face.Box, face.Score, landmarks, small);
    }

    private static FaceNotFoundException NoFace(string name) =>
        new(name, $"Photo '{name}': expected at least one face, but the detector found none.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Photo '{Photo}': face #{Index} is {Size:F0} px on its shorter side, below the {Minimum:F0} px minimum; its identity embedding may be unreliable.")]
    private static partial void LogSmallFace(ILogger logger, string photo, int index, float size, float minimum);
}
