using FaceStudio.Core.Pipeline;
using FaceStudio.Jobs.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace FaceStudio.Jobs.Tests;

/// <summary>The broker's scripts and the worker loop in process, with stand-in executors (no pipeline).</summary>
public sealed class BrokerTests
{
    [Fact]
    public async Task A_reclaimed_job_completes_once_and_the_first_attempt_can_neither_complete_nor_keep_it()
    {
        using RedisServer redis = RedisServer.Start();
        await using ServiceProvider services = JobsTestKit.Services(redis);
        var queue = services.GetRequiredService<IJobQueue>();
        IDatabase db = JobsTestKit.Db(services);
        RedisJobKeys keys = JobsTestKit.Keys(services);
        RedisJobsOptions o = JobsTestKit.Options(services);
        string id = await queue.EnqueueAsync(JobsTestKit.Request(seed: 1));

        // Worker a takes the entry and starts attempt 1.
        StreamEntry entry = Assert.Single(await db.StreamReadGroupAsync(keys.Stream, o.ConsumerGroup, "a", StreamPosition.NewMessages, 1));
        RedisResult[] a = await StartAsync(db, keys, o, entry.Id!, "a", id);
        Assert.Equal("run", (string?)a[0]);
        Assert.Equal(1, (long)a[1]);

        // a goes quiet; b reclaims the entry and starts attempt 2.
        StreamAutoClaimResult claimed = await db.StreamAutoClaimAsync(keys.Stream, o.ConsumerGroup, "b", 0, "0-0", 10);
        Assert.Equal(entry.Id, Assert.Single(claimed.ClaimedEntries).Id);
        RedisResult[] b = await StartAsync(db, keys, o, entry.Id!, "b", id);
        Assert.Equal(2, (long)b[1]);

        // a wakes up: its heartbeat, progress and result are refused; the job stays b's.
        Assert.Equal("stale", (string?)await db.ScriptEvaluateAsync(RedisJobScripts.Heartbeat, [keys.Stream, keys.Job(id)], [o.ConsumerGroup, "a", entry.Id, 1]));
        Assert.Equal(0, (long)await db.ScriptEvaluateAsync(RedisJobScripts.Progress, [keys.Job(id)], [1, 5, 10, 0, keys.EventsName(id)]));
        Assert.Equal("stale", await CompleteAsync(db, keys, o, entry.Id!, attempt: 1, id, [1, 2, 3]));
        Assert.Equal(JobState.Running, (await queue.GetStatusAsync(id))!.State);
        Assert.Equal("stale", (string?)await db.ScriptEvaluateAsync(
            RedisJobScripts.Finish,
            [keys.Stream, keys.Job(id), keys.Dead],
            [o.ConsumerGroup, entry.Id, 1, "failed", "late failure", 60_000, id, keys.EventsName(id), keys.WakeName, 100, "a"]));

        // b completes; a retry of the same completion is harmless; a still cannot overwrite.
        Assert.Equal("ok", await CompleteAsync(db, keys, o, entry.Id!, attempt: 2, id, [7, 8, 9]));
        Assert.Equal("ok", await CompleteAsync(db, keys, o, entry.Id!, attempt: 2, id, [7, 8, 9]));
        Assert.Equal("stale", await CompleteAsync(db, keys, o, entry.Id!, attempt: 1, id, [1, 2, 3]));

        JobResult result = Assert.IsType<JobResult>(await queue.GetResultAsync(id));
        Assert.Equal([7, 8, 9], Assert.Single(result.Images));
        Assert.Equal("b", result.Worker);
        Assert.Equal(1, (long)await db.HashGetAsync(keys.Job(id), "completions"));
        JobStatus status = (await queue.GetStatusAsync(id))!;
        Assert.Equal((JobState.Succeeded, 2, 2), (status.State, status.Attempt, status.Deliveries));
        Assert.Equal(0, await db.StreamLengthAsync(keys.Stream));
        Assert.Equal(0, (await db.StreamPendingAsync(keys.Stream, o.ConsumerGroup)).PendingMessageCount);
        Assert.InRange((await db.KeyTimeToLiveAsync(keys.Job(id)))!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Inputs_are_stored_once_by_content_hash_and_the_queue_refuses_jobs_above_its_depth()
    {
        using RedisServer redis = RedisServer.Start();
        await using ServiceProvider services = JobsTestKit.Services(redis, o => o.MaxQueueDepth = 3);
        var queue = services.GetRequiredService<IJobQueue>();
        IDatabase db = JobsTestKit.Db(services);
        RedisJobKeys keys = JobsTestKit.Keys(services);

        string first = await queue.EnqueueAsync(JobsTestKit.Request(seed: 1));
        await queue.EnqueueAsync(JobsTestKit.Request(seed: 2));
        await queue.EnqueueAsync(JobsTestKit.Request(seed: 3, face: JobsTestKit.Face(otherPerson: true)));
        JobQueueFullException full = await Assert.ThrowsAsync<JobQueueFullException>(() => queue.EnqueueAsync(JobsTestKit.Request(seed: 4)));
        Assert.Equal((3, 3), (full.Depth, full.MaxDepth));
        Assert.Equal(3, await queue.GetDepthAsync());

        // Two distinct pictures → two blobs, each named by its SHA-256; messages carry only the hash.
        RedisKey[] blobs = [.. redis.Keys(db, keys.Prefix + ":blob:*")];
        Assert.Equal(2, blobs.Length);
        string payload = (await db.HashGetAsync(keys.Job(first), "payload"))!;
        Assert.True(payload.Length < 1000, payload);
        string[] hashes = [.. blobs.Select(b => b.ToString()[(keys.Prefix.Length + ":blob:".Length)..])];
        Assert.Single(hashes, h => payload.Contains(h, StringComparison.Ordinal));
        Assert.All(hashes, h => Assert.Matches("^[0-9a-f]{64}$", h));

        // Cancelling a queued job frees its place at once.
        JobStatus cancelled = (await queue.CancelAsync(first))!;
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(2, await queue.GetDepthAsync());
        Assert.NotNull(await queue.EnqueueAsyncOrNull(JobsTestKit.Request(seed: 5)));
        Assert.Null(await queue.GetStatusAsync("not-a-job-id"));
        Assert.Null(await queue.CancelAsync(Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public async Task A_poison_job_is_dead_lettered_with_its_error_and_a_failing_job_after_max_deliveries()
    {
        using RedisServer redis = RedisServer.Start();
        var executor = new StubExecutor(_ => throw new InvalidOperationException("the GPU fell over"));
        await using ServiceProvider services = JobsTestKit.Services(redis, o => (o.Consumer, o.MaxDeliveries) = ("w", 3), s => s.AddSingleton<IJobExecutor>(executor).AddFaceStudioJobWorker());
        var queue = services.GetRequiredService<IJobQueue>();
        IDatabase db = JobsTestKit.Db(services);
        RedisJobKeys keys = JobsTestKit.Keys(services);

        // Poison: the stored input is not a picture. Deterministic, so dead-lettered on the first delivery.
        string poison = await queue.EnqueueAsync(JobsTestKit.Request(seed: 1));
        foreach (RedisKey blob in redis.Keys(db, keys.Prefix + ":blob:*"))
        {
            await db.StringSetAsync(blob, "not a png at all"u8.ToArray());
        }

        string flaky = await queue.EnqueueAsync(JobsTestKit.Request(seed: 2, face: JobsTestKit.Face(otherPerson: true)));
        IHostedService worker = services.GetServices<IHostedService>().Single();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            IReadOnlyList<JobStatus> final = await JobsTestKit.WaitForAllAsync(queue, [poison, flaky], TimeSpan.FromSeconds(30));
            Assert.Equal(JobState.Failed, final[0].State);
            Assert.Contains("face.png", final[0].Error, StringComparison.Ordinal);
            Assert.Equal(1, final[0].Deliveries);
            Assert.Equal(JobState.Failed, final[1].State);
            Assert.Contains("the GPU fell over", final[1].Error, StringComparison.Ordinal);
            Assert.Equal(3, final[1].Deliveries);
            Assert.Equal(3, executor.Calls);

            StreamEntry[] dead = await db.StreamRangeAsync(keys.Dead);
            Assert.Equal([poison, flaky], dead.Select(d => (string)d["id"]!));
            Assert.Equal(final[0].Error, (string?)dead[0]["error"]);
            Assert.Equal("3", (string?)dead[1]["deliveries"]);
            Assert.Equal(0, await queue.GetDepthAsync());
            Assert.Null(await queue.GetResultAsync(flaky));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task On_shutdown_a_worker_hands_its_running_job_back_and_another_worker_completes_it()
    {
        using RedisServer redis = RedisServer.Start();
        var blocking = new StubExecutor(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        await using ServiceProvider first = JobsTestKit.Services(redis, o => (o.Consumer, o.ShutdownGrace) = ("first", TimeSpan.FromMilliseconds(300)), s => s.AddSingleton<IJobExecutor>(blocking).AddFaceStudioJobWorker());
        var queue = first.GetRequiredService<IJobQueue>();
        string id = await queue.EnqueueAsync(JobsTestKit.Request(seed: 3));
        IHostedService worker = first.GetServices<IHostedService>().Single();
        await worker.StartAsync(CancellationToken.None);
        Assert.True(await JobsTestKit.Eventually(async () => (await queue.GetStatusAsync(id))!.State == JobState.Running, TimeSpan.FromSeconds(10)));
        await worker.StopAsync(CancellationToken.None);

        JobStatus handedBack = (await queue.GetStatusAsync(id))!;
        Assert.Equal((JobState.Queued, 1, 0), (handedBack.State, handedBack.Attempt, handedBack.Deliveries));
        Assert.Equal(1, await queue.GetDepthAsync());

        var quick = new StubExecutor(_ => Task.FromResult(new JobOutput([[1, 2, 3]], Metadata())));
        await using ServiceProvider second = JobsTestKit.Services(redis, o => o.Consumer = "second", s => s.AddSingleton<IJobExecutor>(quick).AddFaceStudioJobWorker());
        IHostedService other = second.GetServices<IHostedService>().Single();
        await other.StartAsync(CancellationToken.None);
        try
        {
            JobStatus done = Assert.Single(await JobsTestKit.WaitForAllAsync(queue, [id], TimeSpan.FromSeconds(20)));
            Assert.Equal((JobState.Succeeded, 2, 1, "second"), (done.State, done.Attempt, done.Deliveries, done.Worker));
        }
        finally
        {
            await other.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Options_are_validated_when_the_host_starts()
    {
        Assert.Empty(new RedisJobsOptions { Redis = "localhost" }.Problems());
        IReadOnlyList<string> problems = new RedisJobsOptions
        {
            Redis = " ",
            Stream = "has space",
            Concurrency = 0,
            MaxDeliveries = 0,
            ClaimIdleTime = TimeSpan.FromSeconds(2),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            MaxQueueDepth = -1,
            ResultTtl = TimeSpan.Zero,
        }.Problems();
        foreach (string word in new[] { "Redis", "Stream", "Concurrency", "MaxDeliveries", "HeartbeatInterval", "MaxQueueDepth", "ResultTtl" })
        {
            Assert.Contains(problems, p => p.StartsWith(word, StringComparison.Ordinal));
        }

        var services = new ServiceCollection();
        services.AddFaceStudioImaging();
        services.AddRedisJobs(o => o.Concurrency = 100);
        using ServiceProvider provider = services.BuildServiceProvider();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RedisJobsOptions>>().Value);
        Assert.Contains("FaceStudio:Jobs: Redis (the connection string) is required.", error.Failures);
        Assert.Contains(error.Failures, f => f.Contains("Concurrency", StringComparison.Ordinal));
    }

    internal static GenerationMetadata Metadata() => new()
    {
        Seed = 3,
        Scheduler = "euler_a",
        Steps = 2,
        ModelCalls = 2,
        Width = 64,
        Height = 64,
        GuidanceScale = 7.5f,
        Alpha = 0.5f,
        Timings = new StageTimings { Total = TimeSpan.FromMilliseconds(5) },
    };

    private static async Task<RedisResult[]> StartAsync(IDatabase db, RedisJobKeys keys, RedisJobsOptions o, string entry, string consumer, string id) =>
        (RedisResult[])(await db.ScriptEvaluateAsync(
            RedisJobScripts.Start,
            [keys.Stream, keys.Job(id), keys.Dead],
            [o.ConsumerGroup, entry, consumer, o.MaxDeliveries, 3_600_000, id, keys.EventsName(id), 100]))!;

    private static async Task<string?> CompleteAsync(IDatabase db, RedisJobKeys keys, RedisJobsOptions o, string entry, long attempt, string id, byte[] png) =>
        (string?)await db.ScriptEvaluateAsync(
            RedisJobScripts.Complete,
            [keys.Stream, keys.Job(id)],
            [o.ConsumerGroup, entry, attempt, 3_600_000, JobJson.SerializeMetadata(Metadata()), 1, keys.EventsName(id), 1, png]);

    /// <summary>An executor that runs a delegate and counts its calls.</summary>
    private sealed class StubExecutor(Func<CancellationToken, Task<JobOutput>> run) : IJobExecutor
    {
        private int _calls;

        public int Calls => _calls;

        public Task<JobOutput> ExecuteAsync(GenerationRequest request, IProgress<GenerationProgress> progress, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return run(cancellationToken);
        }
    }
}

/// <summary>Small helpers over the test server and queue.</summary>
internal static class RedisTestExtensions
{
    public static IEnumerable<RedisKey> Keys(this RedisServer redis, IDatabase db, string pattern) =>
        db.Multiplexer.GetServer("127.0.0.1", redis.Port).Keys(pattern: pattern);

    public static async Task<string?> EnqueueAsyncOrNull(this IJobQueue queue, GenerationRequest request)
    {
        try
        {
            return await queue.EnqueueAsync(request);
        }
        catch (JobQueueFullException)
        {
            return null;
        }
    }
}
