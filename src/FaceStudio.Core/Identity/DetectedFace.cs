using System.Numerics;

namespace FaceStudio.Core.Identity;

/// <summary>
/// One face found by an <see cref="IFaceDetector"/>: its box, confidence and the five landmarks that
/// alignment needs, all in pixel coordinates of the photo.
/// </summary>
public sealed class DetectedFace
{
    /// <summary>Number of landmarks: left eye, right eye, nose tip, left and right mouth corners (as seen in the image).</summary>
    public const int LandmarkCount = 5;

    private readonly Vector2[] _landmarks;

    /// <summary>Creates a detection; <paramref name="landmarks"/> must hold exactly <see cref="LandmarkCount"/> points.</summary>
    public DetectedFace(FaceBox box, float score, IReadOnlyList<Vector2> landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        if (landmarks.Count != LandmarkCount)
        {
            throw new ArgumentException($"A face needs {LandmarkCount} landmarks but {landmarks.Count} were given.", nameof(landmarks));
        }

        Box = box;
        Score = score;
        _landmarks = [.. landmarks];
    }

    /// <summary>The face box.</summary>
    public FaceBox Box { get; }

    /// <summary>Detector confidence in [0, 1].</summary>
    public float Score { get; }

    /// <summary>
    /// Left eye, right eye, nose tip, left mouth corner, right mouth corner (image left/right, InsightFace order).
    /// </summary>
    public IReadOnlyList<Vector2> Landmarks => _landmarks;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"face [{Box.X1:F1}, {Box.Y1:F1}, {Box.X2:F1}, {Box.Y2:F1}] score {Score:F3}");
}
