using System.Numerics;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Decodes SCRFD head outputs into faces exactly as InsightFace's <c>scrfd.py</c>: for each stride, anchor centres
/// on the grid <c>(column·stride, row·stride)</c> in row-major order, each repeated once per anchor; boxes are
/// <c>centre ∓ distance·stride</c>, keypoints <c>centre + offset·stride</c>; scores <c>≥</c> the threshold are kept,
/// divided by <c>det_scale</c> back to photo pixels, then suppressed by <see cref="NonMaximumSuppression"/>.
/// Arithmetic is float32, as in the reference.
/// </summary>
public sealed class ScrfdDecoder
{
    private readonly ScrfdOptions _options;

    /// <summary>Creates a decoder; the options are validated.</summary>
    public ScrfdDecoder(ScrfdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The settings in use.</summary>
    public ScrfdOptions Options => _options;

    /// <summary>Number of anchors (score rows) the head of stride index <paramref name="level"/> produces.</summary>
    public int AnchorCount(int level)
    {
        int stride = _options.Strides[level];
        return (_options.InputHeight / stride) * (_options.InputWidth / stride) * _options.AnchorsPerLocation;
    }

    /// <summary>
    /// The centre of anchor <paramref name="index"/> of stride <paramref name="stride"/> on a canvas
    /// <paramref name="inputWidth"/> wide: <c>np.stack(np.mgrid[:h, :w][::-1], -1) · stride</c>, repeated per anchor.
    /// </summary>
    public static Vector2 AnchorCentre(int index, int stride, int inputWidth, int anchorsPerLocation)
    {
        int location = index / anchorsPerLocation;
        int width = inputWidth / stride;
        return new Vector2((location % width) * stride, (location / width) * stride);
    }

    /// <summary>
    /// Decodes one image's head outputs.
    /// </summary>
    /// <param name="scores">Per stride, <c>[anchors]</c> scores (already sigmoid-activated, as exported).</param>
    /// <param name="boxDistances">Per stride, <c>[anchors, 4]</c> distances (left, top, right, bottom) in stride units.</param>
    /// <param name="keypointOffsets">Per stride, <c>[anchors, 10]</c> keypoint offsets (x, y per point) in stride units.</param>
    /// <param name="detScale">The letterbox scale (<see cref="FaceStudio.Core.Imaging.LetterboxResult.ScaleY"/>).</param>
    /// <returns>Faces in photo pixels, best score first.</returns>
    public IReadOnlyList<DetectedFace> Decode(
        IReadOnlyList<float[]> scores, IReadOnlyList<float[]> boxDistances, IReadOnlyList<float[]> keypointOffsets, double detScale)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(boxDistances);
        ArgumentNullException.ThrowIfNull(keypointOffsets);
        int levels = _options.Strides.Count;
        if (scores.Count != levels || boxDistances.Count != levels || keypointOffsets.Count != levels)
        {
            throw new ModelContractException($"SCRFD decoding expects {levels} score, box and keypoint outputs (one per stride), but got {scores.Count}, {boxDistances.Count} and {keypointOffsets.Count}.");
        }

        if (!(detScale > 0) || !double.IsFinite(detScale))
        {
            throw new FaceStudioValidationException(nameof(detScale), $"The letterbox scale must be positive and finite, but it is {detScale}.");
        }

        // numpy divides the float32 boxes by the Python float det_scale in float32.
        float scale = (float)detScale;
        float threshold = _options.ScoreThreshold;
        var boxes = new List<RegionBox>();
        var kept = new List<float>();
        var points = new List<Vector2[]>();
        for (int level = 0; level < levels; level++)
        {
            int stride = _options.Strides[level];
            int n = AnchorCount(level);
            CheckLength(scores[level], n, 1, "score", stride);
            CheckLength(boxDistances[level], n, 4, "box", stride);
            CheckLength(keypointOffsets[level], n, 10, "keypoint", stride);
            float[] s = scores[level], d = boxDistances[level], k = keypointOffsets[level];
            float fs = stride;
            for (int i = 0; i < n; i++)
            {
                if (!(s[i] >= threshold))
                {
                    continue;
                }

                Vector2 c = AnchorCentre(i, stride, _options.InputWidth, _options.AnchorsPerLocation);
                int b = i * 4;
                boxes.Add(RegionBox.FromCorners(
                    (c.X - (d[b] * fs)) / scale,
                    (c.Y - (d[b + 1] * fs)) / scale,
                    (c.X + (d[b + 2] * fs)) / scale,
                    (c.Y + (d[b + 3] * fs)) / scale));
                var lm = new Vector2[DetectedFace.LandmarkCount];
                int kb = i * 10;
                for (int p = 0; p < lm.Length; p++)
                {
                    lm[p] = new Vector2((c.X + (k[kb + (2 * p)] * fs)) / scale, (c.Y + (k[kb + (2 * p) + 1] * fs)) / scale);
                }

                points.Add(lm);
                kept.Add(s[i]);
            }
        }

        var keep = NonMaximumSuppression.Apply(boxes, kept, _options.NmsThreshold);
        var faces = new DetectedFace[keep.Count];
        for (int i = 0; i < faces.Length; i++)
        {
            int j = keep[i];
            faces[i] = new DetectedFace(boxes[j], kept[j], points[j]);
        }

        return faces;
    }

    private static void CheckLength(float[] values, int anchors, int width, string what, int stride)
    {
        if (values is null || values.Length != anchors * width)
        {
            throw new ModelContractException($"SCRFD {what} output for stride {stride} must hold {anchors}×{width} = {anchors * width} values, but it holds {values?.Length ?? 0}.");
        }
    }
}
