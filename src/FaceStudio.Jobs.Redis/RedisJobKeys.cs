using StackExchange.Redis;

namespace FaceStudio.Jobs.Redis;

/// <summary>Names of every key and channel, all prefixed by the stream name.</summary>
/// <param name="stream">The stream name.</param>
internal sealed class RedisJobKeys(string stream)
{
    public string Prefix { get; } = stream;

    /// <summary>The job stream: one entry (<c>id</c> = job id) per queued delivery; entries are deleted when the job is final.</summary>
    public RedisKey Stream => Prefix;

    /// <summary>Job hash: state, payload, progress, fencing attempt, result images and metadata.</summary>
    public RedisKey Job(string id) => $"{Prefix}:job:{id}";

    /// <summary>An input image (PNG) by SHA-256.</summary>
    public RedisKey Blob(string sha256) => $"{Prefix}:blob:{sha256}";

    /// <summary>Dead-letter stream: jobs that failed for good, with their error.</summary>
    public RedisKey Dead => $"{Prefix}:dead";

    /// <summary>Hash consumer → last heartbeat (ms since the epoch, worker clock).</summary>
    public RedisKey Workers => $"{Prefix}:workers";

    public string EventsName(string id) => $"{Prefix}:events:{id}";

    /// <summary>Status changes of one job (message: the new state or "progress").</summary>
    public RedisChannel Events(string id) => RedisChannel.Literal(EventsName(id));

    public string CancelName => $"{Prefix}:cancel";

    /// <summary>Cancel requests (message: job id).</summary>
    public RedisChannel Cancel => RedisChannel.Literal(CancelName);

    public string WakeName => $"{Prefix}:wake";

    /// <summary>Enqueue notifications (message: job id): idle workers poll at once.</summary>
    public RedisChannel Wake => RedisChannel.Literal(WakeName);

    /// <summary>Job ids are 32 lower-case hex digits (a GUID): anything else is rejected before it becomes a key.</summary>
    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
