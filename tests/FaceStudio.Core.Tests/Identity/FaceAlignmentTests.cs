using System.Numerics;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;

namespace FaceStudio.Core.Tests.Identity;

public class FaceAlignmentTests
{
    private static double[] TemplateXY() =>
        [38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041];

    [Fact]
    public void Template_holds_the_ArcFace_points()
    {
        var t = FaceAlignment.ArcFaceTemplate;
        var expected = TemplateXY();
        Assert.Equal(5, t.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal((float)expected[2 * i], t[i].X);
            Assert.Equal((float)expected[(2 * i) + 1], t[i].Y);
        }
    }

    [Fact]
    public void Template_maps_onto_itself_as_identity()
    {
        var m = FaceAlignment.EstimateSimilarity(FaceAlignment.ArcFaceTemplate, FaceAlignment.ArcFaceTemplate);
        Assert.Equal(1.0, m.A, 12);
        Assert.Equal(0.0, m.B, 12);
        Assert.Equal(0.0, m.Tx, 10);
        Assert.Equal(0.0, m.Ty, 10);
    }

    [Theory]
    [InlineData(1.0, 0.0, 0.0, 0.0)]
    [InlineData(2.5, 0.3, 100.0, -40.0)]
    [InlineData(0.25, -1.2, 7.5, 300.0)]
    [InlineData(3.7, 3.0, -250.0, 812.25)]
    [InlineData(0.8, Math.PI, 10.0, 10.0)]
    public void Recovers_known_similarity_transforms(double scale, double angle, double tx, double ty)
    {
        var truth = SimilarityTransform.FromScaleRotation(scale, angle, tx, ty);
        var src = TemplateXY();
        var dst = new double[src.Length];
        for (int i = 0; i < 5; i++)
        {
            // Forward map written out from the definition, not through the type under test.
            double x = src[2 * i], y = src[(2 * i) + 1];
            dst[2 * i] = (scale * Math.Cos(angle) * x) - (scale * Math.Sin(angle) * y) + tx;
            dst[(2 * i) + 1] = (scale * Math.Sin(angle) * x) + (scale * Math.Cos(angle) * y) + ty;
        }

        var m = FaceAlignment.EstimateSimilarity(src, dst);
        Assert.Equal(truth.A, m.A, 1e-9);
        Assert.Equal(truth.B, m.B, 1e-9);
        Assert.Equal(tx, m.Tx, 1e-7);
        Assert.Equal(ty, m.Ty, 1e-7);
        Assert.Equal(scale, m.Scale, 1e-9);
    }

    [Fact]
    public void Recovers_transform_from_float_landmarks_to_1e_5()
    {
        // A face in a photo: template scaled ×3, rotated 20°, moved; landmarks are float32 as detectors give them.
        double s = 3, th = 20 * Math.PI / 180, tx = 400, ty = 250;
        var src = TemplateXY();
        var photo = new Vector2[5];
        for (int i = 0; i < 5; i++)
        {
            double x = src[2 * i], y = src[(2 * i) + 1];
            photo[i] = new Vector2((float)((s * Math.Cos(th) * x) - (s * Math.Sin(th) * y) + tx), (float)((s * Math.Sin(th) * x) + (s * Math.Cos(th) * y) + ty));
        }

        // Photo to template is the inverse of the forward transform.
        var m = FaceAlignment.EstimateNorm(photo);
        Assert.Equal(1 / s, m.Scale, 1e-5);
        Assert.Equal(-th, m.Rotation, 1e-5);
        for (int i = 0; i < 5; i++)
        {
            var (x, y) = m.Apply(photo[i].X, photo[i].Y);
            Assert.Equal(src[2 * i], x, 1e-4);
            Assert.Equal(src[(2 * i) + 1], y, 1e-4);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Noisy_points_give_the_linear_least_squares_optimum(bool mirrored)
    {
        // Independent reference: x' = a·x − b·y + tx, y' = b·x + a·y + ty is linear in (a, b, tx, ty);
        // solve its normal equations. A mirrored target (det Σ < 0) must still give a rotation, as Umeyama does.
        var rng = new Random(7);
        var src = TemplateXY();
        var dst = new double[src.Length];
        for (int i = 0; i < 5; i++)
        {
            double x = mirrored ? 112 - src[2 * i] : src[2 * i];
            dst[2 * i] = (1.7 * x) + 20 + (rng.NextDouble() * 4) - 2;
            dst[(2 * i) + 1] = (1.7 * src[(2 * i) + 1]) - 5 + (rng.NextDouble() * 4) - 2;
        }

        var n = new double[4, 5];
        for (int i = 0; i < 5; i++)
        {
            double x = src[2 * i], y = src[(2 * i) + 1];
            double[][] rows = [[x, -y, 1, 0, dst[2 * i]], [y, x, 0, 1, dst[(2 * i) + 1]]];
            foreach (var r in rows)
            {
                for (int p = 0; p < 4; p++)
                {
                    for (int q = 0; q < 5; q++)
                    {
                        n[p, q] += r[p] * r[q];
                    }
                }
            }
        }

        var sol = SolveAugmented(n);
        var m = FaceAlignment.EstimateSimilarity(src, dst);
        Assert.Equal(sol[0], m.A, 1e-9);
        Assert.Equal(sol[1], m.B, 1e-9);
        Assert.Equal(sol[2], m.Tx, 1e-7);
        Assert.Equal(sol[3], m.Ty, 1e-7);
    }

    [Fact]
    public void Templates_for_other_crop_sizes_follow_InsightFace()
    {
        var t224 = FaceAlignment.TemplateFor(224);
        Assert.Equal(38.2946f * 2f, t224[0].X);
        Assert.Equal(51.6963f * 2f, t224[0].Y);
        var t128 = FaceAlignment.TemplateFor(128);
        Assert.Equal(38.2946f + 8f, t128[0].X);
        Assert.Equal(51.6963f, t128[0].Y);
        var ex = Assert.Throws<FaceStudioValidationException>(() => FaceAlignment.TemplateFor(100));
        Assert.Contains("100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_coincident_points_and_wrong_counts()
    {
        var same = Enumerable.Repeat(new Vector2(3, 4), 5).ToArray();
        Assert.Throws<FaceStudioValidationException>(() => FaceAlignment.EstimateSimilarity(same, FaceAlignment.ArcFaceTemplate));
        var ex = Assert.Throws<FaceStudioValidationException>(() => FaceAlignment.EstimateNorm(same.Take(4).ToArray()));
        Assert.Contains("5 landmarks", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inverse_undoes_the_transform()
    {
        var m = SimilarityTransform.FromScaleRotation(2.3, 0.7, -11, 42);
        var (x, y) = m.Apply(13.5, -7.25);
        var (bx, by) = m.Invert().Apply(x, y);
        Assert.Equal(13.5, bx, 1e-12);
        Assert.Equal(-7.25, by, 1e-12);
    }

    private static double[] SolveAugmented(double[,] m)
    {
        int n = m.GetLength(0);
        for (int c = 0; c < n; c++)
        {
            int piv = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[piv, c]))
                {
                    piv = r;
                }
            }

            for (int k = 0; k <= n; k++)
            {
                (m[c, k], m[piv, k]) = (m[piv, k], m[c, k]);
            }

            for (int r = 0; r < n; r++)
            {
                if (r == c)
                {
                    continue;
                }

                double f = m[r, c] / m[c, c];
                for (int k = c; k <= n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }
            }
        }

        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = m[i, n] / m[i, i];
        }

        return x;
    }
}
