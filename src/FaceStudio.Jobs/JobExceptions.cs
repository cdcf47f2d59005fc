using System.Globalization;

namespace FaceStudio.Jobs;

/// <summary>The queue holds its configured maximum of unfinished jobs; try again after <see cref="RetryAfter"/>.</summary>
public sealed class JobQueueFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobQueueFullException(long depth, long maxDepth, TimeSpan retryAfter)
        : base(string.Create(CultureInfo.InvariantCulture, $"The job queue is full ({depth} unfinished jobs, at most {maxDepth}); retry after {retryAfter.TotalSeconds:0} s."))
    {
        Depth = depth;
        MaxDepth = maxDepth;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception with a message.</summary>
    public JobQueueFullException()
        : this(0, 0, TimeSpan.Zero)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JobQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JobQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Unfinished jobs when the job was refused.</summary>
    public long Depth { get; }

    /// <summary>The configured maximum.</summary>
    public long MaxDepth { get; }

    /// <summary>A suggested wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }
}

/// <summary>A job's stored input cannot be turned back into a request (an expired input image, a malformed payload). Retrying does not help.</summary>
public sealed class JobInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobInputException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JobInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JobInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
