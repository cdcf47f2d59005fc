namespace FaceStudio.Core.Scheduling;

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
