using System.Numerics;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Regions;

public class AutomaticRegionsTests
{
    private static readonly DetectedFace Right = Face(300, 100, 40, 50, 0.9f);
    private static readonly DetectedFace Left = Face(100, 80, 60, 60, 0.95f);
    private static readonly DetectedFace Faint = Face(200, 10, 10, 10, 0.2f);

    /// <summary>A detection with box (x, y, w × h); the landmarks play no part in regions.</summary>
    private static DetectedFace Face(float x, float y, float w, float h, float score = 1f) =>
        new(RegionBox.FromCorners(x, y, x + w, y + h), score, [.. Enumerable.Repeat(new Vector2(x + (w / 2), y + (h / 2)), DetectedFace.LandmarkCount)]);

    private static float[] LatentMask(IdentityRegion region) => RegionMaskBuilder.Build([region], 1, 512, 512, new RegionMaskOptions { Levels = 1 }).Latent.Mask(0).ToArray();

    [Fact]
    public void Person_rule_widens_and_extends_the_face_box_then_clamps()
    {
        var rule = new PersonRegionRule();

        // Face (100, 80, 60 × 60): width 120 about centre 130, top 80 − 30, bottom 140 + 210.
        Assert.Equal(RegionBox.FromSize(70, 50, 120, 300), rule.Expand(Left.Box, 512, 512));

        // Near the bottom edge the extension is cut at the image.
        Assert.Equal(RegionBox.FromSize(70, 50, 120, 250), rule.Expand(Left.Box, 512, 300));
    }

    [Fact]
    public void Faces_are_assigned_left_to_right_and_faint_faces_ignored()
    {
        IReadOnlyList<IdentityRegion> regions = AutomaticRegions.FromFaces([Right, Faint, Left], 512, 512, 2, 512, 512);

        float[] expected0 = LatentMask(IdentityRegion.FromBox(new PersonRegionRule().Expand(Left.Box, 512, 512)));
        float[] expected1 = LatentMask(IdentityRegion.FromBox(new PersonRegionRule().Expand(Right.Box, 512, 512)));
        Assert.Equal(expected0, LatentMask(regions[0]));
        Assert.Equal(expected1, LatentMask(regions[1]));
    }

    [Fact]
    public void An_explicit_map_picks_faces_and_boxes_are_rescaled_to_the_output()
    {
        // Source 1024 × 1024, output 512 × 512: every coordinate halves.
        var face = Face(200, 160, 120, 120);
        IReadOnlyList<IdentityRegion> regions = AutomaticRegions.FromFaces([Right, face], 1024, 1024, 1, 512, 512, new AutomaticRegionOptions { FaceForIdentity = [1] });

        Assert.Equal(LatentMask(IdentityRegion.FromBox(RegionBox.FromSize(70, 50, 120, 300))), LatentMask(regions[0]));
    }

    [Fact]
    public void Face_and_identity_counts_must_match()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => AutomaticRegions.FromFaces([Left, Right, Faint], 512, 512, 3, 512, 512));
        Assert.Equal("Regions", ex.ParameterName);
        Assert.Contains("3 identities but 2 faces", ex.Message, StringComparison.Ordinal);

        var map = Assert.Throws<FaceStudioValidationException>(() => AutomaticRegions.FromFaces([Left], 512, 512, 1, 512, 512, new AutomaticRegionOptions { FaceForIdentity = [3] }));
        Assert.Contains("[0, 0]", map.Message, StringComparison.Ordinal);

        var twice = Assert.Throws<FaceStudioValidationException>(() => AutomaticRegions.FromFaces([Left, Right], 512, 512, 2, 512, 512, new AutomaticRegionOptions { FaceForIdentity = [1, 1] }));
        Assert.Contains("more than one identity", twice.Message, StringComparison.Ordinal);
    }
}
