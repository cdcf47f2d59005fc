using System.Diagnostics.Metrics;
using FaceStudio.Core.AI;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

// In Microsoft.Extensions.DependencyInjection, as Microsoft's own Add… extensions are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers FaceStudio pipelines with Microsoft.Extensions.DependencyInjection. Backends add their own
/// <c>AddFaceStudio(...)</c> overloads (FaceStudio.Onnx: model packs from configuration) on top of these.
/// </summary>
public static class FaceStudioServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default <see cref="FaceStudioPipeline"/> as a singleton, composed by <paramref name="configure"/>
    /// (with the container's logger factory and meter factory already applied).
    /// </summary>
    public static IServiceCollection AddFaceStudioPipeline(this IServiceCollection services, Action<IServiceProvider, FaceStudioPipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddShared(services);
        services.AddSingleton(sp => Build(sp, configure));
        return services;
    }

    /// <summary>
    /// Registers a named pipeline as a keyed singleton (resolve with <c>[FromKeyedServices(name)]</c> or
    /// <c>GetRequiredKeyedService&lt;FaceStudioPipeline&gt;(name)</c>); one per model pack, for example.
    /// </summary>
    public static IServiceCollection AddFaceStudioPipeline(this IServiceCollection services, string name, Action<IServiceProvider, FaceStudioPipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        AddShared(services);
        services.AddKeyedSingleton(name, (sp, _) => Build(sp, configure));
        return services;
    }

    /// <summary>
    /// Registers the default pipeline as a Microsoft.Extensions.AI <c>IImageGenerator</c> (needs an
    /// <see cref="IImageCodec"/> registration, e.g. <c>AddFaceStudioImaging()</c>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.Experimental("MEAI001")]
    public static IServiceCollection AddFaceStudioImageGenerator(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
#pragma warning disable MEAI001 // IImageGenerator is experimental; this method carries the same diagnostic.
        services.TryAddSingleton<Microsoft.Extensions.AI.IImageGenerator>(sp => new FaceStudioImageGenerator(sp.GetRequiredService<FaceStudioPipeline>(), sp.GetRequiredService<IImageCodec>()));
#pragma warning restore MEAI001
        return services;
    }

    private static void AddShared(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new FaceStudioTelemetry(sp.GetService<IMeterFactory>()));

        // Scheduler and noise-source factories: register your own before (or instead of) these defaults.
        services.TryAddSingleton<ISchedulerFactory>(CatalogSchedulerFactory.Instance);
        services.TryAddSingleton<INoiseSourceFactory>(NamedNoiseSourceFactory.Instance);
    }

    private static FaceStudioPipeline Build(IServiceProvider services, Action<IServiceProvider, FaceStudioPipelineBuilder> configure)
    {
        var builder = new FaceStudioPipelineBuilder().UseTelemetry(services.GetRequiredService<FaceStudioTelemetry>());
        if (services.GetService<ILoggerFactory>() is { } loggerFactory)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        builder.UseSchedulerFactory(services.GetRequiredService<ISchedulerFactory>())
            .UseNoiseSourceFactory(services.GetRequiredService<INoiseSourceFactory>());

        configure(services, builder);
        return builder.Build();
    }
}
