using FaceStudio.Core.Errors;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Creates schedulers by stable name. Names never change once shipped; the diffusers class each one matches is
/// listed in docs/schedulers.md.
/// </summary>
public static class SchedulerCatalog
{
    /// <summary>DDIM (η from the config).</summary>
    public const string Ddim = "ddim";

    /// <summary>PNDM, PLMS steps only.</summary>
    public const string Pndm = "pndm";

    /// <summary>Euler (Karras sigmas when the config asks).</summary>
    public const string Euler = "euler";

    /// <summary>Euler ancestral.</summary>
    public const string EulerAncestral = "euler-a";

    /// <summary>DPM-Solver++ 2M.</summary>
    public const string DpmPlusPlus2M = "dpmpp-2m";

    /// <summary>DPM-Solver++ 2M with Karras sigmas.</summary>
    public const string DpmPlusPlus2MKarras = "dpmpp-2m-karras";

    /// <summary>SDE-DPM-Solver++ 2M.</summary>
    public const string DpmPlusPlus2MSde = "dpmpp-2m-sde";

    /// <summary>SDE-DPM-Solver++ 2M with Karras sigmas.</summary>
    public const string DpmPlusPlus2MSdeKarras = "dpmpp-2m-sde-karras";

    /// <summary>UniPC, bh2.</summary>
    public const string UniPc = "unipc";

    /// <summary>Linear multistep.</summary>
    public const string Lms = "lms";

    /// <summary>Heun.</summary>
    public const string Heun = "heun";

    /// <summary>Latent consistency model sampling.</summary>
    public const string Lcm = "lcm";

    /// <summary>DDPM ancestral sampling.</summary>
    public const string Ddpm = "ddpm";

    /// <summary>Every known name, in documentation order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        Ddim, Pndm, Euler, EulerAncestral, DpmPlusPlus2M, DpmPlusPlus2MKarras, DpmPlusPlus2MSde, DpmPlusPlus2MSdeKarras,
        UniPc, Lms, Heun, Lcm, Ddpm,
    ];

    /// <summary>True for names whose scheduler draws noise on every run (they need an <see cref="INoiseSource"/>).</summary>
    public static bool IsStochastic(string name) => name is EulerAncestral or DpmPlusPlus2MSde or DpmPlusPlus2MSdeKarras or Lcm or Ddpm;

    /// <summary>Creates a scheduler by name (case-insensitive).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="config">Settings; <see cref="SchedulerConfig.StableDiffusion15"/> when null. Karras names force Karras sigmas.</param>
    /// <param name="noise">Random source; required by stochastic schedulers and by DDIM with η &gt; 0.</param>
    /// <returns>The scheduler; call <see cref="IScheduler.SetTimesteps"/> before use.</returns>
    public static IScheduler Create(string name, SchedulerConfig? config = null, INoiseSource? noise = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        config ??= SchedulerConfig.StableDiffusion15;
        string key = name.Trim().ToLowerInvariant();
        return key switch
        {
            Ddim => new DdimScheduler(config, noise),
            Pndm => new PndmScheduler(config),
            Euler => new EulerDiscreteScheduler(Euler, config, noise),
            EulerAncestral => new EulerAncestralScheduler(config, noise),
            DpmPlusPlus2M => new DpmSolverMultistepScheduler(DpmPlusPlus2M, config, false, noise),
            DpmPlusPlus2MKarras => new DpmSolverMultistepScheduler(DpmPlusPlus2MKarras, config with { UseKarrasSigmas = true }, false, noise),
            DpmPlusPlus2MSde => new DpmSolverMultistepScheduler(DpmPlusPlus2MSde, config, true, noise),
            DpmPlusPlus2MSdeKarras => new DpmSolverMultistepScheduler(DpmPlusPlus2MSdeKarras, config with { UseKarrasSigmas = true }, true, noise),
            UniPc => new UniPcMultistepScheduler(config),
            Lms => new LmsDiscreteScheduler(config),
            Heun => new HeunScheduler(config),
            Lcm => new LcmScheduler(config, noise),
            Ddpm => new DdpmScheduler(config, noise),
            _ => throw new FaceStudioValidationException(nameof(name),
                $"Unknown scheduler name '{name}'. Known names: {string.Join(", ", Names)}."),
        };
    }
}
