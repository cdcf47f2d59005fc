using System.Numerics;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Geometry of MediaPipe's face-landmark stage: the square crop around a <see cref="FaceCandidate"/> (centre = box
/// centre, side = 1.5 × the box's longer side, rotated so the eye line is level), the mapping of FaceMesh's 468 points
/// back to photo pixels, and the five alignment points taken from the mesh (eye centres = means of points 33/133 and
/// 362/263, nose tip 1, mouth corners 61 and 291; image-left first, InsightFace's order).
/// </summary>
public static class FaceMeshGeometry
{
    /// <summary>Number of FaceMesh landmarks.</summary>
    public const int MeshPointCount = 468;

    /// <summary>Crop side as a multiple of the detector box's longer side.</summary>
    public const float CropScale = 1.5f;

    /// <summary>
    /// The transform from photo to crop coordinates, both with pixel edges on integers (continuous coordinates).
    /// </summary>
    /// <param name="candidate">The detected face.</param>
    /// <param name="cropSize">Side of the square crop in pixels (192 for FaceMesh).</param>
    public static SimilarityTransform PhotoToCrop(FaceCandidate candidate, int cropSize)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cropSize);
        var box = candidate.Box;
        float side = CropScale * Math.Max(box.Width, box.Height);
        if (!(side > 0f) || !float.IsFinite(side))
        {
            throw new FaceStudioValidationException(nameof(candidate), $"A face crop needs a box with a positive, finite size, but the box is {box}.");
        }

        double cx = (box.X + box.Right) / 2.0, cy = (box.Y + box.Bottom) / 2.0;
        Vector2 eyes = candidate.Keypoints[1] - candidate.Keypoints[0];
        double angle = Math.Atan2(eyes.Y, eyes.X);
        double scale = cropSize / (double)side;

        // Rotate by −angle about the centre, scale to the crop, move the centre to the crop's centre.
        double a = scale * Math.Cos(-angle), b = scale * Math.Sin(-angle);
        double half = cropSize / 2.0;
        return new SimilarityTransform(a, b, half - ((a * cx) - (b * cy)), half - ((b * cx) + (a * cy)));
    }

    /// <summary>
    /// Converts a transform between continuous coordinates (pixel edges on integers) into the one between pixel-centre
    /// coordinates (<c>cv2.warpAffine</c>'s convention, pixel centres on integers) that <see cref="FaceAligner.Warp"/> takes.
    /// </summary>
    public static SimilarityTransform ToPixelCentres(SimilarityTransform continuous)
    {
        // T'(p) = T(p + ½) − ½.
        var (x, y) = continuous.Apply(0.5, 0.5);
        return continuous with { Tx = x - 0.5, Ty = y - 0.5 };
    }

    /// <summary>Maps FaceMesh's output (468 × (x, y, z) in crop pixels) to photo pixels; z is scaled like x and y.</summary>
    /// <param name="mesh">The model's 1404 values for one face.</param>
    /// <param name="photoToCrop">The transform the crop was cut with (<see cref="PhotoToCrop"/>).</param>
    /// <param name="destination">Receives 468 points.</param>
    public static void MeshToPhoto(ReadOnlySpan<float> mesh, SimilarityTransform photoToCrop, Span<Vector3> destination)
    {
        if (mesh.Length != MeshPointCount * 3)
        {
            throw new ModelContractException($"FaceMesh output must hold {MeshPointCount}×3 = {MeshPointCount * 3} values per face, but it holds {mesh.Length}.");
        }

        if (destination.Length != MeshPointCount)
        {
            throw new ArgumentException($"The destination must hold {MeshPointCount} points, but it holds {destination.Length}.", nameof(destination));
        }

        var back = photoToCrop.Invert();
        float zScale = (float)back.Scale;
        for (int i = 0; i < MeshPointCount; i++)
        {
            var (x, y) = back.Apply(mesh[3 * i], mesh[(3 * i) + 1]);
            destination[i] = new Vector3((float)x, (float)y, mesh[(3 * i) + 2] * zScale);
        }
    }

    /// <summary>The five alignment points from a mesh in photo pixels, in <see cref="DetectedFace.Landmarks"/> order.</summary>
    public static Vector2[] FivePoints(ReadOnlySpan<Vector3> mesh)
    {
        if (mesh.Length != MeshPointCount)
        {
            throw new ArgumentException($"A face mesh has {MeshPointCount} points, but {mesh.Length} were given.", nameof(mesh));
        }

        static Vector2 P(Vector3 v) => new(v.X, v.Y);
        return
        [
            (P(mesh[33]) + P(mesh[133])) / 2f,
            (P(mesh[362]) + P(mesh[263])) / 2f,
            P(mesh[1]),
            P(mesh[61]),
            P(mesh[291]),
        ];
    }
}
