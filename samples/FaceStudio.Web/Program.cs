using FaceStudio.Imaging.DependencyInjection;
using FaceStudio.Onnx.DependencyInjection;
using FaceStudio.Web;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// FaceStudio: pipeline from the "FaceStudio" section (no ModelPack: the built-in demo pack), validated on start.
builder.Services.AddFaceStudio(builder.Configuration.GetSection("FaceStudio"));
builder.Services.AddFaceStudioImaging();
GenerateEndpointOptions limits = builder.Configuration.GetSection("GenerateEndpoint").Get<GenerateEndpointOptions>() ?? new();
builder.Services.AddSingleton(limits);
builder.Services.AddProblemDetails();
builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = limits.MaxRequestBytes);
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = limits.MaxRequestBytes);

WebApplication app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapGet("/", () => Results.Text("FaceStudio sample: POST /generate (multipart: prompt, face files, optional style file) returns a PNG."));
app.MapPost("/generate", GenerateEndpoint.HandleAsync).DisableAntiforgery();

app.Run();

/// <summary>Entry point, visible to the in-process tests (WebApplicationFactory).</summary>
public partial class Program;
