using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Jobs;
using Microsoft.Extensions.Options;

namespace FaceStudio.Web;

/// <summary>
/// Queue mode of the web sample, on when <c>FaceStudio:Jobs:Redis</c> is set: generations run on workers
/// (samples/FaceStudio.Worker) behind a Redis stream. <c>POST /jobs</c> (the form of <c>/generate</c>) → 202 +
/// <c>{"id"}</c> + Location; <c>GET /jobs/{id}</c> status; <c>GET /jobs/{id}/image</c> the PNG;
/// <c>GET /jobs/{id}/events</c> server-sent status events until the job is final; <c>DELETE /jobs/{id}</c> cancel.
/// Above <c>FaceStudio:Jobs:MaxQueueDepth</c> unfinished jobs, <c>POST /jobs</c> answers 429 with Retry-After.
/// </summary>
internal static class JobEndpoints
{
    /// <summary>Registers the Redis job queue when <c>FaceStudio:Jobs:Redis</c> is set; returns whether it did.</summary>
    public static bool AddIfConfigured(WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["FaceStudio:Jobs:Redis"]))
        {
            return false;
        }

        builder.Services.AddRedisJobs(builder.Configuration.GetSection("FaceStudio:Jobs"));
        return true;
    }

    /// <summary>Maps the <c>/jobs</c> endpoints.</summary>
    public static void Map(WebApplication app)
    {
        RouteGroupBuilder jobs = app.MapGroup("/jobs");
        jobs.MapPost(string.Empty, PostAsync).DisableAntiforgery();
        jobs.MapGet("/{id}", GetAsync);
        jobs.MapGet("/{id}/image", ImageAsync);
        jobs.MapGet("/{id}/events", EventsAsync);
        jobs.MapDelete("/{id}", CancelAsync);
    }

    private static async Task<IResult> PostAsync(HttpRequest request, IJobQueue queue, IImageCodec codec, IOptions<GenerateEndpointOptions> options, UploadDecodeGate decodeGate, CancellationToken cancellationToken)
    {
        (GenerationRequest? generation, IResult? problem) = await GenerationForm.ParseAsync(request, codec, options.Value, decodeGate, cancellationToken);
        if (generation is null)
        {
            return problem!;
        }

        try
        {
            string id = await queue.EnqueueAsync(generation, cancellationToken);
            return Results.Accepted($"/jobs/{id}", new { id });
        }
        catch (JobQueueFullException ex)
        {
            request.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Results.Problem(detail: ex.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "The job queue is full.");
        }
        catch (NotSupportedException ex)
        {
            return GenerationForm.Problem("body", ex.Message);
        }
    }

    private static async Task<IResult> GetAsync(string id, IJobQueue queue, CancellationToken cancellationToken) =>
        await queue.GetStatusAsync(id, cancellationToken) is { } status ? Json(status) : NotFound(id);

    private static async Task<IResult> ImageAsync(string id, IJobQueue queue, CancellationToken cancellationToken, int index = 0)
    {
        if (await queue.GetResultAsync(id, cancellationToken) is { } result)
        {
            return index >= 0 && index < result.Images.Count
                ? Results.File(result.Images[index], "image/png")
                : Results.Problem(detail: $"The job has {result.Images.Count} image(s); index {index} does not exist.", statusCode: StatusCodes.Status404NotFound);
        }

        return await queue.GetStatusAsync(id, cancellationToken) is { } status
            ? Results.Problem(
                detail: status.Error is { } error ? $"The job is {Name(status.State)}: {error}" : $"The job is {Name(status.State)}; it has no image (yet).",
                statusCode: StatusCodes.Status409Conflict,
                title: "No image for this job.")
            : NotFound(id);
    }

    private static async Task<IResult> EventsAsync(string id, IJobQueue queue, CancellationToken cancellationToken) =>
        await queue.GetStatusAsync(id, cancellationToken) is null
            ? NotFound(id)
            : TypedResults.ServerSentEvents(Stream(queue.WatchAsync(id, cancellationToken)));

    private static async IAsyncEnumerable<SseItem<string>> Stream(IAsyncEnumerable<JobStatus> statuses, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (JobStatus status in statuses.WithCancellation(cancellationToken))
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(status, JobJson.Options), Name(status.State));
        }
    }

    private static async Task<IResult> CancelAsync(string id, IJobQueue queue, CancellationToken cancellationToken)
    {
        if (await queue.CancelAsync(id, cancellationToken) is not { } status)
        {
            return NotFound(id);
        }

        return status.State switch
        {
            JobState.Cancelled => Json(status),
            JobState.Running or JobState.Queued => Json(status, StatusCodes.Status202Accepted),
            _ => Json(status, StatusCodes.Status409Conflict),
        };
    }

    private static IResult Json(JobStatus status, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(status, JobJson.Options, statusCode: statusCode);

    private static IResult NotFound(string id) =>
        Results.Problem(detail: $"No job '{id}' (unknown, or its result expired).", statusCode: StatusCodes.Status404NotFound, title: "Unknown job.");

    private static string Name(JobState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());
}
