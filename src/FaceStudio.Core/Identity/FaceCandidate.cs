using System.Numerics;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// A face proposed by a BlazeFace-style detector, before landmark refinement: its box, score and the detector's six
/// keypoints (subject's right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion; the first
/// on the image's left), all in photo pixels with pixel edges on integers (a pixel's centre at <c>x + 0.5</c>).
/// </summary>
/// <remarks>
/// Not a <see cref="DetectedFace"/>: a candidate is the first stage's output (<see cref="BlazeFaceDecoder"/>,
/// <see cref="WeightedNonMaximumSuppression"/>) and carries BlazeFace's six coarse keypoints, which only place the
/// crop for the landmark stage (<see cref="IFaceLandmarker"/>, <see cref="FaceMeshGeometry"/>). A
/// <see cref="DetectedFace"/> is what an <see cref="IFaceDetector"/> returns at the end: the five InsightFace
/// alignment landmarks (eyes, nose, mouth corners) the embedder aligns on. Both use the same
/// <see cref="Regions.RegionBox"/>.
/// </remarks>
public sealed class FaceCandidate
{
    /// <summary>Number of BlazeFace keypoints.</summary>
    public const int KeypointCount = 6;

    private readonly Vector2[] _keypoints;

    /// <summary>Creates a candidate; <paramref name="keypoints"/> must hold exactly <see cref="KeypointCount"/> points.</summary>
    public FaceCandidate(RegionBox box, float score, IReadOnlyList<Vector2> keypoints)
    {
        ArgumentNullException.ThrowIfNull(keypoints);
        if (keypoints.Count != KeypointCount)
        {
            throw new ArgumentException($"A face candidate needs {KeypointCount} keypoints but {keypoints.Count} were given.", nameof(keypoints));
        }

        Box = box;
        Score = score;
        _keypoints = [.. keypoints];
    }

    /// <summary>The face box in photo pixels (corners as the detector decoded them; not clamped to the image).</summary>
    public RegionBox Box { get; }

    /// <summary>Detector confidence in [0, 1].</summary>
    public float Score { get; }

    /// <summary>The six keypoints (see the type's summary for their order).</summary>
    public IReadOnlyList<Vector2> Keypoints => _keypoints;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"candidate [{Box.X:F1}, {Box.Y:F1}, {Box.Right:F1}, {Box.Bottom:F1}] score {Score:F3}");
}
