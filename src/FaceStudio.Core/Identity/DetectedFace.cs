using System.Numerics;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// One face found by an <see cref="IFaceDetector"/>: its box, confidence and the five landmarks that
/// alignment needs, all in pixel coordinates of the photo.
/// </summary>
/// <remarks>
/// The final result of detection, what alignment and embedding consume. A BlazeFace-style detector first finds
/// <see cref="FaceCandidate"/>s (six coarse BlazeFace keypoints, used only to place the landmark crop) and turns each
/// into a <see cref="DetectedFace"/> once the landmark stage has given the five alignment landmarks; SCRFD gives
/// these directly. Both use the same <see cref="Regions.RegionBox"/>.
/// </remarks>
public sealed class DetectedFace
{
    /// <summary>Number of landmarks: left eye, right eye, nose tip, left and right mouth corners (as seen in the image).</summary>
    public const int LandmarkCount = 5;

    private readonly Vector2[] _landmarks;

    /// <summary>Creates a detection; <paramref name="landmarks"/> must hold exactly <see cref="LandmarkCount"/> points.</summary>
    public DetectedFace(RegionBox box, float score, IReadOnlyList<Vector2> landmarks)
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

    /// <summary>The face box in photo pixels (corners as the detector decoded them; not clamped to the image).</summary>
    public RegionBox Box { get; }

    /// <summary>Detector confidence in [0, 1].</summary>
    public float Score { get; }

    /// <summary>
    /// Left eye, right eye, nose tip, left mouth corner, right mouth corner (image left/right, InsightFace order).
    /// </summary>
    public IReadOnlyList<Vector2> Landmarks => _landmarks;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"face [{Box.X:F1}, {Box.Y:F1}, {Box.Right:F1}, {Box.Bottom:F1}] score {Score:F3}");
}
