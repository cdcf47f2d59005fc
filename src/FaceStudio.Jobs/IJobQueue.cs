using FaceStudio.Core.Pipeline;

namespace FaceStudio.Jobs;

/// <summary>
/// A durable queue of generation jobs, served by workers in other processes. Small on purpose: a broker implements
/// these six calls and a worker loop (see FaceStudio.Jobs.Redis).
/// </summary>
public interface IJobQueue
{
    /// <summary>
    /// Stores the request's input images (by content hash) and queues the job.
    /// </summary>
    /// <returns>The job id.</returns>
    /// <exception cref="JobQueueFullException">The queue holds its configured maximum of unfinished jobs.</exception>
    /// <exception cref="NotSupportedException">The request uses a feature jobs cannot carry (explicit regions).</exception>
    Task<string> EnqueueAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>The job's status, or null when the id is unknown (or its result expired).</summary>
    Task<JobStatus?> GetStatusAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The result of a succeeded job, or null when it has none (not finished, failed, unknown, expired).</summary>
    Task<JobResult?> GetResultAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a job: a queued job is cancelled at once; a running job is asked to stop (its worker stops within a
    /// step and marks it cancelled). Returns the status after the request, or null for an unknown id.
    /// </summary>
    Task<JobStatus?> CancelAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The job's status now and on every change (state, step) until it is final; ends at once for an unknown id.
    /// </summary>
    IAsyncEnumerable<JobStatus> WatchAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Jobs enqueued and not yet finished (queued plus running): the backlog.</summary>
    Task<long> GetDepthAsync(CancellationToken cancellationToken = default);
}

/// <summary>Runs one job's generation inside a worker: pixels in, PNG bytes and metadata out.</summary>
public interface IJobExecutor
{
    /// <summary>Generates <paramref name="request"/>, reporting progress; honours <paramref name="cancellationToken"/> within a step.</summary>
    Task<JobOutput> ExecuteAsync(GenerationRequest request, IProgress<GenerationProgress> progress, CancellationToken cancellationToken);
}
