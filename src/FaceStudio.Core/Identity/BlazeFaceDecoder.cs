using System.Numerics;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Decodes BlazeFace outputs as MediaPipe's <c>TensorsToDetectionsCalculator</c>: 896 SSD anchors (a 16×16 grid with
/// two anchors per cell, then an 8×8 grid with six, row-major, centres <c>((col + 0.5)/grid, (row + 0.5)/grid)</c>,
/// fixed size 1); score <c>sigmoid(clamp(logit, −100, 100))</c>; regressor <c>[dx, dy, w, h, 6 × (kx, ky)]</c> in
/// input pixels, divided by the input size and offset by the anchor centre; then
/// <see cref="WeightedNonMaximumSuppression"/> and the letterbox mapped back to photo pixels.
/// </summary>
public sealed class BlazeFaceDecoder
{
    /// <summary>Cells per side of the fine grid (stride 16 at 256).</summary>
    public const int FineGrid = 16;

    /// <summary>Anchors per cell of the fine grid.</summary>
    public const int FineAnchorsPerCell = 2;

    /// <summary>Cells per side of the coarse grid (stride 32 at 256).</summary>
    public const int CoarseGrid = 8;

    /// <summary>Anchors per cell of the coarse grid.</summary>
    public const int CoarseAnchorsPerCell = 6;

    /// <summary>Anchors of the fine grid (512), the first group of outputs.</summary>
    public const int FineAnchorCount = FineGrid * FineGrid * FineAnchorsPerCell;

    /// <summary>Anchors of the coarse grid (384), the second group of outputs.</summary>
    public const int CoarseAnchorCount = CoarseGrid * CoarseGrid * CoarseAnchorsPerCell;

    /// <summary>All anchors (896).</summary>
    public const int AnchorCount = FineAnchorCount + CoarseAnchorCount;

    /// <summary>Values per anchor in the regressor outputs: box (4) and six keypoints (12).</summary>
    public const int RegressorWidth = 16;

    private static readonly Vector2[] s_anchors = BuildAnchors();
    private readonly BlazeFaceOptions _options;

    /// <summary>Creates a decoder; the options are validated.</summary>
    public BlazeFaceDecoder(BlazeFaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The settings in use.</summary>
    public BlazeFaceOptions Options => _options;

    /// <summary>The anchor centres in [0, 1] input coordinates, in output order.</summary>
    public static ReadOnlySpan<Vector2> Anchors => s_anchors;

    /// <summary>
    /// Decodes one image's outputs into candidates in photo pixels, best score first.
    /// </summary>
    /// <param name="fineScores">The fine grid's logits, <c>[512]</c> (<c>classificators_1</c>).</param>
    /// <param name="coarseScores">The coarse grid's logits, <c>[384]</c> (<c>classificators_2</c>).</param>
    /// <param name="fineRegressors">The fine grid's regressors, <c>[512 × 16]</c> (<c>regressors_1</c>).</param>
    /// <param name="coarseRegressors">The coarse grid's regressors, <c>[384 × 16]</c> (<c>regressors_2</c>).</param>
    /// <param name="letterbox">How the photo was placed in the <see cref="BlazeFaceOptions.InputSize"/> canvas.</param>
    public IReadOnlyList<FaceCandidate> Decode(
        ReadOnlySpan<float> fineScores, ReadOnlySpan<float> coarseScores, ReadOnlySpan<float> fineRegressors, ReadOnlySpan<float> coarseRegressors, LetterboxResult letterbox)
    {
        ArgumentNullException.ThrowIfNull(letterbox);
        CheckLength(fineScores.Length, FineAnchorCount, "classificators_1 (fine-grid scores)");
        CheckLength(coarseScores.Length, CoarseAnchorCount, "classificators_2 (coarse-grid scores)");
        CheckLength(fineRegressors.Length, FineAnchorCount * RegressorWidth, "regressors_1 (fine-grid boxes and keypoints)");
        CheckLength(coarseRegressors.Length, CoarseAnchorCount * RegressorWidth, "regressors_2 (coarse-grid boxes and keypoints)");

        var candidates = new List<FaceCandidate>();
        Collect(fineScores, fineRegressors, 0, letterbox, candidates);
        Collect(coarseScores, coarseRegressors, FineAnchorCount, letterbox, candidates);
        return WeightedNonMaximumSuppression.Apply(candidates, _options.NmsThreshold);
    }

    /// <summary>The detector's probability for a logit: <c>sigmoid(clamp(logit, −100, 100))</c>.</summary>
    public static float Score(float logit) => 1f / (1f + MathF.Exp(-Math.Clamp(logit, -100f, 100f)));

    private void Collect(ReadOnlySpan<float> scores, ReadOnlySpan<float> regressors, int firstAnchor, LetterboxResult letterbox, List<FaceCandidate> candidates)
    {
        float size = _options.InputSize;
        float threshold = _options.ScoreThreshold;
        Span<Vector2> keypoints = stackalloc Vector2[FaceCandidate.KeypointCount];
        for (int i = 0; i < scores.Length; i++)
        {
            float score = Score(scores[i]);
            if (!(score >= threshold))
            {
                continue;
            }

            var anchor = s_anchors[firstAnchor + i];
            var r = regressors.Slice(i * RegressorWidth, RegressorWidth);
            float cx = r[0] + (anchor.X * size), cy = r[1] + (anchor.Y * size);
            float hw = r[2] / 2f, hh = r[3] / 2f;
            var (x1, y1) = letterbox.ToSource(cx - hw, cy - hh);
            var (x2, y2) = letterbox.ToSource(cx + hw, cy + hh);
            for (int k = 0; k < keypoints.Length; k++)
            {
                var (kx, ky) = letterbox.ToSource(r[4 + (2 * k)] + (anchor.X * size), r[5 + (2 * k)] + (anchor.Y * size));
                keypoints[k] = new Vector2((float)kx, (float)ky);
            }

            candidates.Add(new FaceCandidate(RegionBox.FromCorners((float)x1, (float)y1, (float)x2, (float)y2), score, keypoints.ToArray()));
        }
    }

    private static Vector2[] BuildAnchors()
    {
        var anchors = new Vector2[AnchorCount];
        int n = 0;
        foreach (var (grid, perCell) in new[] { (FineGrid, FineAnchorsPerCell), (CoarseGrid, CoarseAnchorsPerCell) })
        {
            for (int row = 0; row < grid; row++)
            {
                for (int col = 0; col < grid; col++)
                {
                    for (int k = 0; k < perCell; k++)
                    {
                        anchors[n++] = new Vector2((col + 0.5f) / grid, (row + 0.5f) / grid);
                    }
                }
            }
        }

        return anchors;
    }

    private static void CheckLength(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new ModelContractException($"BlazeFace output {what} must hold {expected} values, but it holds {actual}.");
        }
    }
}
