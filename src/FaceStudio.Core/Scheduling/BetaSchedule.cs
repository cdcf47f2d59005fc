namespace FaceStudio.Core.Scheduling;

/// <summary>How the training betas are laid out over the training timesteps.</summary>
public enum BetaSchedule
{
    /// <summary>Betas linear from start to end (diffusers <c>linear</c>).</summary>
    Linear,

    /// <summary>Square roots of the betas linear, then squared (diffusers <c>scaled_linear</c>, Stable Diffusion).</summary>
    ScaledLinear,

    /// <summary>Cosine alpha-bar schedule capped at 0.999 (diffusers <c>squaredcos_cap_v2</c>).</summary>
    SquaredCosCapV2,
}
