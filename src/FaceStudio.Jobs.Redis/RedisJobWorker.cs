using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace FaceStudio.Jobs.Redis;

/// <summary>
/// The worker: takes jobs from the consumer group (new entries with XREADGROUP, stale ones with XAUTOCLAIM), runs
/// them through an <see cref="IJobExecutor"/> with at most <see cref="RedisJobsOptions.Concurrency"/> at a time, stores
/// the result and acknowledges the entry in one fenced script, publishes progress, and honours cancels within a step.
/// On shutdown it stops taking work, lets running jobs finish for <see cref="RedisJobsOptions.ShutdownGrace"/>, then
/// hands the rest back to the queue.
/// </summary>
internal sealed class RedisJobWorker : BackgroundService
{
    private readonly RedisJobsConnection _connection;
    private readonly IJobExecutor _executor;
    private readonly IImageCodec _codec;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _tasks = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _slots;
    private IDatabase? _db;
    private long _nextClaimCheck;

    public RedisJobWorker(RedisJobsConnection connection, IJobExecutor executor, IImageCodec codec, ILogger<RedisJobWorker>? logger = null)
    {
        _connection = connection;
        _executor = executor;
        _codec = codec;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Consumer = Options.EffectiveConsumer;
        _slots = new SemaphoreSlim(Options.Concurrency, Options.Concurrency);
    }

    /// <summary>This worker's consumer name.</summary>
    public string Consumer { get; }

    private RedisJobsOptions Options => _connection.Options;

    private RedisJobKeys Keys => _connection.Keys;

    private IDatabase Db => _db ?? throw new InvalidOperationException("The worker has not started.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ConnectionMultiplexer multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        _db = multiplexer.GetDatabase();
        ISubscriber subscriber = multiplexer.GetSubscriber();

        // Redis may not be up yet (containers start in any order): keep trying until it is, or until asked to stop.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await subscriber.SubscribeAsync(Keys.Wake, (_, _) => _wake.Writer.TryWrite(true)).ConfigureAwait(false);
                await subscriber.SubscribeAsync(Keys.Cancel, (_, id) =>
                {
                    if (!id.IsNullOrEmpty && _running.TryGetValue(id!, out RunningJob? job))
                    {
                        job.Stop(StopReason.Cancelled);
                    }
                }).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.LogWarning("Redis is not reachable yet (try {Attempt}): {Error}", attempt, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt)), stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        using var heartbeatStop = new CancellationTokenSource();
        Task heartbeat = HeartbeatLoopAsync(heartbeatStop.Token);
        _logger.LogInformation("Worker {Consumer} takes jobs from stream {Stream}, group {Group}, {Concurrency} at a time.", Consumer, Options.Stream, Options.ConsumerGroup, Options.Concurrency);
        try
        {
            await TakeWorkAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        // Stop taking work; give the running jobs their grace period, then hand them back.
        Task running = Task.WhenAll(_tasks.Keys);
        if (!running.IsCompleted)
        {
            _logger.LogInformation("Shutting down: waiting up to {Grace} for {Count} running job(s).", Options.ShutdownGrace, _running.Count);
            await Task.WhenAny(running, Task.Delay(Options.ShutdownGrace, CancellationToken.None)).ConfigureAwait(false);
            foreach (RunningJob job in _running.Values)
            {
                job.Stop(StopReason.Shutdown);
            }

            await running.ConfigureAwait(false);
        }

        await heartbeatStop.CancelAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
        try
        {
            await Db.HashDeleteAsync(Keys.Workers, Consumer).ConfigureAwait(false);

            // Leave the group tidy: remove this consumer unless entries are still pending on it (deleting it would drop them).
            StreamPendingMessageInfo[] pending = await Db.StreamPendingMessagesAsync(Keys.Stream, Options.ConsumerGroup, 1, Consumer).ConfigureAwait(false);
            if (pending.Length == 0)
            {
                await Db.StreamDeleteConsumerAsync(Keys.Stream, Options.ConsumerGroup, Consumer).ConfigureAwait(false);
            }

            await subscriber.UnsubscribeAsync(Keys.Wake).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(Keys.Cancel).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning("Could not deregister worker {Consumer}: {Error}", Consumer, ex.Message);
        }

        _logger.LogInformation("Worker {Consumer} stopped.", Consumer);
    }

    private async Task TakeWorkAsync(CancellationToken stoppingToken)
    {
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            StreamEntry entry;
            try
            {
                await _connection.EnsureGroupAsync(Db).ConfigureAwait(false);
                entry = await NextEntryAsync().ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _slots.Release();
                if (ex.Message.Contains("NOGROUP", StringComparison.Ordinal))
                {
                    _connection.ResetGroup();
                }

                failures++;
                _logger.LogWarning("Reading the stream failed ({Failures} in a row): {Error}", failures, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * failures)), stoppingToken).ConfigureAwait(false);
                continue;
            }

            if (entry.IsNull)
            {
                _slots.Release();
                await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                continue;
            }

            Task task = Task.Run(() => RunEntryAsync(entry), CancellationToken.None);
            _tasks[task] = true;
            _ = task.ContinueWith(
                t =>
                {
                    _tasks.TryRemove(t, out _);
                    _slots.Release();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>A stale entry (idle past ClaimIdleTime: its worker died) first, checked every half idle time; else a new one.</summary>
    private async Task<StreamEntry> NextEntryAsync()
    {
        long now = Environment.TickCount64;
        if (now >= Interlocked.Read(ref _nextClaimCheck))
        {
            StreamAutoClaimResult claimed = await Db.StreamAutoClaimAsync(
                Keys.Stream, Options.ConsumerGroup, Consumer, (long)Options.ClaimIdleTime.TotalMilliseconds, "0-0", 1).ConfigureAwait(false);
            if (!claimed.IsNull && claimed.ClaimedEntries.Length > 0)
            {
                _logger.LogInformation("Reclaimed stream entry {Entry} (idle over {Idle}).", claimed.ClaimedEntries[0].Id, Options.ClaimIdleTime);
                return claimed.ClaimedEntries[0];
            }

            Interlocked.Exchange(ref _nextClaimCheck, now + (long)(Options.ClaimIdleTime.TotalMilliseconds / 2));
        }

        StreamEntry[] entries = await Db.StreamReadGroupAsync(Keys.Stream, Options.ConsumerGroup, Consumer, StreamPosition.NewMessages, 1).ConfigureAwait(false);
        return entries.Length > 0 ? entries[0] : StreamEntry.Null;
    }

    /// <summary>Waits for an enqueue notification, the poll interval, or the next reclaim check, whichever is first.</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        TimeSpan untilClaim = TimeSpan.FromMilliseconds(Math.Max(1, Interlocked.Read(ref _nextClaimCheck) - Environment.TickCount64));
        TimeSpan wait = untilClaim < Options.PollInterval ? untilClaim : Options.PollInterval;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(wait);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Poll interval elapsed.
        }
    }

    private async Task RunEntryAsync(StreamEntry entry)
    {
        string entryId = entry.Id!;
        RedisValue idValue = entry["id"];
        if (idValue.IsNullOrEmpty || !RedisJobKeys.IsValidId(idValue))
        {
            _logger.LogWarning("Dropping malformed stream entry {Entry}.", entryId);
            await Retry(() => Db.StreamAcknowledgeAsync(Keys.Stream, Options.ConsumerGroup, entryId), "ack malformed entry").ConfigureAwait(false);
            return;
        }

        string id = idValue!;
        RedisResult[]? start = await Retry(
            async () => (RedisResult[]?)await Db.ScriptEvaluateAsync(
                RedisJobScripts.Start,
                [Keys.Stream, Keys.Job(id), Keys.Dead],
                [Options.ConsumerGroup, entryId, Consumer, Options.MaxDeliveries, (long)Options.ResultTtl.TotalMilliseconds, id, Keys.EventsName(id), Options.DeadLetterMaxLength]).ConfigureAwait(false),
            "start job").ConfigureAwait(false);
        if (start is null || (string?)start[0] != "run")
        {
            if (start is not null)
            {
                _logger.LogInformation("Job {Id} (entry {Entry}) not run: {Reason}.", id, entryId, (string?)start[1]);
            }

            return;
        }

        long attempt = (long)start[1];
        string payloadJson = (string)start[2]!;
        int deliveries = (int)start[3];
        using var job = new RunningJob(id, entryId, attempt);
        _running[id] = job;
        try
        {
            _logger.LogInformation("Job {Id} started (attempt {Attempt}, delivery {Deliveries}).", id, attempt, deliveries);
            JobPayload payload = JobPayload.FromJson(payloadJson);
            GenerationRequest request = payload.ToRequest(await LoadBlobsAsync(payload).ConfigureAwait(false), _codec);
            var timer = Stopwatch.StartNew();
            JobOutput output = await Task.Run(() => _executor.ExecuteAsync(request, new Progress(this, job), job.Token), job.Token).ConfigureAwait(false);
            long generationMs = timer.ElapsedMilliseconds;
            string metadata = JobJson.SerializeMetadata(output.Metadata);
            var args = new List<RedisValue>
            {
                Options.ConsumerGroup, entryId, attempt, (long)Options.ResultTtl.TotalMilliseconds, metadata, generationMs, Keys.EventsName(id), output.Images.Count,
            };
            args.AddRange(output.Images.Select(i => (RedisValue)i));
            timer.Restart();
            string? stored = await Retry(
                async () => (string?)await Db.ScriptEvaluateAsync(RedisJobScripts.Complete, [Keys.Stream, Keys.Job(id)], [.. args]).ConfigureAwait(false),
                "store result").ConfigureAwait(false);
            long storeMs = timer.ElapsedMilliseconds;
            if (stored == "ok")
            {
                _logger.LogInformation("Job {Id} succeeded in {Ms} ms (result stored in {StoreMs} ms).", id, generationMs, storeMs);
                // For benchmarks and dashboards; only on a hash that still exists (never recreate an expired job without expiry).
                _ = Db.ScriptEvaluateAsync(
                    "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'store_ms', ARGV[1]) end return 0",
                    [Keys.Job(id)],
                    [storeMs],
                    CommandFlags.FireAndForget);
            }
            else if (stored == "stale")
            {
                _logger.LogWarning("Job {Id} attempt {Attempt} finished, but the job was reclaimed meanwhile: result discarded.", id, attempt);
            }
        }
        catch (OperationCanceledException) when (job.Reason != StopReason.None)
        {
            switch (job.Reason)
            {
                case StopReason.Cancelled:
                    await FinishAsync(job, "cancelled", string.Empty).ConfigureAwait(false);
                    _logger.LogInformation("Job {Id} cancelled.", id);
                    break;
                case StopReason.Shutdown:
                    await FinishAsync(job, "handback", string.Empty).ConfigureAwait(false);
                    _logger.LogInformation("Job {Id} handed back to the queue (shutdown).", id);
                    break;
                default:
                    _logger.LogWarning("Job {Id} attempt {Attempt} stopped: another worker owns it now.", id, attempt);
                    break;
            }
        }
        catch (Exception ex) when (job.Reason == StopReason.Superseded)
        {
            _logger.LogWarning("Job {Id} attempt {Attempt} (superseded) ended with {Error}.", id, attempt, ex.Message);
        }
        catch (Exception ex)
        {
            string error = JobJson.OneLine(ex);
            bool final = IsPermanent(ex) || deliveries >= Options.MaxDeliveries;
            await FinishAsync(job, final ? "failed" : "retry", error).ConfigureAwait(false);
            _logger.LogWarning("Job {Id} failed (delivery {Deliveries} of {Max}, {Outcome}): {Error}", id, deliveries, Options.MaxDeliveries, final ? "dead-lettered" : "will retry", error);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    /// <summary>Errors that the same input would raise again: no retry.</summary>
    private static bool IsPermanent(Exception ex) =>
        ex is JobInputException or ImageInputException or FaceStudioValidationException or FaceNotFoundException or NotSupportedException or ArgumentException;

    private async Task<Dictionary<string, byte[]>> LoadBlobsAsync(JobPayload payload)
    {
        string[] hashes = [.. payload.BlobHashes()];
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (hashes.Length == 0)
        {
            return blobs;
        }

        RedisValue[] values = await Db.StringGetAsync([.. hashes.Select(h => Keys.Blob(h))]).ConfigureAwait(false);
        for (int i = 0; i < hashes.Length; i++)
        {
            if (!values[i].IsNull)
            {
                blobs[hashes[i]] = (byte[])values[i]!;
            }
        }

        return blobs;
    }

    private Task<string?> FinishAsync(RunningJob job, string kind, string error) => Retry(
        async () => (string?)await Db.ScriptEvaluateAsync(
            RedisJobScripts.Finish,
            [Keys.Stream, Keys.Job(job.Id), Keys.Dead],
            [Options.ConsumerGroup, job.EntryId, job.Attempt, kind, error, (long)Options.ResultTtl.TotalMilliseconds, job.Id, Keys.EventsName(job.Id), Keys.WakeName, Options.DeadLetterMaxLength, Consumer]).ConfigureAwait(false),
        kind);

    /// <summary>
    /// Runs a Redis call, retrying connection trouble for about 20 s (a Redis restart). Every script retried here is
    /// idempotent or fenced. Returns default when Redis stays away: the entry then stays pending and is reclaimed.
    /// </summary>
    private async Task<T?> Retry<T>(Func<Task<T>> call, string what)
    {
        for (int i = 0; ; i++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception ex) when ((ex is RedisConnectionException or RedisTimeoutException or TimeoutException) && i < 10)
            {
                _logger.LogWarning("Redis call '{What}' failed (try {Try}): {Error}", what, i + 1, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(4000, 250 << Math.Min(i, 5)))).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.LogError("Redis call '{What}' failed for good: {Error}", what, ex.Message);
                return default;
            }
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Db.HashSetAsync(Keys.Workers, Consumer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ConfigureAwait(false);
                foreach (RunningJob job in _running.Values)
                {
                    var outcome = (string?)await Db.ScriptEvaluateAsync(
                        RedisJobScripts.Heartbeat,
                        [Keys.Stream, Keys.Job(job.Id)],
                        [Options.ConsumerGroup, Consumer, job.EntryId, job.Attempt]).ConfigureAwait(false);
                    if (outcome == "cancel")
                    {
                        job.Stop(StopReason.Cancelled);
                    }
                    else if (outcome == "stale")
                    {
                        job.Stop(StopReason.Superseded);
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.LogDebug("Heartbeat failed: {Error}", ex.Message);
            }

            try
            {
                await Task.Delay(Options.HeartbeatInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    private void ReportProgress(RunningJob job, GenerationProgress progress)
    {
        if (!job.Advance(progress))
        {
            return;
        }

        // Fire and forget, in order on the one connection; the script ignores a superseded attempt.
        _ = Db.ScriptEvaluateAsync(
            RedisJobScripts.Progress,
            [Keys.Job(job.Id)],
            [job.Attempt, progress.Step, progress.TotalSteps, progress.ImageIndex, Keys.EventsName(job.Id)],
            CommandFlags.FireAndForget);
    }

    private enum StopReason
    {
        None,
        Cancelled,
        Shutdown,
        Superseded,
    }

    private sealed class Progress(RedisJobWorker worker, RunningJob job) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => worker.ReportProgress(job, value);
    }

    private sealed class RunningJob(string id, string entryId, long attempt) : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private int _reason;
        private long _last = -1;

        public string Id { get; } = id;

        public string EntryId { get; } = entryId;

        public long Attempt { get; } = attempt;

        public CancellationToken Token => _cts.Token;

        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        public void Stop(StopReason reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, 0) == 0)
            {
                try
                {
                    _cts.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // Finished meanwhile.
                }
            }
        }

        /// <summary>True when the report moves the visible progress (image, step, total).</summary>
        public bool Advance(GenerationProgress p)
        {
            long key = ((long)p.ImageIndex << 40) | ((long)p.TotalSteps << 20) | (long)p.Step;
            return Interlocked.Exchange(ref _last, key) != key;
        }

        public void Dispose() => _cts.Dispose();
    }
}
