using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using FaceStudio.TestSupport;

namespace FaceStudio.Core.Tests.Imaging;

public class AffineMatrixTests
{
    [Fact]
    public void Inverse_undoes_the_transform()
    {
        var m = new AffineMatrix(1.3, -0.4, 12.5, 0.7, 0.9, -3.25);
        var inv = m.Invert();
        var (x, y) = m.Apply(7, -2);
        var (bx, by) = inv.Apply(x, y);
        Assert.Equal(7, bx, 10);
        Assert.Equal(-2, by, 10);
        var id = m.Then(inv);
        Assert.Equal(1, id.M00, 12);
        Assert.Equal(0, id.M01, 12);
        Assert.Equal(0, id.M02, 12);
        Assert.Equal(0, id.M10, 12);
        Assert.Equal(1, id.M11, 12);
        Assert.Equal(0, id.M12, 12);
    }

    [Fact]
    public void Then_applies_left_first()
    {
        var m = AffineMatrix.Translation(1, 0).Then(AffineMatrix.Scaling(2, 3));
        Assert.Equal((2.0, 0.0), m.Apply(0, 0));
        Assert.Equal((4.0, 3.0), m.Apply(1, 1));
    }

    [Fact]
    public void Similarity_rotates_and_scales()
    {
        var m = AffineMatrix.Similarity(2, Math.PI / 2, 5, 6);
        var (x, y) = m.Apply(1, 0);
        Assert.Equal(5, x, 12);
        Assert.Equal(8, y, 12);
        Assert.Equal(4, m.Determinant, 12);
    }

    [Fact]
    public void Singular_matrix_cannot_be_inverted()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => new AffineMatrix(1, 2, 0, 2, 4, 0).Invert());
        Assert.Contains("singular", ex.Message, StringComparison.Ordinal);
    }
}
