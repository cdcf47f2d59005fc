using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FaceStudio.Jobs.Redis;

/// <summary>
/// The job queue's own multiplexer (one per process), connected on first use. It keeps retrying when Redis is
/// away (<c>abortConnect=false</c>) and reconnects quickly after a Redis restart.
/// </summary>
internal sealed class RedisJobsConnection : IAsyncDisposable, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;
    private readonly SemaphoreSlim _groupLock = new(1, 1);
    private volatile bool _groupReady;

    public RedisJobsConnection(IOptions<RedisJobsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        Keys = new RedisJobKeys(Options.Stream);
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(() =>
        {
            ConfigurationOptions config = ConfigurationOptions.Parse(Options.Redis ?? throw new InvalidOperationException("FaceStudio:Jobs:Redis is not set."));
            config.AbortOnConnectFail = false;
            config.ReconnectRetryPolicy = new LinearRetry(500);
            config.ClientName ??= "facestudio-jobs-" + Options.EffectiveConsumer;
            return ConnectionMultiplexer.ConnectAsync(config);
        });
    }

    public RedisJobsOptions Options { get; }

    public RedisJobKeys Keys { get; }

    public Task<ConnectionMultiplexer> GetAsync() => _multiplexer.Value;

    public async Task<IDatabase> DatabaseAsync() => (await GetAsync().ConfigureAwait(false)).GetDatabase();

    /// <summary>Creates the consumer group (and stream) once per process; again after <see cref="ResetGroup"/>.</summary>
    public async Task EnsureGroupAsync(IDatabase db)
    {
        if (_groupReady)
        {
            return;
        }

        await _groupLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_groupReady)
            {
                try
                {
                    // From "0": jobs enqueued before the first worker started are delivered too.
                    await db.StreamCreateConsumerGroupAsync(Keys.Stream, Options.ConsumerGroup, "0", createStream: true).ConfigureAwait(false);
                }
                catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
                {
                    // Exists already.
                }

                _groupReady = true;
            }
        }
        finally
        {
            _groupLock.Release();
        }
    }

    /// <summary>The group vanished (NOGROUP, e.g. Redis lost its data): create it again on next use.</summary>
    public void ResetGroup() => _groupReady = false;

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            try
            {
                await (await _multiplexer.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Never connected.
            }
        }

        _groupLock.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
