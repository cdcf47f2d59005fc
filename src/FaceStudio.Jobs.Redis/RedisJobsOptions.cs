using System.Globalization;

namespace FaceStudio.Jobs.Redis;

/// <summary>
/// Settings of the Redis Streams job queue and its workers, bound from configuration section <c>FaceStudio:Jobs</c>
/// (<c>FaceStudio:Jobs:Redis</c> is the connection string). Validated when the host starts.
/// </summary>
public sealed record RedisJobsOptions
{
    /// <summary>StackExchange.Redis connection string, e.g. <c>redis:6379,password=…</c>. Required.</summary>
    public string? Redis { get; set; }

    /// <summary>The stream jobs are queued on; also the prefix of every other key and channel (<c>{Stream}:job:{id}</c>, …).</summary>
    public string Stream { get; set; } = "facestudio:jobs";

    /// <summary>The consumer group the workers share.</summary>
    public string ConsumerGroup { get; set; } = "facestudio-workers";

    /// <summary>This worker's consumer name; null or empty means host name + process id.</summary>
    public string? Consumer { get; set; }

    /// <summary>Jobs one worker runs at a time, in [1, 64] (match the pipeline's MaxConcurrentRequests; on a GPU usually 1).</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>How long results (and failed or cancelled job records) are kept after they finish.</summary>
    public TimeSpan ResultTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long input images are kept (refreshed whenever a job sends the same image again).</summary>
    public TimeSpan InputTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Deliveries (failed runs or dead workers) after which a job is failed and moved to the dead-letter stream, in [1, 100].</summary>
    public int MaxDeliveries { get; set; } = 3;

    /// <summary>A running job whose worker sent no heartbeat for this long is reclaimed by another worker (XAUTOCLAIM).</summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a worker refreshes its jobs' ownership and polls their cancel flags; at most a third of <see cref="ClaimIdleTime"/>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between polls of the stream when no enqueue notification arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Unfinished jobs (queued + running) above which enqueue is refused (HTTP 429); 0 means no limit.</summary>
    public long MaxQueueDepth { get; set; } = 1000;

    /// <summary>The Retry-After suggested when the queue is full.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On shutdown, how long running jobs may take to finish before they are handed back to the queue.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Approximate cap of the dead-letter stream (<c>{Stream}:dead</c>), trimmed with <c>MAXLEN ~</c>.</summary>
    public int DeadLetterMaxLength { get; set; } = 10_000;

    /// <summary>The consumer name in effect (<see cref="Consumer"/> or host name + process id).</summary>
    public string EffectiveConsumer => string.IsNullOrWhiteSpace(Consumer)
        ? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}")
        : Consumer;

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Redis))
        {
            problems.Add("Redis (the connection string) is required.");
        }

        if (string.IsNullOrWhiteSpace(Stream) || Stream.Any(char.IsWhiteSpace))
        {
            problems.Add($"Stream must be a non-empty name without spaces but is '{Stream}'.");
        }

        if (string.IsNullOrWhiteSpace(ConsumerGroup) || ConsumerGroup.Any(char.IsWhiteSpace))
        {
            problems.Add($"ConsumerGroup must be a non-empty name without spaces but is '{ConsumerGroup}'.");
        }

        if (Concurrency is < 1 or > 64)
        {
            problems.Add($"Concurrency must be in [1, 64] but is {Concurrency}.");
        }

        if (MaxDeliveries is < 1 or > 100)
        {
            problems.Add($"MaxDeliveries must be in [1, 100] but is {MaxDeliveries}.");
        }

        Positive(problems, nameof(ResultTtl), ResultTtl, TimeSpan.FromSeconds(1));
        Positive(problems, nameof(InputTtl), InputTtl, TimeSpan.FromSeconds(1));
        Positive(problems, nameof(ClaimIdleTime), ClaimIdleTime, TimeSpan.FromMilliseconds(300));
        Positive(problems, nameof(HeartbeatInterval), HeartbeatInterval, TimeSpan.FromMilliseconds(10));
        Positive(problems, nameof(PollInterval), PollInterval, TimeSpan.FromMilliseconds(10));
        Positive(problems, nameof(RetryAfter), RetryAfter, TimeSpan.FromSeconds(1));
        if (ShutdownGrace < TimeSpan.Zero)
        {
            problems.Add($"ShutdownGrace must be 0 or more but is {ShutdownGrace}.");
        }

        if (HeartbeatInterval * 3 > ClaimIdleTime)
        {
            problems.Add($"HeartbeatInterval ({HeartbeatInterval}) must be at most a third of ClaimIdleTime ({ClaimIdleTime}), or live jobs get reclaimed.");
        }

        if (MaxQueueDepth < 0)
        {
            problems.Add($"MaxQueueDepth must be 0 (no limit) or more but is {MaxQueueDepth}.");
        }

        if (DeadLetterMaxLength < 1)
        {
            problems.Add($"DeadLetterMaxLength must be positive but is {DeadLetterMaxLength}.");
        }

        return problems;
    }

    private static void Positive(List<string> problems, string name, TimeSpan value, TimeSpan min)
    {
        if (value < min)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {min} but is {value}."));
        }
    }
}
