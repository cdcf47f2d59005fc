namespace FaceStudio.Core.Scheduling;

/// <summary>DDPM posterior variance.</summary>
public enum DdpmVarianceType
{
    /// <summary>β̃ₜ, the posterior variance (diffusers <c>fixed_small</c>).</summary>
    FixedSmall,

    /// <summary>βₜ (diffusers <c>fixed_large</c>).</summary>
    FixedLarge,
}
