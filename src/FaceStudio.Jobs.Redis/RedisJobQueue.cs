using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using StackExchange.Redis;

namespace FaceStudio.Jobs.Redis;

/// <summary><see cref="IJobQueue"/> on a Redis stream with a consumer group.</summary>
internal sealed class RedisJobQueue(RedisJobsConnection connection, IImageCodec codec) : IJobQueue
{
    private static readonly RedisValue[] StatusFields =
        ["state", "step", "total", "image", "error", "attempt", "deliveries", "owner", "enq", "start", "done", "cancel"];

    private RedisJobsOptions Options => connection.Options;

    private RedisJobKeys Keys => connection.Keys;

    public async Task<string> EnqueueAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        JobPayload payload = JobPayload.FromRequest(request, codec, out IReadOnlyDictionary<string, byte[]> blobs);
        IDatabase db = await connection.DatabaseAsync().ConfigureAwait(false);
        await connection.EnsureGroupAsync(db).ConfigureAwait(false);

        // Inputs by content hash: an image already stored only has its expiry refreshed, never sent again.
        foreach ((string hash, byte[] bytes) in blobs)
        {
            RedisKey key = Keys.Blob(hash);
            if (!await db.KeyExpireAsync(key, Options.InputTtl).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                await db.StringSetAsync(key, bytes, Options.InputTtl).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        string id = Guid.NewGuid().ToString("N");
        var reply = (RedisResult[])(await db.ScriptEvaluateAsync(
            RedisJobScripts.Enqueue,
            [Keys.Stream, Keys.Job(id)],
            [id, payload.ToJson(), Options.MaxQueueDepth, Keys.WakeName]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        if ((long)reply[0] == 0)
        {
            throw new JobQueueFullException((long)reply[1], Options.MaxQueueDepth, Options.RetryAfter);
        }

        return id;
    }

    public async Task<JobStatus?> GetStatusAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!RedisJobKeys.IsValidId(id))
        {
            return null;
        }

        IDatabase db = await connection.DatabaseAsync().ConfigureAwait(false);
        RedisValue[] f = await db.HashGetAsync(Keys.Job(id), StatusFields).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ToStatus(id, f);
    }

    internal static JobStatus? ToStatus(string id, RedisValue[] f)
    {
        if (f[0].IsNull)
        {
            return null;
        }

        return new JobStatus
        {
            Id = id,
            State = ParseState(f[0]!),
            Step = Int(f[1]),
            TotalSteps = Int(f[2]),
            ImageIndex = Int(f[3]),
            Error = f[4].IsNullOrEmpty ? null : (string?)f[4],
            Attempt = Int(f[5]),
            Deliveries = Int(f[6]),
            Worker = f[7].IsNullOrEmpty ? null : (string?)f[7],
            EnqueuedAt = Time(f[8]),
            StartedAt = Time(f[9]),
            CompletedAt = Time(f[10]),
            CancelRequested = f[11] == "1",
        };
    }

    public async Task<JobResult?> GetResultAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!RedisJobKeys.IsValidId(id))
        {
            return null;
        }

        IDatabase db = await connection.DatabaseAsync().ConfigureAwait(false);
        RedisKey key = Keys.Job(id);
        RedisValue[] head = await db.HashGetAsync(key, ["state", "images", "meta", "owner"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (head[0] != "succeeded" || head[2].IsNullOrEmpty)
        {
            return null;
        }

        int count = Int(head[1]);
        RedisValue[] fields = [.. Enumerable.Range(0, count).Select(i => (RedisValue)string.Create(CultureInfo.InvariantCulture, $"img{i}"))];
        RedisValue[] images = count == 0 ? [] : await db.HashGetAsync(key, fields).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (images.Any(i => i.IsNull))
        {
            return null; // Expired between the two reads.
        }

        return new JobResult(id, [.. images.Select(i => (byte[])i!)], JobJson.DeserializeMetadata(head[2]!), head[3].IsNullOrEmpty ? null : (string?)head[3]);
    }

    public async Task<JobStatus?> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!RedisJobKeys.IsValidId(id))
        {
            return null;
        }

        IDatabase db = await connection.DatabaseAsync().ConfigureAwait(false);
        var outcome = (string?)await db.ScriptEvaluateAsync(
            RedisJobScripts.Cancel,
            [Keys.Stream, Keys.Job(id)],
            [Options.ConsumerGroup, Keys.CancelName, id, (long)Options.ResultTtl.TotalMilliseconds, Keys.EventsName(id)]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return outcome == "missing" ? null : await GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<JobStatus> WatchAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!RedisJobKeys.IsValidId(id))
        {
            yield break;
        }

        ConnectionMultiplexer multiplexer = await connection.GetAsync().ConfigureAwait(false);
        ISubscriber subscriber = multiplexer.GetSubscriber();
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnMessage(RedisChannel channel, RedisValue message) => changed.Writer.TryWrite(true);
        RedisChannel events = Keys.Events(id);

        // Subscribe before the first read, so no change between the two is missed; poll too, in case a message is.
        await subscriber.SubscribeAsync(events, OnMessage).ConfigureAwait(false);
        try
        {
            JobStatus? last = null;
            while (true)
            {
                JobStatus? now = await GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
                if (now is null)
                {
                    yield break;
                }

                if (last is null || now.State != last.State || now.Step != last.Step || now.ImageIndex != last.ImageIndex
                    || now.TotalSteps != last.TotalSteps || now.CancelRequested != last.CancelRequested || now.Attempt != last.Attempt)
                {
                    last = now;
                    yield return now;
                }

                if (now.IsFinal)
                {
                    yield break;
                }

                Task wait = changed.Reader.WaitToReadAsync(cancellationToken).AsTask();
                await Task.WhenAny(wait, Task.Delay(Options.PollInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                changed.Reader.TryRead(out _);
            }
        }
        finally
        {
            await subscriber.UnsubscribeAsync(events, OnMessage).ConfigureAwait(false);
        }
    }

    public async Task<long> GetDepthAsync(CancellationToken cancellationToken = default)
    {
        IDatabase db = await connection.DatabaseAsync().ConfigureAwait(false);
        return await db.StreamLengthAsync(Keys.Stream).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static JobState ParseState(string state) => state switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "failed" => JobState.Failed,
        "cancelled" => JobState.Cancelled,
        _ => throw new InvalidDataException($"Unknown job state '{state}'."),
    };

    private static int Int(RedisValue value) => value.IsNullOrEmpty ? 0 : (int)value;

    private static DateTimeOffset? Time(RedisValue value) => value.IsNullOrEmpty ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)value);
}
