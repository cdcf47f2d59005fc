using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using Microsoft.Extensions.Options;

namespace FaceStudio.Web;

/// <summary>Limits of the <c>POST /generate</c> endpoint (section <c>GenerateEndpoint</c>).</summary>
public sealed class GenerateEndpointOptions
{
    /// <summary>Largest accepted request body (multipart form with photos); larger bodies get 413.</summary>
    public long MaxRequestBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Most face photos (identities) per request.</summary>
    public int MaxFaces { get; set; } = 4;

    /// <summary>Most inference steps per request.</summary>
    public int MaxSteps { get; set; } = 50;

    /// <summary>
    /// Pixel budget of one request: the sum of <c>width × height</c> over its uploaded images, each checked from its
    /// header before it is decoded (a small PNG can declare 8000×8000); over budget is 413 naming the field.
    /// </summary>
    public long MaxUploadPixels { get; set; } = 32L * 1024 * 1024;

    /// <summary>Most uploads decoded at the same time across all requests (each decode holds its pixels in memory).</summary>
    public int MaxConcurrentDecodes { get; set; } = 2;
}

/// <summary>
/// <c>POST /generate</c>: the multipart form of <see cref="GenerationForm"/> (<c>prompt</c>, optional <c>negative</c>,
/// <c>steps</c>, <c>seed</c>, <c>scheduler</c>, <c>guidance</c>, <c>alpha</c>, <c>width</c>, <c>height</c>; files
/// <c>face</c> (one per person) and <c>style</c>) → <c>image/png</c>. Bad input is a 400 problem document naming the form field; a body over
/// <see cref="GenerateEndpointOptions.MaxRequestBytes"/> or uploads over <see cref="GenerateEndpointOptions.MaxUploadPixels"/>
/// are 413; a body slower than Kestrel's minimum data rate is 408.
/// </summary>
internal static class GenerateEndpoint
{
    public static async Task<IResult> HandleAsync(HttpRequest request, FaceStudioPipeline pipeline, IImageCodec codec, IOptions<GenerateEndpointOptions> options, UploadDecodeGate decodeGate, CancellationToken cancellationToken)
    {
        (GenerationRequest? generation, IResult? problem) = await GenerationForm.ParseAsync(request, codec, options.Value, decodeGate, cancellationToken);
        if (generation is null)
        {
            return problem!;
        }

        try
        {
            GenerationResult result = await pipeline.GenerateAsync(generation, progress: null, cancellationToken);
            using var png = new MemoryStream();
            codec.EncodePng(result.Images[0].Image, png, cancellationToken);
            request.HttpContext.Response.Headers["X-FaceStudio-Seed"] = result.Metadata.Seed.ToString(CultureInfo.InvariantCulture);
            request.HttpContext.Response.Headers["X-FaceStudio-Steps-Per-Second"] = result.Metadata.Timings.StepsPerSecond.ToString("F2", CultureInfo.InvariantCulture);
            return Results.File(png.ToArray(), "image/png");
        }
        catch (FaceStudioValidationException ex)
        {
            return GenerationForm.Problem(FormField(ex.ParameterName), ex.Message);
        }
        catch (FaceNotFoundException ex)
        {
            // Only reference photos are searched for faces.
            return GenerationForm.Problem("face", ex.Message);
        }
    }

    /// <summary>The form field a pipeline validation error is about (the pipeline names request properties).</summary>
    internal static string FormField(string parameter) => GenerationForm.FormField(parameter);
}
