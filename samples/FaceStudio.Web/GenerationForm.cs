using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Web;

/// <summary>
/// The multipart generation form shared by <c>POST /generate</c> and <c>POST /jobs</c>: <c>prompt</c>, optional
/// <c>negative</c>, <c>steps</c>, <c>seed</c>, <c>scheduler</c>, <c>guidance</c>, <c>alpha</c>, <c>width</c>,
/// <c>height</c>; files <c>face</c> (one per person) and <c>style</c>. Bad input becomes a 400 problem document naming
/// the form field; a body over <see cref="GenerateEndpointOptions.MaxRequestBytes"/> a 413.
/// </summary>
internal static class GenerationForm
{
    /// <summary>The request the form describes, or the problem response to send instead.</summary>
    public static async Task<(GenerationRequest? Request, IResult? Problem)> ParseAsync(HttpRequest request, IImageCodec codec, GenerateEndpointOptions limits, UploadDecodeGate decodeGate, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limits.MaxRequestBytes)
        {
            return (null, TooLarge(limits, request.ContentLength.Value));
        }

        if (!request.HasFormContentType)
        {
            return (null, Problem("body", "Expected a multipart/form-data body with at least a 'prompt' field."));
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own body limit (a body without Content-Length that grows past the limit).
            return (null, TooLarge(limits, actual: null));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's verdict on the body itself: 408 when it arrives slower than the minimum data rate.
            return (null, Results.Problem(detail: ex.Message, statusCode: ex.StatusCode, title: "The request body could not be read."));
        }
        catch (InvalidDataException ex) when (ex.Message.StartsWith("Multipart body length limit", StringComparison.Ordinal))
        {
            return (null, TooLarge(limits, actual: null));
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            // The form reader's other limits (field count, key or value length, part headers, boundary): each
            // message names its own limit and value.
            return (null, Problem("body", $"The multipart body exceeds a form limit: {ex.Message}"));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // Garbage, or a body that ends before the closing boundary.
            return (null, Problem("body", $"The multipart body is malformed or truncated: {ex.Message}"));
        }

        string? prompt = form["prompt"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(prompt))
        {
            return (null, Problem("prompt", "The 'prompt' field is required."));
        }

        IReadOnlyList<IFormFile> faces = form.Files.GetFiles("face");
        if (faces.Count > limits.MaxFaces)
        {
            return (null, Problem("face", string.Create(CultureInfo.InvariantCulture, $"At most {limits.MaxFaces} face photos are accepted but {faces.Count} were sent.")));
        }

        try
        {
            var budget = new UploadPixelBudget(limits.MaxUploadPixels);
            var identities = new List<IdentityInput>(faces.Count);
            foreach (IFormFile face in faces)
            {
                identities.Add(IdentityInput.FromPhotos(new IdentityPhoto(face.FileName, await DecodeAsync(codec, decodeGate, budget, face, "face", cancellationToken))));
            }

            StyleInput? style = form.Files.GetFile("style") is { } styleFile ? new StyleInput(await DecodeAsync(codec, decodeGate, budget, styleFile, "style", cancellationToken)) : null;
            var generation = new GenerationRequest
            {
                Prompt = prompt,
                NegativePrompt = form["negative"].FirstOrDefault(),
                Identities = identities,
                Style = style,
                Steps = Int(form, "steps", 25),
                Seed = form.ContainsKey("seed") ? Long(form, "seed") : null,
                Scheduler = form["scheduler"].FirstOrDefault() ?? SchedulerCatalog.EulerAncestral,
                Noise = form["noise"].FirstOrDefault() ?? NoiseSources.TorchCpu,
                GuidanceScale = Float(form, "guidance", 7.5f),
                Alpha = Float(form, "alpha", 0.5f),
                Width = Int(form, "width", 512),
                Height = Int(form, "height", 512),
            };
            if (generation.Steps > limits.MaxSteps)
            {
                return (null, Problem("steps", string.Create(CultureInfo.InvariantCulture, $"This server runs at most {limits.MaxSteps} steps but {generation.Steps} were asked for.")));
            }

            return (generation, null);
        }
        catch (FieldException ex) when (ex.InnerException is ImageTooLargeException)
        {
            return (null, Problem(ex.Field, ex.Message, StatusCodes.Status413PayloadTooLarge));
        }
        catch (FieldException ex)
        {
            return (null, Problem(ex.Field, ex.Message));
        }
        catch (FaceStudioValidationException ex)
        {
            return (null, Problem(FormField(ex.ParameterName), ex.Message));
        }
    }

    /// <summary>The form field a pipeline validation error is about (the pipeline names request properties).</summary>
    internal static string FormField(string parameter) => parameter switch
    {
        "Width" => "width",
        "Height" => "height",
        "steps" or "Steps" => "steps",
        "name" or "Scheduler" => "scheduler",
        "noise" or "Noise" => "noise",
        "GuidanceScale" or "IdentityGuidanceScale" => "guidance",
        "Alpha" => "alpha",
        "Prompt" => "prompt",
        "NegativePrompt" => "negative",
        "Regions" => "face",
        _ when parameter.StartsWith("Identities", StringComparison.Ordinal) => "face",
        _ when parameter.StartsWith("Style", StringComparison.Ordinal) => "style",
        _ => parameter,
    };

    /// <summary>A validation problem (400 unless <paramref name="statusCode"/> says otherwise) naming <paramref name="field"/>.</summary>
    internal static IResult Problem(string field, string detail, int statusCode = StatusCodes.Status400BadRequest) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [detail] },
        detail: detail,
        statusCode: statusCode,
        title: "The generation request is invalid.");

    private static async Task<RgbImage> DecodeAsync(IImageCodec codec, UploadDecodeGate gate, UploadPixelBudget budget, IFormFile file, string field, CancellationToken cancellationToken)
    {
        try
        {
            return await budget.DecodeAsync(codec, gate, file, cancellationToken);
        }
        catch (ImageInputException ex)
        {
            throw new FieldException(field, ex, budget.Describe(file, ex));
        }
    }

    private static int Int(IFormCollection form, string key, int fallback) =>
        form[key].FirstOrDefault() is { } s ? (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw NotANumber(key, s)) : fallback;

    private static long Long(IFormCollection form, string key) =>
        long.TryParse(form[key].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw NotANumber(key, form[key].FirstOrDefault());

    private static float Float(IFormCollection form, string key, float fallback) =>
        form[key].FirstOrDefault() is { } s ? (float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : throw NotANumber(key, s)) : fallback;

    private static FaceStudioValidationException NotANumber(string key, string? value) => new(key, $"The '{key}' field must be a number but is '{value}'.");

    private static IResult TooLarge(GenerateEndpointOptions limits, long? actual) => Results.Problem(
        detail: actual is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"The request body is {n} bytes but this server accepts at most {limits.MaxRequestBytes}.")
            : string.Create(CultureInfo.InvariantCulture, $"The request body is larger than this server accepts ({limits.MaxRequestBytes} bytes)."),
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large.");

    /// <summary>An uploaded file that could not be decoded, with the form field it came in.</summary>
    private sealed class FieldException(string field, Exception inner, string? message = null) : Exception(message ?? inner.Message, inner)
    {
        public string Field { get; } = field;
    }

}
