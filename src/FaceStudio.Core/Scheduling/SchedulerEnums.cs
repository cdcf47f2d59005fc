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

/// <summary>How inference timesteps are picked from the training timesteps (diffusers <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary>Evenly spaced from 0 up with a fixed integer stride, plus <see cref="SchedulerConfig.StepsOffset"/>.</summary>
    Leading,

    /// <summary>Evenly spaced down from the last training timestep.</summary>
    Trailing,

    /// <summary>Evenly spaced over [0, last training timestep], both ends included.</summary>
    Linspace,
}

/// <summary>What the denoiser predicts.</summary>
public enum PredictionType
{
    /// <summary>The added noise ε.</summary>
    Epsilon,

    /// <summary>The velocity v = α·ε − σ·x₀.</summary>
    VPrediction,

    /// <summary>The clean sample x₀.</summary>
    Sample,
}

/// <summary>What the last sigma of a sigma-based schedule is.</summary>
public enum FinalSigmas
{
    /// <summary>The schedule ends at sigma 0 (a fully denoised sample).</summary>
    Zero,

    /// <summary>The schedule ends at the smallest training sigma.</summary>
    SigmaMin,
}

/// <summary>DDPM posterior variance.</summary>
public enum DdpmVarianceType
{
    /// <summary>β̃ₜ, the posterior variance (diffusers <c>fixed_small</c>).</summary>
    FixedSmall,

    /// <summary>βₜ (diffusers <c>fixed_large</c>).</summary>
    FixedLarge,
}
