using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.TestSupport;

/// <summary>
/// A 2x3 affine transform <c>x' = M00 x + M01 y + M02</c>, <c>y' = M10 x + M11 y + M12</c>, laid out like OpenCV's
/// <c>cv2.warpAffine</c> matrix. Coordinates are in pixels with pixel centres at integers.
/// </summary>
/// <param name="M00">Row 0, column 0.</param>
/// <param name="M01">Row 0, column 1.</param>
/// <param name="M02">Row 0, translation.</param>
/// <param name="M10">Row 1, column 0.</param>
/// <param name="M11">Row 1, column 1.</param>
/// <param name="M12">Row 1, translation.</param>
public readonly record struct AffineMatrix(double M00, double M01, double M02, double M10, double M11, double M12)
{
    /// <summary>The identity transform.</summary>
    public static AffineMatrix Identity => new(1, 0, 0, 0, 1, 0);

    /// <summary>Pure translation by (<paramref name="tx"/>, <paramref name="ty"/>).</summary>
    public static AffineMatrix Translation(double tx, double ty) => new(1, 0, tx, 0, 1, ty);

    /// <summary>Scaling about the origin.</summary>
    public static AffineMatrix Scaling(double sx, double sy) => new(sx, 0, 0, 0, sy, 0);

    /// <summary>
    /// Similarity: rotation by <paramref name="angleRadians"/> (counter-clockwise in a y-up frame, i.e. clockwise on
    /// screen with y down) and uniform <paramref name="scale"/>, then translation, as scikit-image's
    /// <c>SimilarityTransform</c> that InsightFace uses for face alignment.
    /// </summary>
    public static AffineMatrix Similarity(double scale, double angleRadians, double tx, double ty)
    {
        double c = scale * Math.Cos(angleRadians), s = scale * Math.Sin(angleRadians);
        return new AffineMatrix(c, -s, tx, s, c, ty);
    }

    /// <summary>The determinant of the linear part.</summary>
    public double Determinant => (M00 * M11) - (M01 * M10);

    /// <summary>Applies the transform to a point.</summary>
    public (double X, double Y) Apply(double x, double y) => ((M00 * x) + (M01 * y) + M02, (M10 * x) + (M11 * y) + M12);

    /// <summary>The inverse transform; throws <see cref="FaceStudioValidationException"/> when singular.</summary>
    public AffineMatrix Invert()
    {
        double det = Determinant;
        double norm = Math.Max(Math.Max(Math.Abs(M00), Math.Abs(M01)), Math.Max(Math.Abs(M10), Math.Abs(M11)));
        if (!double.IsFinite(det) || Math.Abs(det) <= 1e-12 * norm * norm || norm == 0)
        {
            throw new FaceStudioValidationException("matrix", $"Affine matrix {this} is singular (determinant {det.ToString("G6", CultureInfo.InvariantCulture)}) and cannot be inverted.");
        }

        double i00 = M11 / det, i01 = -M01 / det, i10 = -M10 / det, i11 = M00 / det;
        return new AffineMatrix(i00, i01, -((i00 * M02) + (i01 * M12)), i10, i11, -((i10 * M02) + (i11 * M12)));
    }

    /// <summary>The transform that applies this one first and then <paramref name="next"/>.</summary>
    public AffineMatrix Then(AffineMatrix next) => new(
        (next.M00 * M00) + (next.M01 * M10), (next.M00 * M01) + (next.M01 * M11), (next.M00 * M02) + (next.M01 * M12) + next.M02,
        (next.M10 * M00) + (next.M11 * M10), (next.M10 * M01) + (next.M11 * M11), (next.M10 * M02) + (next.M11 * M12) + next.M12);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[[{M00:G6}, {M01:G6}, {M02:G6}], [{M10:G6}, {M11:G6}, {M12:G6}]]");
}
