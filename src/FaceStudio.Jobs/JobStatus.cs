namespace FaceStudio.Jobs;

/// <summary>Where a job is in its life.</summary>
public enum JobState
{
    /// <summary>Waiting for a worker (also after a worker handed it back or died and it awaits reclaim).</summary>
    Queued,

    /// <summary>A worker is generating it; <see cref="JobStatus.Step"/> of <see cref="JobStatus.TotalSteps"/> done.</summary>
    Running,

    /// <summary>Finished; the result can be fetched until it expires.</summary>
    Succeeded,

    /// <summary>Gave up; <see cref="JobStatus.Error"/> says why (one line).</summary>
    Failed,

    /// <summary>Cancelled before it finished.</summary>
    Cancelled,
}

/// <summary>A snapshot of one job.</summary>
public sealed record JobStatus
{
    /// <summary>The job id (32 lower-case hex digits).</summary>
    public required string Id { get; init; }

    /// <summary>The state.</summary>
    public required JobState State { get; init; }

    /// <summary>Denoiser steps done for the image being generated (while running; the last value after).</summary>
    public int Step { get; init; }

    /// <summary>Denoiser steps per image (0 until the denoise loop starts).</summary>
    public int TotalSteps { get; init; }

    /// <summary>Index of the image being generated (batch requests).</summary>
    public int ImageIndex { get; init; }

    /// <summary>The one-line error of a failed job (or of the last failed delivery of a job that is retried).</summary>
    public string? Error { get; init; }

    /// <summary>How many times a worker started the job (a reclaimed or retried job starts again).</summary>
    public int Attempt { get; init; }

    /// <summary>Deliveries counted against the broker's limit (hand-backs on shutdown do not count).</summary>
    public int Deliveries { get; init; }

    /// <summary>The worker (consumer name) that runs or ran the job.</summary>
    public string? Worker { get; init; }

    /// <summary>When the job was enqueued (broker clock).</summary>
    public DateTimeOffset? EnqueuedAt { get; init; }

    /// <summary>When the current or last attempt started (broker clock).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job reached its final state (broker clock).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>A cancel was asked for and the worker has not yet stopped.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>True once the state can no longer change (succeeded, failed, cancelled).</summary>
    public bool IsFinal => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
