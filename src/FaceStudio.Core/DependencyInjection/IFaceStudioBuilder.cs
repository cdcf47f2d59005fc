// In Microsoft.Extensions.DependencyInjection, as Microsoft's own builders are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>services.AddFaceStudio(...)</c> so that registrations chain:
/// <c>services.AddFaceStudio(config).UseDemoPack().AddImaging()</c>.
/// </summary>
public interface IFaceStudioBuilder
{
    /// <summary>The service collection the pipeline is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>The options name of this pipeline: empty for the default pipeline, else the keyed pipeline's name.</summary>
    string Name { get; }
}
