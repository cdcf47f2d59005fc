using FaceStudio.Jobs;
using FaceStudio.Jobs.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>services.AddRedisJobs(...)</c>: the FaceStudio job queue on Redis Streams (<see cref="IJobQueue"/>), and
/// <c>services.AddFaceStudioJobWorker()</c>: the worker that runs its jobs as a hosted service.
/// </summary>
public static class RedisJobsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IJobQueue"/> on Redis, configured from a section (by convention <c>FaceStudio:Jobs</c>,
    /// whose <c>Redis</c> key is the connection string); options are validated when the host starts. Needs an
    /// <c>IImageCodec</c> (e.g. <c>AddFaceStudioImaging()</c>) to store input images as PNG.
    /// </summary>
    public static IServiceCollection AddRedisJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddRedisJobs(services, o => o.Bind(configuration));
    }

    /// <summary>Registers <see cref="IJobQueue"/> on Redis, configured by a delegate.</summary>
    public static IServiceCollection AddRedisJobs(this IServiceCollection services, Action<RedisJobsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddRedisJobs(services, o => o.Configure(configure));
    }

    /// <summary>
    /// Registers the worker (a hosted service) that runs queued jobs through the default <c>FaceStudioPipeline</c>
    /// (register it with <c>AddFaceStudio(...)</c>) unless another <see cref="IJobExecutor"/> is registered. Call after
    /// <see cref="AddRedisJobs(IServiceCollection, IConfiguration)"/>. Give the host a shutdown timeout longer than
    /// <see cref="RedisJobsOptions.ShutdownGrace"/> (<c>HostOptions.ShutdownTimeout</c>), or running jobs are cut off
    /// before they are handed back.
    /// </summary>
    public static IServiceCollection AddFaceStudioJobWorker(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IJobExecutor, PipelineJobExecutor>();
        services.AddHostedService<RedisJobWorker>();
        return services;
    }

    /// <summary>
    /// Chains after <c>services.AddFaceStudio(config)</c>: <c>….AddImaging().AddRedisJobs(config.GetSection("FaceStudio:Jobs"))</c>
    /// (see <see cref="AddRedisJobs(IServiceCollection, IConfiguration)"/>).
    /// </summary>
    public static IFaceStudioBuilder AddRedisJobs(this IFaceStudioBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRedisJobs(configuration);
        return builder;
    }

    /// <summary>Chains after <c>….AddRedisJobs(…)</c>: the worker (see <see cref="AddFaceStudioJobWorker(IServiceCollection)"/>).</summary>
    public static IFaceStudioBuilder AddJobWorker(this IFaceStudioBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFaceStudioJobWorker();
        return builder;
    }

    private static IServiceCollection AddRedisJobs(IServiceCollection services, Action<OptionsBuilder<RedisJobsOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<RedisJobsOptions> options = services.AddOptions<RedisJobsOptions>();
        configure(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisJobsOptions>, Validator>());
        services.TryAddSingleton<RedisJobsConnection>();
        services.TryAddSingleton<IJobQueue, RedisJobQueue>();
        return services;
    }

    private sealed class Validator : IValidateOptions<RedisJobsOptions>
    {
        public ValidateOptionsResult Validate(string? name, RedisJobsOptions options)
        {
            IReadOnlyList<string> problems = options.Problems();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"FaceStudio:Jobs: {p}"));
        }
    }
}
