using System.Text.Json;

namespace FaceStudio.Core.Scheduling;

/// <summary>A diffusers scheduler configuration mapped onto the SDK: the catalog name and its settings.</summary>
/// <param name="Name">Stable scheduler name (see <see cref="SchedulerCatalog"/>).</param>
/// <param name="Config">The settings, for the file's own scheduler class.</param>
public sealed record DiffusersScheduler(string Name, SchedulerConfig Config)
{
    /// <summary>
    /// The settings the file gave explicitly (a clone of its JSON object), or <see langword="null"/> when the record was
    /// made by hand; <see cref="ConfigFor"/> lays them over another scheduler class's defaults.
    /// </summary>
    public JsonElement? Settings { get; init; }

    /// <summary>
    /// The settings the scheduler <paramref name="name"/> gets from this configuration, as diffusers'
    /// <c>StableDiffusionPipeline</c> gives them to <c>{Class}.from_config(pipe.scheduler.config)</c>: the keys the file
    /// set, over that class's own constructor defaults (so DDIM keeps <c>set_alpha_to_one = True</c> when an Euler
    /// config leaves it out), then the pipeline's two corrections of old configs (<c>steps_offset = 1</c>,
    /// <c>clip_sample = False</c>).
    /// </summary>
    /// <param name="name">A catalog name (see <see cref="SchedulerCatalog"/>, case-insensitive); the Karras names also
    /// set <c>use_karras_sigmas</c>, as their catalog schedulers do.</param>
    /// <returns>The settings; <see cref="Config"/> with the corrections when the record has no <see cref="Settings"/>.</returns>
    /// <exception cref="Errors.FaceStudioValidationException">The name is not in the catalog, or a setting of the file
    /// cannot be honoured.</exception>
    public SchedulerConfig ConfigFor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        string className = DiffusersSchedulerConfig.ClassOf(key);
        SchedulerConfig config = Settings is { } settings
            ? DiffusersSchedulerConfig.Apply(className, settings, DiffusersSchedulerConfig.Defaults(className))
            : Config;
        bool karras = key is SchedulerCatalog.DpmPlusPlus2MKarras or SchedulerCatalog.DpmPlusPlus2MSdeKarras; // from_config(..., use_karras_sigmas=True)
        return config with { StepsOffset = 1, ClipSample = false, UseKarrasSigmas = config.UseKarrasSigmas || karras };
    }
}
