using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;
using Microsoft.Extensions.Options;

namespace FaceStudio.Web.Studio;

/// <summary>
/// The studio page's API: <c>GET /studio/config</c>, <c>POST /faces</c> (faces in one photo) and
/// <c>POST /generate/stream</c> (a generation as server-sent events with latent previews; closing the connection
/// cancels it). Bad input is a 400 problem document whose <c>errors</c> name the form field.
/// </summary>
internal static class StudioEndpoints
{
    /// <summary>Most faces <c>POST /faces</c> lists by default (a crowd photo has many).</summary>
    public const int DefaultMaxFaces = 5;

    /// <summary>
    /// Noise sources a request may name in <c>noise</c> (<see cref="Core.Randomness.NoiseSources.Names"/>; the first,
    /// <c>torch-cpu</c>, is the pipeline's default: a seed means what it means in diffusers).
    /// </summary>
    public static IReadOnlyList<string> NoiseSources { get; } = Core.Randomness.NoiseSources.Names;

    /// <summary>Faces of a result scored for identity similarity beyond one per person.</summary>
    private const int SimilarityExtraFaces = 2;

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>The short API description that <c>/</c> used to return.</summary>
    public const string ApiDescription =
        "FaceStudio sample API\n" +
        "GET  /                 the studio page\n" +
        "POST /generate         multipart: prompt, face files (one per person), optional style file, steps, seed, scheduler, guidance, alpha, width, height -> image/png\n" +
        "POST /generate/stream  multipart: as /generate with person{k} files, pick{k}, region{k}, regions=draw|auto -> text/event-stream (start, step, done, error)\n" +
        "POST /faces            multipart: photo -> JSON faces (boxes and scores, best first)\n" +
        "GET  /studio/config    what this server offers (schedulers, limits, detector)\n";

    public static IEndpointRouteBuilder MapStudio(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api", () => Results.Text(ApiDescription));
        app.MapGet("/studio/config", Config);
        app.MapPost("/faces", FacesAsync).DisableAntiforgery();
        app.MapPost("/generate/stream", StreamAsync).DisableAntiforgery();
        return app;
    }

    private static IResult Config(FaceStudioPipeline pipeline, IOptions<GenerateEndpointOptions> options, IConfiguration configuration)
    {
        GenerateEndpointOptions limits = options.Value;
        PipelineComponents c = pipeline.Components;
        return Results.Json(
            new
            {
                mode = string.IsNullOrWhiteSpace(configuration["FaceStudio:Jobs:Redis"]) ? "stream" : "jobs",
                schedulers = SchedulerCatalog.Names,
                defaultScheduler = SchedulerCatalog.EulerAncestral,
                noiseSources = NoiseSources,
                maxSteps = limits.MaxSteps,
                maxPeople = limits.MaxFaces,
                maxRequestBytes = limits.MaxRequestBytes,
                minSize = GenerationRequest.MinSize,
                maxSize = GenerationRequest.MaxSize,
                detector = c.FaceDetector is not null,
                identityEncoder = c.IdentityEncoder is not null,
                styleEncoder = c.StyleEncoder is not null,
            },
            Json);
    }

    /// <summary><c>POST /faces</c>: file <c>photo</c> → <c>{ width, height, detector, total, faces: [{ index, x0, y0, x1, y1, score }] }</c> (box corners in photo pixels).</summary>
    private static async Task<IResult> FacesAsync(HttpRequest request, FaceStudioPipeline pipeline, IImageCodec codec, IOptions<GenerateEndpointOptions> options, UploadDecodeGate decodeGate, CancellationToken cancellationToken)
    {
        (IFormCollection? form, IResult? error) = await ReadFormAsync(request, options.Value, "photo", cancellationToken);
        if (form is null)
        {
            return error!;
        }

        if (form.Files.GetFile("photo") is not { } file)
        {
            return Problem("photo", "Send the photo as the file field 'photo'.");
        }

        int max = request.Query["max"].FirstOrDefault() is { } m && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? Math.Clamp(n, 1, 50) : DefaultMaxFaces;
        try
        {
            RgbImage image = await StudioForm.DecodeAsync(codec, decodeGate, new UploadPixelBudget(options.Value.MaxUploadPixels), file, "photo", cancellationToken);
            IFaceDetector? detector = pipeline.Components.FaceDetector;
            IReadOnlyList<DetectedFace> faces = detector is null ? [] : await detector.DetectAsync(image, cancellationToken);
            return Results.Json(
                new
                {
                    width = image.Width,
                    height = image.Height,
                    detector = detector is not null,
                    total = faces.Count,
                    faces = faces.Take(max).Select((f, i) => new { index = i, x0 = f.Box.X, y0 = f.Box.Y, x1 = f.Box.Right, y1 = f.Box.Bottom, score = f.Score }),
                },
                Json);
        }
        catch (StudioFieldException ex)
        {
            return Problem(ex.Field, ex.Message, ex.StatusCode);
        }
    }

    /// <summary><c>POST /generate/stream</c>: validates and encodes the people, then streams the generation.</summary>
    private static async Task<IResult> StreamAsync(HttpContext context, FaceStudioPipeline pipeline, IImageCodec codec, IOptions<GenerateEndpointOptions> options, UploadDecodeGate decodeGate)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        (IFormCollection? form, IResult? error) = await ReadFormAsync(context.Request, options.Value, "body", cancellationToken);
        if (form is null)
        {
            return error!;
        }

        StudioForm studio;
        GenerationRequest request;
        IdentityEmbedding?[] references;
        TimeSpan encoding;
        try
        {
            studio = await StudioForm.ParseAsync(form, codec, decodeGate, options.Value, NoiseSources, cancellationToken);
            pipeline.Validate(studio.Request);
            var clock = Stopwatch.StartNew();
            references = await EncodePeopleAsync(pipeline, studio.People, cancellationToken);
            encoding = clock.Elapsed;
            request = references.All(r => r is not null)
                ? studio.Request with { Identities = [.. studio.Request.Identities.Select((id, i) => id with { Photos = [], Embedding = references[i] })] }
                : studio.Request;
        }
        catch (StudioFieldException ex)
        {
            return Problem(ex.Field, ex.Message, ex.StatusCode);
        }
        catch (FaceStudioValidationException ex)
        {
            return Problem(StudioForm.Field(ex.ParameterName), ex.Message);
        }

        context.Response.Headers["X-Accel-Buffering"] = "no"; // proxies (nginx) pass each event on at once
        return TypedResults.ServerSentEvents(EventsAsync(pipeline, codec, studio, request, references, encoding, cancellationToken));
    }

    /// <summary>
    /// Each person's photos, each with the face the page picked, embedded and averaged (the SDK's recipe for several
    /// photos); null entries when the pipeline has no identity encoder (then the pipeline reports it).
    /// </summary>
    private static async Task<IdentityEmbedding?[]> EncodePeopleAsync(FaceStudioPipeline pipeline, IReadOnlyList<StudioPerson> people, CancellationToken cancellationToken)
    {
        var result = new IdentityEmbedding?[people.Count];
        if (pipeline.Components.IdentityEncoder is not { } encoder)
        {
            return result;
        }

        for (int k = 0; k < people.Count; k++)
        {
            StudioPerson person = people[k];
            if (person.Photos.Count == 0)
            {
                throw new StudioFieldException(person.Field, $"Add at least one photo of person {person.Index + 1}.");
            }

            var rows = new List<float[]>(person.Photos.Count);
            var reports = new List<FaceReport>();
            for (int i = 0; i < person.Photos.Count; i++)
            {
                try
                {
                    FaceSelection? selection = person.Picks[i] is { } pick ? FaceSelection.AtIndex(pick) : null;
                    IdentityEmbedding one = await encoder.EncodeAsync([person.Photos[i]], selection, cancellationToken);
                    rows.Add(one.ToArray());
                    reports.AddRange(one.Faces);
                }
                catch (FaceNotFoundException ex)
                {
                    throw new StudioFieldException(person.Field, ex.Message, ex);
                }
            }

            result[k] = IdentityEmbedding.Average(rows, reports);
        }

        return result;
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        FaceStudioPipeline pipeline,
        IImageCodec codec,
        StudioForm studio,
        GenerationRequest request,
        IdentityEmbedding?[] references,
        TimeSpan encoding,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return Item("start", new { steps = request.Steps, people = studio.People.Count, width = request.Width, height = request.Height });
        await using IAsyncEnumerator<GenerationEvent> events = pipeline.GenerateStreamingAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            GenerationEvent? e;
            SseItem<string>? failure = null;
            try
            {
                e = await events.MoveNextAsync() ? events.Current : null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The page closed the connection (cancel button): the pipeline has stopped; nobody is listening.
                yield break;
            }
            catch (FaceStudioValidationException ex)
            {
                e = null;
                failure = Item("error", ProblemBody(StudioForm.Field(ex.ParameterName), ex.Message));
            }
            catch (FaceStudioException ex)
            {
                e = null;
                failure = Item("error", new { title = "The generation failed.", detail = ex.Message, status = 500 });
            }

            if (failure is { } f)
            {
                yield return f;
                yield break;
            }

            switch (e)
            {
                case null:
                    yield break;
                case StepEvent step:
                    yield return Item("step", new
                    {
                        image = step.ImageIndex,
                        step = step.Step,
                        total = step.TotalSteps,
                        timestep = step.Timestep,
                        elapsedMs = step.Elapsed.TotalMilliseconds,
                        preview = step.Preview is { } p ? DataUrl(codec, p, cancellationToken) : null,
                    });
                    break;
                case CompletedEvent done:
                    yield return Item("done", await DoneAsync(pipeline, codec, studio, done.Result, references, encoding, cancellationToken));
                    break;
            }
        }
    }

    private static async Task<object> DoneAsync(FaceStudioPipeline pipeline, IImageCodec codec, StudioForm studio, GenerationResult result, IdentityEmbedding?[] references, TimeSpan encoding, CancellationToken cancellationToken)
    {
        GenerationMetadata m = result.Metadata;
        RgbImage image = result.Images[0].Image;
        int latentWidth = Math.Max(1, m.Width / 8);
        float scale = (float)m.Width / latentWidth;
        var similarity = new List<object>();
        if (pipeline.Components.IdentityEncoder is { } encoder && references.All(r => r is not null) && references.Length > 0)
        {
            // The best-scored faces of the result, each embedded (a crowd may hold many: only the first few).
            var faces = new List<IdentityEmbedding>();
            var photo = new IdentityPhoto("result.png", image);
            for (int i = 0; i < references.Length + SimilarityExtraFaces; i++)
            {
                try
                {
                    faces.Add(await encoder.EncodeAsync([photo], FaceSelection.AtIndex(i), cancellationToken));
                }
                catch (FaceStudioException)
                {
                    // No (further) face, or the scoring models failed: the picture is still delivered, scored or not.
                    break;
                }
            }

            for (int k = 0; k < references.Length; k++)
            {
                int best = -1;
                float bestScore = float.NegativeInfinity;
                for (int i = 0; i < faces.Count; i++)
                {
                    float s = IdentitySimilarity.Cosine(references[k]!.Vector, faces[i].Vector);
                    if (s > bestScore)
                    {
                        (best, bestScore) = (i, s);
                    }
                }

                RegionBox? box = best >= 0 && faces[best].Faces.Count > 0 ? faces[best].Faces[0].Box : null;
                similarity.Add(new
                {
                    person = studio.People[k].Index,
                    similarity = best >= 0 ? bestScore : (float?)null,
                    facesScored = faces.Count,
                    face = box is { } b ? new { x0 = b.X, y0 = b.Y, x1 = b.Right, y1 = b.Bottom } : null,
                });
            }
        }

        return new
        {
            image = DataUrl(codec, image, cancellationToken),
            seed = m.Seed,
            scheduler = m.Scheduler,
            steps = m.Steps,
            modelCalls = m.ModelCalls,
            width = m.Width,
            height = m.Height,
            guidance = m.GuidanceScale,
            alpha = m.Alpha,
            noise = m.Noise,
            regionMode = m.RegionMode?.ToString(),
            automaticRegions = studio.AutomaticRegions,
            regions = m.Regions.Select(r => new { x0 = r.X * scale, y0 = r.Y * scale, x1 = r.Right * scale, y1 = r.Bottom * scale }),
            timings = new
            {
                identityEncodingMs = encoding.TotalMilliseconds + m.Timings.IdentityEncoding.TotalMilliseconds,
                textEncodingMs = m.Timings.TextEncoding.TotalMilliseconds,
                conditioningMs = m.Timings.Conditioning.TotalMilliseconds,
                denoisingMs = m.Timings.Denoising.TotalMilliseconds,
                decodingMs = m.Timings.Decoding.TotalMilliseconds,
                totalMs = encoding.TotalMilliseconds + m.Timings.Total.TotalMilliseconds,
                stepsPerSecond = m.Timings.StepsPerSecond,
            },
            similarity,
        };
    }

    private static async Task<(IFormCollection? Form, IResult? Error)> ReadFormAsync(HttpRequest request, GenerateEndpointOptions limits, string field, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limits.MaxRequestBytes)
        {
            return (null, TooLarge(limits, field));
        }

        if (!request.HasFormContentType)
        {
            return (null, Problem(field, "Expected a multipart/form-data body."));
        }

        try
        {
            return (await request.ReadFormAsync(cancellationToken), null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limits, field));
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(limits, field));
        }
        catch (InvalidDataException ex)
        {
            return (null, Problem(field, $"The multipart body is malformed: {ex.Message}"));
        }
    }

    private static string DataUrl(IImageCodec codec, RgbImage image, CancellationToken cancellationToken)
    {
        using var png = new MemoryStream();
        codec.EncodePng(image, png, cancellationToken);
        return "data:image/png;base64," + Convert.ToBase64String(png.GetBuffer(), 0, (int)png.Length);
    }

    private static SseItem<string> Item(string type, object data) => new(JsonSerializer.Serialize(data, Json), type);

    private static object ProblemBody(string field, string detail) => new
    {
        title = "The generation request is invalid.",
        status = 400,
        detail,
        errors = new Dictionary<string, string[]> { [field] = [detail] },
    };

    private static IResult Problem(string field, string detail, int statusCode = StatusCodes.Status400BadRequest) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [detail] },
        detail: detail,
        statusCode: statusCode,
        title: "The generation request is invalid.");

    private static IResult TooLarge(GenerateEndpointOptions limits, string field)
    {
        string detail = string.Create(CultureInfo.InvariantCulture, $"The upload is larger than this server accepts ({limits.MaxRequestBytes / 1024} KiB in all): use smaller photos.");
        return Results.Problem(
            detail: detail,
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The request body is too large.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });
    }
}
