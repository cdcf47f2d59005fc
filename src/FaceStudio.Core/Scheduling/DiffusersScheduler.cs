using System.Globalization;
using System.Text.Json;

namespace FaceStudio.Core.Scheduling;

/// <summary>A diffusers scheduler configuration mapped onto the SDK: the catalog name and its settings.</summary>
/// <param name="Name">Stable scheduler name (see <see cref="SchedulerCatalog"/>).</param>
/// <param name="Config">The settings.</param>
public sealed record DiffusersScheduler(string Name, SchedulerConfig Config);
