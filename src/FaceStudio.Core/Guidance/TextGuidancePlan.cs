using System.Globalization;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>The guidance plan of a text-only request (no identity, no style).</summary>
internal static class TextGuidancePlan
{
    /// <summary>
    /// Plain classifier-free guidance: rows [unconditional, conditional], in one run of 2 (dynamic batch) or in runs of
    /// the denoiser's fixed batch size, the last run padded with copies of row 0 whose outputs are ignored.
    /// </summary>
    public static GuidancePlan Create(DenoiserCapabilities caps, FloatTensor prompt, FloatTensor uncond, GuidanceOptions options, int latentHeight, int latentWidth)
    {
        int t = prompt.Dim(0), d = prompt.Dim(1);
        if (caps.ContextDim != d)
        {
            throw new ModelContractException(Inv($"The denoiser's context is {caps.ContextDim} wide but the text encoder's tokens are {d} wide."));
        }

        GuidanceRow[] rows = [new(GuidanceRowRole.Unconditional), new(GuidanceRowRole.Conditional)];
        FloatTensor[] rowTokens = [uncond, prompt];
        int rowsPerRun = caps.FixedBatchSize ?? rows.Length;
        if (rowsPerRun <= 0)
        {
            throw new ModelContractException(Inv($"The denoiser's fixed batch size must be positive but is {rowsPerRun}."));
        }

        int runCount = (rows.Length + rowsPerRun - 1) / rowsPerRun;
        var runs = new DenoiserConditioning[runCount];
        for (int run = 0; run < runCount; run++)
        {
            var hidden = new FloatTensor(rowsPerRun, t, d);
            for (int b = 0; b < rowsPerRun; b++)
            {
                int r = (run * rowsPerRun) + b;
                rowTokens[r < rows.Length ? r : 0].Span.CopyTo(hidden.Buffer.AsSpan(b * t * d, t * d));
            }

            runs[run] = new DenoiserConditioning(hidden);
        }

        return new GuidancePlan(RegionMode.Composed, rows, runs, rowsPerRun, latentHeight, latentWidth, options, blend: null);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
