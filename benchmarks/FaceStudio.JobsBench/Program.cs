using System.Diagnostics;
using System.Globalization;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Jobs;
using FaceStudio.Jobs.Redis;
using FaceStudio.Jobs.Tests;
using FaceStudio.Onnx.Demo;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

// N jobs through 1 and 2 worker processes; per job, from the job hash (broker clock, ms): enq, start, done; from the
// worker: gen_ms (pipeline + PNG encode) and store_ms (the fenced result-store script, round trip).
int jobs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40;
int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
int size = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 64;
int[] workerCounts = args.Length > 3 ? [.. args[3].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [1, 2];
int simulateMs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;

string demo = Path.Combine(Path.GetTempPath(), "fs-jobsbench-demo");
DemoPack.EnsureCached(demo);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# FaceStudio.JobsBench: {jobs} jobs, {size}x{size}, {steps} steps, {(simulateMs > 0 ? $"simulated generation of {simulateMs} ms (worker sleeps)" : "demo pack on CPU")}, {Environment.ProcessorCount} cores, redis-server AOF appendfsync always, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
Console.WriteLine();
Console.WriteLine("| workers | jobs/s | queue wait p50 / p95 (ms) | idle enqueue→start p50 (ms) | enqueue call p50 (ms) | result store p50 / p95 (ms) | start→done minus generation p50 (ms) | generation p50 (ms) |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (int count in workerCounts)
{
    using RedisServer redis = RedisServer.Start(aof: true);
    var services = new ServiceCollection();
    services.AddFaceStudioImaging();
    services.AddRedisJobs(o =>
    {
        o.Redis = redis.ConnectionString;
        o.MaxQueueDepth = 0;
    });
    await using ServiceProvider provider = services.BuildServiceProvider();
    var queue = provider.GetRequiredService<IJobQueue>();
    RedisJobsConnection connection = provider.GetRequiredService<RedisJobsConnection>();
    IDatabase db = (await connection.GetAsync()).GetDatabase();
    WorkerProcess[] workers = [.. Enumerable.Range(0, count).Select(i => WorkerProcess.Start(redis.ConnectionString, demo, $"bench{i}", ("Logging:LogLevel:Default", "Warning"), ("FaceStudio:Jobs:ClaimIdleTime", "00:01:00"), ("FaceStudio:Jobs:HeartbeatInterval", "00:00:01"), ("FaceStudio:Jobs:SimulateGenerationMs", simulateMs.ToString(CultureInfo.InvariantCulture))))];
    try
    {
        var ready = Stopwatch.StartNew();
        while (await db.HashLengthAsync(connection.Keys.Workers) < count)
        {
            if (ready.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException(string.Join("\n", workers.Select(w => w.Output)));
            }

            await Task.Delay(100);
        }

        // Warm-up: one job per worker (JIT, ORT sessions).
        await RunAsync(queue, Enumerable.Range(0, count * 2).Select(i => Request(9000 + i)).ToList());

        // Idle latency: one job at a time, workers idle, so enqueue→start is the broker's pick-up latency.
        var idle = new List<double>();
        var enqueueCalls = new List<double>();
        for (int i = 0; i < 10; i++)
        {
            var call = Stopwatch.StartNew();
            string id = await queue.EnqueueAsync(Request(8000 + i));
            enqueueCalls.Add(call.Elapsed.TotalMilliseconds);
            await WaitAsync(queue, [id]);
            Timing t = await TimingAsync(db, connection.Keys, id);
            idle.Add(t.Start - t.Enqueued);
        }

        // Throughput: a burst of N jobs.
        List<string> ids = [];
        for (int i = 0; i < jobs; i++)
        {
            ids.Add(await queue.EnqueueAsync(Request(i)));
        }

        await WaitAsync(queue, ids);
        Timing[] timings = [.. await Task.WhenAll(ids.Select(id => TimingAsync(db, connection.Keys, id)))];
        double seconds = (timings.Max(t => t.Done) - timings.Min(t => t.Enqueued)) / 1000.0;
        double[] wait = [.. timings.Select(t => t.Start - t.Enqueued)];
        double[] store = [.. timings.Select(t => t.StoreMs)];
        double[] other = [.. timings.Select(t => t.Done - t.Start - t.GenerationMs)];
        double[] generation = [.. timings.Select(t => t.GenerationMs)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count} | {jobs / seconds:F2} | {P(wait, 50):F0} / {P(wait, 95):F0} | {P([.. idle], 50):F1} | {P([.. enqueueCalls], 50):F1} | {P(store, 50):F1} / {P(store, 95):F1} | {P(other, 50):F1} | {P(generation, 50):F0} |"));
    }
    finally
    {
        foreach (WorkerProcess worker in workers)
        {
            worker.Terminate(TimeSpan.FromSeconds(20));
            worker.Dispose();
        }
    }
}

return;

GenerationRequest Request(long seed) => new()
{
    Prompt = "a portrait photo",
    Identities = [IdentityInput.FromPhotos(new IdentityPhoto("face.png", Face()))],
    Width = size,
    Height = size,
    Steps = steps,
    Seed = seed,
};

static async Task RunAsync(IJobQueue queue, List<GenerationRequest> requests)
{
    var ids = new List<string>();
    foreach (GenerationRequest request in requests)
    {
        ids.Add(await queue.EnqueueAsync(request));
    }

    await WaitAsync(queue, ids);
}

static async Task WaitAsync(IJobQueue queue, IReadOnlyList<string> ids)
{
    var clock = Stopwatch.StartNew();
    foreach (string id in ids)
    {
        while (await queue.GetStatusAsync(id) is not { IsFinal: true })
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"Job {id} did not finish.");
            }

            await Task.Delay(20);
        }

        if ((await queue.GetStatusAsync(id))!.State != JobState.Succeeded)
        {
            throw new InvalidOperationException($"Job {id}: {(await queue.GetStatusAsync(id))!.Error}");
        }
    }
}

static async Task<Timing> TimingAsync(IDatabase db, RedisJobKeys keys, string id)
{
    // store_ms is written just after the result (fire and forget): give it a moment.
    for (int i = 0; i < 50; i++)
    {
        RedisValue[] f = await db.HashGetAsync(keys.Job(id), ["enq", "start", "done", "gen_ms", "store_ms"]);
        if (!f[4].IsNull)
        {
            return new Timing((double)f[0], (double)f[1], (double)f[2], (double)f[3], (double)f[4]);
        }

        await Task.Delay(20);
    }

    throw new TimeoutException($"No timings for job {id}.");
}

static double P(double[] values, int percentile)
{
    double[] sorted = [.. values.Order()];
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

static RgbImage Face()
{
    var image = new RgbImage(128, 128);
    for (int y = 0; y < 128; y++)
    {
        Span<byte> row = image.Row(y);
        for (int x = 0; x < 128; x++)
        {
            bool inside = x >= 40 && x < 88 && y >= 40 && y < 88;
            row[x * 3] = inside ? (byte)0 : (byte)128;
            row[(x * 3) + 1] = inside ? (byte)255 : (byte)128;
            row[(x * 3) + 2] = inside ? (byte)0 : (byte)128;
        }
    }

    return image;
}

internal readonly record struct Timing(double Enqueued, double Start, double Done, double GenerationMs, double StoreMs);
