using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>The default <see cref="ISchedulerFactory"/>: the schedulers of <see cref="SchedulerCatalog"/>.</summary>
public sealed class CatalogSchedulerFactory : ISchedulerFactory
{
    /// <summary>The shared instance (stateless).</summary>
    public static CatalogSchedulerFactory Instance { get; } = new();

    /// <inheritdoc />
    public IScheduler Create(string name, SchedulerConfig config, INoiseSource noise) => SchedulerCatalog.Create(name, config, noise);
}
