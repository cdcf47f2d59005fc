using FaceStudio.Web.Studio;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FaceStudio.Web;

/// <summary>Composes the web sample: FaceStudio pipeline from configuration, the image codec and <c>POST /generate</c>.</summary>
public static class WebSample
{
    /// <summary>Builds the app from command-line arguments (<c>--urls</c>, <c>--FaceStudio:ModelPack DIR</c>, …).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Runs last before the app is built (tests replace services here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

        // FaceStudio: pipeline from the "FaceStudio" section, validated on start. appsettings.json asks for the
        // demo pack ("ModelPack": "demo", which UseDemoPack() provides and announces with a warning): real face models,
        // a random-weight denoiser;
        // set FaceStudio:ModelPack to a model pack folder for real pictures.
        builder.Services.AddFaceStudio(builder.Configuration.GetSection("FaceStudio"))
            .UseDemoPack()
            .AddImaging();

        // Limits are read through options (not before Build) so every configuration source, tests' included, applies.
        builder.Services.AddOptions<GenerateEndpointOptions>()
            .Bind(builder.Configuration.GetSection("GenerateEndpoint"))
            .Validate(o => o.MaxRequestBytes > 0 && o.MaxFaces >= 0 && o.MaxSteps > 0, "GenerateEndpoint: MaxRequestBytes and MaxSteps must be positive and MaxFaces 0 or more.")
            .Validate(o => o.MaxUploadPixels > 0 && o.MaxConcurrentDecodes is > 0 and <= 64, "GenerateEndpoint: MaxUploadPixels must be positive and MaxConcurrentDecodes in [1, 64].")
            .ValidateOnStart();
        builder.Services.AddSingleton<UploadDecodeGate>();
        builder.Services.AddOptions<FormOptions>()
            .Configure<IOptions<GenerateEndpointOptions>>((form, limits) => form.MultipartBodyLengthLimit = limits.Value.MaxRequestBytes);
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<GenerateEndpointOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBytes);
        builder.Services.AddProblemDetails();
        configure?.Invoke(builder);
        bool queueMode = JobEndpoints.AddIfConfigured(builder);

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The studio page (wwwroot, also embedded so it is served wherever the app runs from); the API text is at /api.
        app.UseStudioPage();
        app.MapStudio();
        app.MapPost("/generate", GenerateEndpoint.HandleAsync).DisableAntiforgery();
        if (queueMode)
        {
            JobEndpoints.Map(app);
        }

        return app;
    }
}
