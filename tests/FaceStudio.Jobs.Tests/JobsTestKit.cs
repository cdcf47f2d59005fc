using System.Diagnostics;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Imaging;
using FaceStudio.Jobs.Redis;
using FaceStudio.Onnx.Demo;
using FaceStudio.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FaceStudio.Jobs.Tests;

/// <summary>Shared helpers: the demo pack, clients, pictures, bounded waits.</summary>
internal static class JobsTestKit
{
    private static readonly Lazy<string> DemoCacheFolder = new(() =>
    {
        string folder = Path.Combine(Path.GetTempPath(), "fs-jobs-demo-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        DemoPack.EnsureCached(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        };
        return folder;
    });

    /// <summary>The demo pack's cache folder, generated once per test run before any worker starts.</summary>
    public static string DemoCache => DemoCacheFolder.Value;

    /// <summary>A container with the Redis job queue on <paramref name="redis"/>.</summary>
    public static ServiceProvider Services(RedisServer redis, Action<RedisJobsOptions>? configure = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFaceStudioImaging();
        services.AddRedisJobs(o =>
        {
            o.Redis = redis.ConnectionString;
            o.ClaimIdleTime = TimeSpan.FromSeconds(3);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        });
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public static IDatabase Db(ServiceProvider services) =>
        services.GetRequiredService<RedisJobsConnection>().GetAsync().GetAwaiter().GetResult().GetDatabase();

    public static RedisJobKeys Keys(ServiceProvider services) => services.GetRequiredService<RedisJobsConnection>().Keys;

    public static RedisJobsOptions Options(ServiceProvider services) => services.GetRequiredService<IOptions<RedisJobsOptions>>().Value;

    /// <summary>A small request on the demo pack: one face, 64×64, a few steps.</summary>
    public static GenerationRequest Request(long seed, int steps = 2, int size = 64, RgbImage? face = null) => new()
    {
        Prompt = "a portrait photo",
        Identities = [IdentityInput.FromPhotos(new IdentityPhoto("face.png", face ?? Face()))],
        Width = size,
        Height = size,
        Steps = steps,
        Seed = seed,
    };

    /// <summary>
    /// A real head shot the demo pack's BlazeFace finds (tests/TestData/faces, 128×128): the astronaut portrait, or with
    /// <paramref name="otherPerson"/> Grace Hopper (a second, different picture).
    /// </summary>
    public static RgbImage Face(bool otherPerson = false) =>
        FacePhotos.Head(otherPerson ? FacePhotos.OtherPerson : FacePhotos.Portrait, path => new SkiaImageCodec().Decode(path));

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }

    /// <summary>Waits until <paramref name="count"/> workers have registered (pipeline built, consuming).</summary>
    public static async Task WaitForWorkersAsync(ServiceProvider services, int count, IReadOnlyList<WorkerProcess> workers, TimeSpan? timeout = null)
    {
        IDatabase db = Db(services);
        bool ready = await Eventually(async () => await db.HashLengthAsync(Keys(services).Workers) >= count, timeout ?? TimeSpan.FromSeconds(150));
        Assert.True(ready, "Workers did not register in time:\n" + string.Join("\n----\n", workers.Select(w => w.Consumer + ":\n" + w.Output)));
    }

    /// <summary>Waits until every job is final; returns the statuses.</summary>
    public static async Task<IReadOnlyList<JobStatus>> WaitForAllAsync(IJobQueue queue, IReadOnlyList<string> ids, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var final = new Dictionary<string, JobStatus>(StringComparer.Ordinal);
        bool done = await Eventually(
            async () =>
            {
                foreach (string id in ids.Where(i => !final.ContainsKey(i)).ToList())
                {
                    try
                    {
                        if (await queue.GetStatusAsync(id) is { IsFinal: true } s)
                        {
                            final[id] = s;
                        }
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException)
                    {
                        // Redis is restarting: ask again on the next round.
                        return false;
                    }
                }

                return final.Count == ids.Count;
            },
            timeout);
        Assert.True(done, $"{final.Count} of {ids.Count} jobs finished within {timeout}.\n{diagnostics?.Invoke()}");
        return [.. ids.Select(i => final[i])];
    }

    public static string Diagnostics(IEnumerable<WorkerProcess> workers) =>
        string.Join("\n----\n", workers.Select(w => w.Consumer + ":\n" + Tail(w.Output, 4000)));

    private static string Tail(string text, int chars) => text.Length <= chars ? text : text[^chars..];
}
