using System.Diagnostics;
using FaceStudio.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FaceStudio.Jobs.Tests;

/// <summary>Worker processes on the demo pack against a real redis-server.</summary>
public sealed class ExactlyOnceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Thirty_jobs_on_three_workers_complete_exactly_once_and_a_seed_gives_the_same_bytes_on_every_worker()
    {
        string demo = JobsTestKit.DemoCache;
        using RedisServer redis = RedisServer.Start();
        await using ServiceProvider services = JobsTestKit.Services(redis);
        var queue = services.GetRequiredService<IJobQueue>();
        var clock = Stopwatch.StartNew();
        WorkerProcess[] workers = [.. Enumerable.Range(0, 3).Select(i => WorkerProcess.Start(redis.ConnectionString, demo, $"w{i}"))];
        try
        {
            await JobsTestKit.WaitForWorkersAsync(services, 3, workers);
            output.WriteLine($"3 workers ready after {clock.Elapsed.TotalSeconds:F1} s");

            // Five seeds, six jobs each: every seed should land on more than one worker.
            var ids = new List<string>();
            for (int i = 0; i < 30; i++)
            {
                ids.Add(await queue.EnqueueAsync(JobsTestKit.Request(seed: 100 + (i % 5))));
            }

            IReadOnlyList<JobStatus> statuses = await JobsTestKit.WaitForAllAsync(queue, ids, TimeSpan.FromSeconds(180), () => JobsTestKit.Diagnostics(workers));
            output.WriteLine($"30 jobs done after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.All(statuses, s => Assert.Equal(JobState.Succeeded, s.State));

            IDatabase db = JobsTestKit.Db(services);
            RedisJobKeysView keys = new(JobsTestKit.Keys(services));
            var bySeed = new Dictionary<long, List<(byte[] Png, string Worker)>>();
            for (int i = 0; i < ids.Count; i++)
            {
                Assert.Equal(1, (int)await db.HashGetAsync(keys.Job(ids[i]), "completions"));
                JobResult result = Assert.IsType<JobResult>(await queue.GetResultAsync(ids[i]));
                Assert.Equal(100 + (i % 5), result.Metadata.Seed);
                Assert.Equal(64, result.Metadata.Width);
                (bySeed.TryGetValue(result.Metadata.Seed, out var list) ? list : bySeed[result.Metadata.Seed] = []).Add((Assert.Single(result.Images), result.Worker!));
            }

            // Nothing left: stream empty, nothing pending, no dead letters.
            Assert.Equal(0, await queue.GetDepthAsync());
            Assert.Equal(0, (await db.StreamPendingAsync(keys.Stream, JobsTestKit.Options(services).ConsumerGroup)).PendingMessageCount);
            Assert.Equal(0, await db.StreamLengthAsync(keys.Dead));

            foreach ((long seed, List<(byte[] Png, string Worker)> runs) in bySeed)
            {
                Assert.All(runs, r => Assert.Equal(runs[0].Png, r.Png));
            }

            Assert.Contains(bySeed.Values, runs => runs.Select(r => r.Worker).Distinct().Count() > 1);
            Assert.True(statuses.Select(s => s.Worker).Distinct().Count() >= 2, "The jobs should spread over the workers.");
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    private sealed class RedisJobKeysView(FaceStudio.Jobs.Redis.RedisJobKeys keys)
    {
        public RedisKey Stream => keys.Stream;

        public RedisKey Dead => keys.Dead;

        public RedisKey Job(string id) => keys.Job(id);
    }
}
