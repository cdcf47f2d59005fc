namespace FaceStudio.Core.Scheduling;

/// <summary>What the last sigma of a sigma-based schedule is.</summary>
public enum FinalSigmas
{
    /// <summary>The schedule ends at sigma 0 (a fully denoised sample).</summary>
    Zero,

    /// <summary>The schedule ends at the smallest training sigma.</summary>
    SigmaMin,
}
