using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Greedy non-maximum suppression as InsightFace's SCRFD: pixel-inclusive areas <c>(x2 − x1 + 1)·(y2 − y1 + 1)</c>,
/// float32 arithmetic, a box is dropped when its IoU with a kept box is strictly above the threshold.
/// </summary>
public static class NonMaximumSuppression
{
    /// <summary>
    /// Returns the indices of the boxes to keep, best score first. Ties in score keep the input order.
    /// </summary>
    public static IReadOnlyList<int> Apply(IReadOnlyList<RegionBox> boxes, IReadOnlyList<float> scores, float iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        if (boxes.Count != scores.Count)
        {
            throw new ArgumentException($"NMS needs one score per box, but got {boxes.Count} boxes and {scores.Count} scores.", nameof(scores));
        }

        int[] order = DescendingByScore(scores);
        var suppressed = new bool[boxes.Count];
        var keep = new List<int>();
        for (int oi = 0; oi < order.Length; oi++)
        {
            int i = order[oi];
            if (suppressed[i])
            {
                continue;
            }

            keep.Add(i);
            RegionBox bi = boxes[i];
            float areaI = (bi.Right - bi.X + 1) * (bi.Bottom - bi.Y + 1);
            for (int oj = oi + 1; oj < order.Length; oj++)
            {
                int j = order[oj];
                if (suppressed[j])
                {
                    continue;
                }

                RegionBox bj = boxes[j];
                float w = Math.Max(0f, Math.Min(bi.Right, bj.Right) - Math.Max(bi.X, bj.X) + 1);
                float h = Math.Max(0f, Math.Min(bi.Bottom, bj.Bottom) - Math.Max(bi.Y, bj.Y) + 1);
                float inter = w * h;
                float areaJ = (bj.Right - bj.X + 1) * (bj.Bottom - bj.Y + 1);
                float iou = inter / (areaI + areaJ - inter);
                if (!(iou <= iouThreshold))
                {
                    suppressed[j] = true;
                }
            }
        }

        return keep;
    }

    /// <summary>Indices sorted by descending score; equal scores keep ascending index (a stable sort).</summary>
    internal static int[] DescendingByScore(IReadOnlyList<float> scores)
    {
        var order = new int[scores.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (x, y) =>
        {
            int c = scores[y].CompareTo(scores[x]);
            return c != 0 ? c : x.CompareTo(y);
        });
        return order;
    }
}
