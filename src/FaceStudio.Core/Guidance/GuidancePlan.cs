using FaceStudio.Core.Denoising;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// The batches a guided prediction runs each step and how their rows combine. Rows are ordered
/// Unconditional, [TextOnly], Conditional (native) or Unconditional, TextOnly, Identity 0..N−1 (composed), and
/// split into runs of <see cref="RowsPerRun"/> rows (the last run padded with copies of row 0).
/// </summary>
public sealed class GuidancePlan
{
    internal GuidancePlan(RegionMode mode, IReadOnlyList<GuidanceRow> rows, IReadOnlyList<DenoiserConditioning> runs, int rowsPerRun, int latentHeight, int latentWidth, GuidanceOptions options, CompositeNoiseBlend? blend)
    {
        Mode = mode;
        Rows = rows;
        Runs = runs;
        RowsPerRun = rowsPerRun;
        LatentHeight = latentHeight;
        LatentWidth = latentWidth;
        Options = options;
        Blend = blend;
    }

    /// <summary>Native or composed.</summary>
    public RegionMode Mode { get; }

    /// <summary>The logical rows, in order.</summary>
    public IReadOnlyList<GuidanceRow> Rows { get; }

    /// <summary>Conditioning of each denoiser run per step (one when the batch axis allows all rows).</summary>
    public IReadOnlyList<DenoiserConditioning> Runs { get; }

    /// <summary>Batch size of every run.</summary>
    public int RowsPerRun { get; }

    /// <summary>Latent height h.</summary>
    public int LatentHeight { get; }

    /// <summary>Latent width w.</summary>
    public int LatentWidth { get; }

    /// <summary>Guidance scales and flavour.</summary>
    public GuidanceOptions Options { get; }

    /// <summary>The composed-path blend; null on the native path.</summary>
    public CompositeNoiseBlend? Blend { get; }

    /// <summary>Index of the first row with <paramref name="role"/>, or −1.</summary>
    public int RowOf(GuidanceRowRole role)
    {
        for (int i = 0; i < Rows.Count; i++)
        {
            if (Rows[i].Role == role)
            {
                return i;
            }
        }

        return -1;
    }
}
