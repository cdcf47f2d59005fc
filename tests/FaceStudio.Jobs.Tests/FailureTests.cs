using System.Diagnostics;
using FaceStudio.Jobs.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FaceStudio.Jobs.Tests;

/// <summary>Crashes: a worker killed mid-job, Redis killed and restarted mid-run.</summary>
public sealed class FailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_job_whose_worker_is_killed_mid_run_is_reclaimed_and_completes_once_with_the_same_bytes()
    {
        string demo = JobsTestKit.DemoCache;
        using RedisServer redis = RedisServer.Start();
        await using ServiceProvider services = JobsTestKit.Services(redis);
        var queue = services.GetRequiredService<IJobQueue>();
        IDatabase db = JobsTestKit.Db(services);
        RedisJobKeys keys = JobsTestKit.Keys(services);
        WorkerProcess[] workers = [WorkerProcess.Start(redis.ConnectionString, demo, "k0"), WorkerProcess.Start(redis.ConnectionString, demo, "k1")];
        try
        {
            await JobsTestKit.WaitForWorkersAsync(services, 2, workers);
            string id = await queue.EnqueueAsync(JobsTestKit.Request(seed: 42, steps: 250, size: 256));
            JobStatus? running = null;
            Assert.True(
                await JobsTestKit.Eventually(async () => (running = await queue.GetStatusAsync(id)) is { State: JobState.Running, Step: >= 3 }, TimeSpan.FromSeconds(30)),
                $"The job did not start: {running}\n{JobsTestKit.Diagnostics(workers)}");
            WorkerProcess victim = workers.Single(w => w.Consumer == running!.Worker);
            var clock = Stopwatch.StartNew();
            victim.Kill();
            output.WriteLine($"Killed {victim.Consumer} at step {running!.Step}/{running.TotalSteps}");

            JobStatus done = Assert.Single(await JobsTestKit.WaitForAllAsync(queue, [id], TimeSpan.FromSeconds(60), () => JobsTestKit.Diagnostics(workers)));
            output.WriteLine($"Reclaimed and finished {clock.Elapsed.TotalSeconds:F1} s after the kill");
            Assert.Equal(JobState.Succeeded, done.State);
            Assert.Equal((2, 2), (done.Attempt, done.Deliveries));
            Assert.NotEqual(victim.Consumer, done.Worker);
            Assert.Equal(1, (int)await db.HashGetAsync(keys.Job(id), "completions"));

            // The same request, run start to finish on the survivor: the same bytes.
            string again = await queue.EnqueueAsync(JobsTestKit.Request(seed: 42, steps: 250, size: 256));
            await JobsTestKit.WaitForAllAsync(queue, [again], TimeSpan.FromSeconds(60), () => JobsTestKit.Diagnostics(workers));
            Assert.Equal((await queue.GetResultAsync(id))!.Images[0], (await queue.GetResultAsync(again))!.Images[0]);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task Redis_killed_and_restarted_with_aof_loses_no_job_and_no_acknowledged_result()
    {
        string demo = JobsTestKit.DemoCache;
        using RedisServer redis = RedisServer.Start(aof: true);
        await using ServiceProvider services = JobsTestKit.Services(redis);
        var queue = services.GetRequiredService<IJobQueue>();
        WorkerProcess[] workers = [WorkerProcess.Start(redis.ConnectionString, demo, "r0"), WorkerProcess.Start(redis.ConnectionString, demo, "r1")];
        try
        {
            await JobsTestKit.WaitForWorkersAsync(services, 2, workers);
            var ids = new List<string>();
            for (int i = 0; i < 24; i++)
            {
                ids.Add(await queue.EnqueueAsync(JobsTestKit.Request(seed: 500 + i, steps: 60, size: 128)));
            }

            // Let some finish, then kill Redis mid-run (SIGKILL: only the AOF survives) and bring it back.
            var acknowledged = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            Assert.True(await JobsTestKit.Eventually(
                async () =>
                {
                    foreach (string id in ids.Where(i => !acknowledged.ContainsKey(i)))
                    {
                        if (await queue.GetResultAsync(id) is { } r)
                        {
                            acknowledged[id] = r.Images[0];
                        }
                    }

                    return acknowledged.Count >= 4;
                },
                TimeSpan.FromSeconds(60)), JobsTestKit.Diagnostics(workers));
            redis.Kill();
            output.WriteLine($"Redis killed with {acknowledged.Count} of {ids.Count} results acknowledged");
            Assert.True(acknowledged.Count < ids.Count, "Every job finished before the kill: the test proves nothing.");
            await Task.Delay(1500);
            redis.Launch();

            // The queue takes new work after the restart too.
            for (int i = 0; i < 4; i++)
            {
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        ids.Add(await queue.EnqueueAsync(JobsTestKit.Request(seed: 600 + i, steps: 2)));
                        break;
                    }
                    catch (RedisConnectionException) when (attempt < 50)
                    {
                        await Task.Delay(200);
                    }
                }
            }

            IReadOnlyList<JobStatus> final = await JobsTestKit.WaitForAllAsync(queue, ids, TimeSpan.FromSeconds(180), () => JobsTestKit.Diagnostics(workers));
            Assert.All(final, s => Assert.Equal(JobState.Succeeded, s.State));
            IDatabase db = JobsTestKit.Db(services);
            RedisJobKeys keys = JobsTestKit.Keys(services);
            foreach ((string id, byte[] png) in acknowledged)
            {
                Assert.Equal(png, (await queue.GetResultAsync(id))!.Images[0]);
            }

            foreach (string id in ids)
            {
                Assert.Equal(1, (int)await db.HashGetAsync(keys.Job(id), "completions"));
            }

            Assert.Equal(0, await queue.GetDepthAsync());
            Assert.Equal(0, await db.StreamLengthAsync(keys.Dead));
            output.WriteLine($"All {ids.Count} jobs succeeded; attempts: {string.Join(',', final.Select(s => s.Attempt))}");
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }
}
