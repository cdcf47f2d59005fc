namespace FaceStudio.Core.Identity;

/// <summary>
/// A 2-D similarity transform (rotation, uniform scale, translation) in double precision:
/// <c>x' = A·x − B·y + Tx</c>, <c>y' = B·x + A·y + Ty</c>, where <c>A = s·cos θ</c> and <c>B = s·sin θ</c>.
/// Its 2×3 matrix is <c>[[A, −B, Tx], [B, A, Ty]]</c>, the <c>M</c> InsightFace hands to <c>cv2.warpAffine</c>.
/// </summary>
/// <param name="A">Scale times cosine of the rotation.</param>
/// <param name="B">Scale times sine of the rotation.</param>
/// <param name="Tx">Horizontal translation.</param>
/// <param name="Ty">Vertical translation.</param>
public readonly record struct SimilarityTransform(double A, double B, double Tx, double Ty)
{
    /// <summary>The identity transform.</summary>
    public static SimilarityTransform Identity => new(1, 0, 0, 0);

    /// <summary>Builds a transform from its scale, rotation (radians, counter-clockwise in x-right/y-down pixels appears clockwise) and translation.</summary>
    public static SimilarityTransform FromScaleRotation(double scale, double rotationRadians, double tx, double ty) =>
        new(scale * Math.Cos(rotationRadians), scale * Math.Sin(rotationRadians), tx, ty);

    /// <summary>Uniform scale factor <c>s = √(A² + B²)</c>.</summary>
    public double Scale => Math.Sqrt((A * A) + (B * B));

    /// <summary>Rotation angle in radians, <c>atan2(B, A)</c>.</summary>
    public double Rotation => Math.Atan2(B, A);

    /// <summary>Maps a point.</summary>
    public (double X, double Y) Apply(double x, double y) => ((A * x) - (B * y) + Tx, (B * x) + (A * y) + Ty);

    /// <summary>The inverse transform; throws when the scale is zero.</summary>
    public SimilarityTransform Invert()
    {
        double d = (A * A) + (B * B);
        if (d == 0)
        {
            throw new InvalidOperationException("A similarity transform with zero scale has no inverse.");
        }

        double ia = A / d, ib = -B / d;
        return new SimilarityTransform(ia, ib, -((ia * Tx) - (ib * Ty)), -((ib * Tx) + (ia * Ty)));
    }

    /// <summary>The 2×3 affine matrix, row-major: <c>[A, −B, Tx, B, A, Ty]</c>.</summary>
    public double[] ToAffineMatrix() => [A, -B, Tx, B, A, Ty];
}
