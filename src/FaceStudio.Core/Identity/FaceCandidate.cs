using System.Numerics;

namespace FaceStudio.Core.Identity;

/// <summary>
/// A face proposed by a BlazeFace-style detector, before landmark refinement: its box, score and the detector's six
/// keypoints (subject's right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion; the first
/// on the image's left), all in photo pixels with pixel edges on integers (a pixel's centre at <c>x + 0.5</c>).
/// </summary>
public sealed class FaceCandidate
{
    /// <summary>Number of BlazeFace keypoints.</summary>
    public const int KeypointCount = 6;

    private readonly Vector2[] _keypoints;

    /// <summary>Creates a candidate; <paramref name="keypoints"/> must hold exactly <see cref="KeypointCount"/> points.</summary>
    public FaceCandidate(FaceBox box, float score, IReadOnlyList<Vector2> keypoints)
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

    /// <summary>The face box.</summary>
    public FaceBox Box { get; }

    /// <summary>Detector confidence in [0, 1].</summary>
    public float Score { get; }

    /// <summary>The six keypoints (see the type's summary for their order).</summary>
    public IReadOnlyList<Vector2> Keypoints => _keypoints;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"candidate [{Box.X1:F1}, {Box.Y1:F1}, {Box.X2:F1}, {Box.Y2:F1}] score {Score:F3}");
}
