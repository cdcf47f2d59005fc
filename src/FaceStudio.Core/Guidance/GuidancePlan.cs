using FaceStudio.Core.Denoising;

namespace FaceStudio.Core.Guidance;

/// <summary>How regions reach the denoiser.</summary>
public enum RegionMode
{
    /// <summary>The denoiser takes identity_tokens/identity_masks/identity_scales and routes attention itself.</summary>
    Native,

    /// <summary>One pass per identity plus a text-only pass, blended per step with the masks.</summary>
    Composed,
}

/// <summary>What one batch row of the guided prediction holds.</summary>
public enum GuidanceRowRole
{
    /// <summary>Empty/negative prompt, identities zeroed (<c>ε_u</c>).</summary>
    Unconditional,

    /// <summary>Prompt, identities zeroed (<c>ε_t</c>): the text-only pass of the composed path, and the middle row of separate identity guidance.</summary>
    TextOnly,

    /// <summary>Prompt and every identity through native regions (<c>ε_c</c>).</summary>
    Conditional,

    /// <summary>Prompt and one identity's tokens (composed path, <c>ε_k</c>).</summary>
    Identity,
}

/// <summary>One batch row: its role and, for <see cref="GuidanceRowRole.Identity"/>, which identity.</summary>
public readonly record struct GuidanceRow(GuidanceRowRole Role, int Identity = -1);

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
