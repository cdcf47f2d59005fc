using System.Numerics;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Identity;

public class FaceMeshGeometryTests
{
    private static FaceCandidate Face(Vector2 leftEye, Vector2 rightEye) =>
        new(RegionBox.FromCorners(100, 50, 140, 110), 0.9f, [leftEye, rightEye, default, default, default, default]);

    [Fact]
    public void Level_eyes_give_an_axis_aligned_crop_of_one_and_a_half_times_the_longer_side()
    {
        var t = FaceMeshGeometry.PhotoToCrop(Face(new(110, 70), new(130, 70)), 192);
        // Box centre (120, 80), longer side 60 → crop side 90 photo pixels.
        AssertPoint(t.Apply(120, 80), 96, 96);
        AssertPoint(t.Apply(120 - 45, 80 - 45), 0, 0);
        AssertPoint(t.Apply(120 + 45, 80 + 45), 192, 192);
    }

    [Fact]
    public void Tilted_eyes_are_levelled()
    {
        // Eye line at +30° (right eye lower in the image): after the crop transform it must be horizontal.
        var l = new Vector2(110, 70);
        var r = l + (20 * new Vector2(MathF.Cos(MathF.PI / 6), MathF.Sin(MathF.PI / 6)));
        var t = FaceMeshGeometry.PhotoToCrop(Face(l, r), 192);
        var (_, ly) = t.Apply(l.X, l.Y);
        var (_, ry) = t.Apply(r.X, r.Y);
        Assert.Equal(ly, ry, 4);
        Assert.Equal(192 / 90.0, t.Scale, 6);
    }

    [Fact]
    public void Pixel_centre_conversion_shifts_by_half_a_pixel_on_both_sides()
    {
        var t = FaceMeshGeometry.PhotoToCrop(Face(new(110, 70), new(130, 80)), 192);
        var c = FaceMeshGeometry.ToPixelCentres(t);
        var (x, y) = t.Apply(12.5, 40.5);
        AssertPoint(c.Apply(12, 40), x - 0.5, y - 0.5);
    }

    [Fact]
    public void The_mesh_maps_back_to_the_photo_and_gives_the_five_points_from_their_indices()
    {
        var t = FaceMeshGeometry.PhotoToCrop(Face(new(110, 70), new(130, 75)), 192);
        var mesh = new float[FaceMeshGeometry.MeshPointCount * 3];
        var expected = new Dictionary<int, Vector2> { [33] = new(105, 70), [133] = new(115, 72), [362] = new(125, 72), [263] = new(135, 74), [1] = new(120, 85), [61] = new(110, 95), [291] = new(130, 96) };
        foreach (var (i, p) in expected)
        {
            var (u, v) = t.Apply(p.X, p.Y);
            mesh[3 * i] = (float)u;
            mesh[(3 * i) + 1] = (float)v;
            mesh[(3 * i) + 2] = 2f;
        }

        var points = new Vector3[FaceMeshGeometry.MeshPointCount];
        FaceMeshGeometry.MeshToPhoto(mesh, t, points);
        Assert.Equal(2f * 90f / 192f, points[1].Z, 4);
        var five = FaceMeshGeometry.FivePoints(points);
        Vector2[] want = [new(110, 71), new(130, 73), new(120, 85), new(110, 95), new(130, 96)];
        for (int i = 0; i < 5; i++)
        {
            Assert.True(Vector2.Distance(want[i], five[i]) < 1e-3f, $"point {i}: {five[i]} vs {want[i]}");
        }
    }

    [Fact]
    public void Bad_inputs_are_typed_errors()
    {
        var empty = new FaceCandidate(RegionBox.FromCorners(10, 10, 10, 10), 0.9f, new Vector2[6]);
        Assert.Throws<FaceStudioValidationException>(() => FaceMeshGeometry.PhotoToCrop(empty, 192));
        Assert.Throws<ModelContractException>(() => FaceMeshGeometry.MeshToPhoto(new float[10], SimilarityTransform.Identity, new Vector3[468]));
    }

    private static void AssertPoint((double X, double Y) p, double x, double y)
    {
        Assert.Equal(x, p.X, 6);
        Assert.Equal(y, p.Y, 6);
    }
}
