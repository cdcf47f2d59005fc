using System.Numerics;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// MediaPipe's weighted non-maximum suppression (<c>NonMaxSuppressionCalculator</c>, <c>WEIGHTED</c>): take the best
/// remaining candidate, gather every remaining candidate whose IoU with it is strictly above the threshold (itself
/// included), and replace the group by one candidate whose box and keypoints are the score-weighted mean of the group's
/// and whose score is the best one's. Repeats until no candidate is left. IoU uses continuous areas (no <c>+1</c>).
/// </summary>
public static class WeightedNonMaximumSuppression
{
    /// <summary>Merges overlapping candidates; the result is ordered by descending score.</summary>
    /// <param name="candidates">Candidates in any order.</param>
    /// <param name="iouThreshold">Candidates overlapping the group's best by more than this IoU join its group.</param>
    public static IReadOnlyList<FaceCandidate> Apply(IReadOnlyList<FaceCandidate> candidates, float iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (!(iouThreshold is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, "The IoU threshold must lie in [0, 1].");
        }

        var scores = new float[candidates.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = candidates[i].Score;
        }

        int[] order = NonMaximumSuppression.DescendingByScore(scores);
        var used = new bool[candidates.Count];
        var result = new List<FaceCandidate>();
        var keypoints = new Vector2[FaceCandidate.KeypointCount];
        for (int oi = 0; oi < order.Length; oi++)
        {
            int i = order[oi];
            if (used[i])
            {
                continue;
            }

            var best = candidates[i];
            float total = 0f, x1 = 0f, y1 = 0f, x2 = 0f, y2 = 0f;
            Array.Clear(keypoints);
            for (int oj = oi; oj < order.Length; oj++)
            {
                int j = order[oj];
                if (used[j] || (j != i && !(IoU(best.Box, candidates[j].Box) > iouThreshold)))
                {
                    continue;
                }

                used[j] = true;
                var c = candidates[j];
                float w = c.Score;
                total += w;
                x1 += w * c.Box.X;
                y1 += w * c.Box.Y;
                x2 += w * c.Box.Right;
                y2 += w * c.Box.Bottom;
                for (int k = 0; k < keypoints.Length; k++)
                {
                    keypoints[k] += w * c.Keypoints[k];
                }
            }

            if (!(total > 0f))
            {
                // All-zero scores: nothing to weight by, keep the best as it is.
                result.Add(best);
                continue;
            }

            for (int k = 0; k < keypoints.Length; k++)
            {
                keypoints[k] /= total;
            }

            result.Add(new FaceCandidate(RegionBox.FromCorners(x1 / total, y1 / total, x2 / total, y2 / total), best.Score, keypoints));
        }

        return result;
    }

    /// <summary>Intersection over union of two boxes with continuous areas; 0 when either is empty.</summary>
    public static float IoU(RegionBox a, RegionBox b)
    {
        float w = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X);
        float h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        if (w <= 0f || h <= 0f)
        {
            return 0f;
        }

        float inter = w * h;
        float union = a.Area + b.Area - inter;
        return union > 0f ? inter / union : 0f;
    }
}
