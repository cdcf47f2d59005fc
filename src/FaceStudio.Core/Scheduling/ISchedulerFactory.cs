using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Creates the scheduler of one image for a pipeline request. Inject your own (builder's
/// <c>UseSchedulerFactory</c>, or a DI registration) to add schedulers; <see cref="CatalogSchedulerFactory"/> is the default.
/// </summary>
public interface ISchedulerFactory
{
    /// <summary>Creates the scheduler named <paramref name="name"/>.</summary>
    /// <param name="name">The request's scheduler name.</param>
    /// <param name="config">The model's training noise schedule.</param>
    /// <param name="noise">The image's noise source; stochastic schedulers draw their step noise from it, after the initial latents.</param>
    /// <returns>A new scheduler (one per image; schedulers hold per-run state).</returns>
    /// <exception cref="Errors.FaceStudioValidationException">The name is unknown.</exception>
    IScheduler Create(string name, SchedulerConfig config, INoiseSource noise);
}
