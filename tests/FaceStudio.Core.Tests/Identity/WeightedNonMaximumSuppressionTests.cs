using System.Numerics;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Identity;

public class WeightedNonMaximumSuppressionTests
{
    private static FaceCandidate At(float x, float y, float size, float score) =>
        new(RegionBox.FromCorners(x, y, x + size, y + size), score, Enumerable.Range(0, 6).Select(k => new Vector2(x + k, y)).ToArray());

    [Fact]
    public void Overlapping_candidates_merge_into_their_score_weighted_mean_with_the_best_score()
    {
        var a = At(0, 0, 10, 0.9f);
        var b = At(2, 0, 10, 0.6f);   // IoU 8/12 = 0.67 with a
        var far = At(100, 100, 10, 0.7f);
        var merged = WeightedNonMaximumSuppression.Apply([b, far, a], 0.3f);
        Assert.Equal(2, merged.Count);
        Assert.Equal(0.9f, merged[0].Score);
        float x = ((0.9f * 0) + (0.6f * 2)) / 1.5f;
        Assert.Equal(x, merged[0].Box.X, 5);
        Assert.Equal(x + 10, merged[0].Box.Right, 5);
        Assert.Equal(x + 5, merged[0].Keypoints[5].X, 5);
        Assert.All(Enumerable.Range(0, 6), k => Assert.True(Vector2.Distance(far.Keypoints[k], merged[1].Keypoints[k]) < 1e-4f));
        Assert.Equal(far.Box.X, merged[1].Box.X, 4);
        Assert.Equal(far.Box.Bottom, merged[1].Box.Bottom, 4);
        Assert.Equal(0.7f, merged[1].Score);
    }

    [Fact]
    public void Candidates_at_or_below_the_threshold_stay_apart()
    {
        var a = At(0, 0, 10, 0.9f);
        var b = At(5, 0, 10, 0.8f); // IoU 50/150 = 0.333
        Assert.Single(WeightedNonMaximumSuppression.Apply([a, b], 0.3f));
        Assert.Equal(2, WeightedNonMaximumSuppression.Apply([a, b], 0.34f).Count);
    }

    [Fact]
    public void A_candidate_joins_only_the_group_of_the_first_best_that_claims_it()
    {
        // b overlaps a and c; a claims it first; c then stands alone.
        var a = At(0, 0, 10, 0.9f);
        var b = At(4, 0, 10, 0.8f);
        var c = At(8, 0, 10, 0.7f);
        var merged = WeightedNonMaximumSuppression.Apply([c, b, a], 0.3f);
        Assert.Equal(2, merged.Count);
        Assert.Equal(c.Box.X, merged[1].Box.X, 4);
    }

    [Theory]
    [InlineData(0, 0, 10, 10, 0, 0, 10, 10, 1f)]
    [InlineData(0, 0, 10, 10, 10, 0, 20, 10, 0f)]
    [InlineData(0, 0, 10, 10, 5, 5, 15, 15, 25f / 175f)]
    public void IoU_uses_continuous_areas(float a1, float a2, float a3, float a4, float b1, float b2, float b3, float b4, float expected) =>
        Assert.Equal(expected, WeightedNonMaximumSuppression.IoU(RegionBox.FromCorners(a1, a2, a3, a4), RegionBox.FromCorners(b1, b2, b3, b4)), 6);
}
