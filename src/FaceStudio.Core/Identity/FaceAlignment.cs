using System.Numerics;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Five-point face alignment exactly as InsightFace's <c>face_align.estimate_norm</c>: a least-squares similarity
/// transform (Umeyama, as <c>skimage.transform.SimilarityTransform.estimate</c>) from the detected landmarks onto
/// the ArcFace template, in double precision.
/// </summary>
public static class FaceAlignment
{
    /// <summary>Side of the canonical ArcFace crop.</summary>
    public const int ArcFaceSize = 112;

    // InsightFace stores the template as float32; these are those float32 values, so the estimate sees the same numbers.
    private static readonly float[] s_template112 =
    [
        38.2946f, 51.6963f,
        73.5318f, 51.5014f,
        56.0252f, 71.7366f,
        41.5493f, 92.3655f,
        70.7299f, 92.2041f,
    ];

    /// <summary>
    /// The ArcFace 112×112 template: left eye, right eye, nose tip, left mouth corner, right mouth corner.
    /// </summary>
    public static IReadOnlyList<Vector2> ArcFaceTemplate { get; } = TemplatePoints(s_template112, 1f, 0f);

    /// <summary>
    /// The template for a crop of side <paramref name="size"/>, scaled as InsightFace does: multiples of 112 scale by
    /// <c>size/112</c>; multiples of 128 scale by <c>size/128</c> and shift right by <c>8·size/128</c>.
    /// </summary>
    public static IReadOnlyList<Vector2> TemplateFor(int size)
    {
        if (size > 0 && size % 112 == 0)
        {
            return TemplatePoints(s_template112, size / 112f, 0f);
        }

        if (size > 0 && size % 128 == 0)
        {
            float ratio = size / 128f;
            return TemplatePoints(s_template112, ratio, 8f * ratio);
        }

        throw new FaceStudioValidationException(nameof(size), $"The aligned crop size must be a positive multiple of 112 or 128, but {size} was given.");
    }

    /// <summary>
    /// Least-squares similarity transform mapping <paramref name="source"/> onto <paramref name="destination"/>
    /// (rotation without reflection, uniform scale, translation).
    /// </summary>
    /// <remarks>
    /// In 2-D Umeyama's SVD solution has a closed form: with the cross-covariance <c>Σ = [[a, b], [c, d]]</c> of the
    /// centred points (destination rows, source columns), the rotation is the direction of <c>(a + d, c − b)</c> and
    /// <c>s·cos θ = (a + d)/σ²</c>, <c>s·sin θ = (c − b)/σ²</c> with <c>σ²</c> the source variance. This equals
    /// <c>U·diag(1, sign det Σ)·Vᵀ</c> scaled by <c>(S₁ ± S₂)/σ²</c>, skimage's result, without an SVD.
    /// </remarks>
    public static SimilarityTransform EstimateSimilarity(IReadOnlyList<Vector2> source, IReadOnlyList<Vector2> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Count != destination.Count || source.Count < 2)
        {
            throw new FaceStudioValidationException(nameof(source), $"A similarity estimate needs at least 2 point pairs of equal count, but {source.Count} source and {destination.Count} destination points were given.");
        }

        var src = new double[source.Count * 2];
        var dst = new double[destination.Count * 2];
        for (int i = 0; i < source.Count; i++)
        {
            src[2 * i] = source[i].X;
            src[(2 * i) + 1] = source[i].Y;
            dst[2 * i] = destination[i].X;
            dst[(2 * i) + 1] = destination[i].Y;
        }

        return EstimateSimilarity(src, dst);
    }

    /// <summary>
    /// <see cref="EstimateSimilarity(IReadOnlyList{Vector2}, IReadOnlyList{Vector2})"/> on double-precision points given as
    /// interleaved <c>x, y</c> pairs.
    /// </summary>
    public static SimilarityTransform EstimateSimilarity(ReadOnlySpan<double> sourceXY, ReadOnlySpan<double> destinationXY)
    {
        if (sourceXY.Length != destinationXY.Length || sourceXY.Length < 4 || sourceXY.Length % 2 != 0)
        {
            throw new FaceStudioValidationException(nameof(sourceXY), $"A similarity estimate needs at least 2 (x, y) pairs on each side, equally many, but {sourceXY.Length} source and {destinationXY.Length} destination coordinates were given.");
        }

        int n = sourceXY.Length / 2;
        double smx = 0, smy = 0, dmx = 0, dmy = 0;
        for (int i = 0; i < n; i++)
        {
            smx += sourceXY[2 * i];
            smy += sourceXY[(2 * i) + 1];
            dmx += destinationXY[2 * i];
            dmy += destinationXY[(2 * i) + 1];
        }

        smx /= n; smy /= n; dmx /= n; dmy /= n;
        double a = 0, b = 0, c = 0, d = 0, variance = 0;
        for (int i = 0; i < n; i++)
        {
            double sx = sourceXY[2 * i] - smx, sy = sourceXY[(2 * i) + 1] - smy;
            double dx = destinationXY[2 * i] - dmx, dy = destinationXY[(2 * i) + 1] - dmy;
            a += dx * sx;
            b += dx * sy;
            c += dy * sx;
            d += dy * sy;
            variance += (sx * sx) + (sy * sy);
        }

        if (variance == 0 || !double.IsFinite(variance) || !double.IsFinite(a + b + c + d))
        {
            throw new FaceStudioValidationException(nameof(sourceXY), "The points must be finite and the source points must not all coincide (they would define no scale).");
        }

        // Σ and σ² are both divided by n in Umeyama; the ratio needs neither division.
        double p = (a + d) / variance, q = (c - b) / variance;
        double tx = dmx - ((p * smx) - (q * smy));
        double ty = dmy - ((q * smx) + (p * smy));
        return new SimilarityTransform(p, q, tx, ty);
    }

    /// <summary>
    /// The transform InsightFace's <c>estimate_norm</c> returns: detected landmarks (photo pixels) to the template of
    /// a <paramref name="size"/>-pixel crop.
    /// </summary>
    public static SimilarityTransform EstimateNorm(IReadOnlyList<Vector2> landmarks, int size = ArcFaceSize)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        if (landmarks.Count != DetectedFace.LandmarkCount)
        {
            throw new FaceStudioValidationException(nameof(landmarks), $"Alignment needs {DetectedFace.LandmarkCount} landmarks but {landmarks.Count} were given.");
        }

        return EstimateSimilarity(landmarks, TemplateFor(size));
    }

    private static Vector2[] TemplatePoints(float[] xy, float ratio, float shiftX)
    {
        var points = new Vector2[xy.Length / 2];
        for (int i = 0; i < points.Length; i++)
        {
            // float32 arithmetic, as numpy does on InsightFace's float32 template.
            points[i] = new Vector2((xy[2 * i] * ratio) + shiftX, xy[(2 * i) + 1] * ratio);
        }

        return points;
    }
}
