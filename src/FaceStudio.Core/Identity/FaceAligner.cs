using System.Numerics;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Cuts the aligned face crop an embedder takes: InsightFace's <c>norm_crop</c>, i.e. <see cref="FaceAlignment.EstimateNorm"/>
/// followed by a bilinear <c>cv2.warpAffine</c> of the photo with a black border.
/// </summary>
public static class FaceAligner
{
    /// <summary>Aligns the face with the given five landmarks into a <paramref name="size"/> × <paramref name="size"/> crop.</summary>
    public static RgbImage Crop(RgbImage photo, IReadOnlyList<Vector2> landmarks, int size = FaceAlignment.ArcFaceSize)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var transform = FaceAlignment.EstimateNorm(landmarks, size);
        return Warp(photo, transform, size, size);
    }

    /// <summary>Aligns a detected face into a <paramref name="size"/> × <paramref name="size"/> crop.</summary>
    public static RgbImage Crop(RgbImage photo, DetectedFace face, int size = FaceAlignment.ArcFaceSize)
    {
        ArgumentNullException.ThrowIfNull(face);
        return Crop(photo, face.Landmarks, size);
    }

    /// <summary>
    /// Warps <paramref name="photo"/> so that source pixel <c>p</c> lands at <c>transform(p)</c>, pixel centres on
    /// integer coordinates, bilinear, black outside (the <c>cv2.warpAffine</c> convention InsightFace relies on).
    /// </summary>
    public static RgbImage Warp(RgbImage photo, SimilarityTransform transform, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return OpenCvAffineWarp.Warp(photo, transform, width, height);
    }
}
