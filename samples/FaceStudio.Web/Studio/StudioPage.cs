using Microsoft.Extensions.FileProviders;

namespace FaceStudio.Web.Studio;

/// <summary>Serves the studio page's static files: the web root when it exists, else the copies embedded in the assembly.</summary>
internal static class StudioPage
{
    public static WebApplication UseStudioPage(this WebApplication app)
    {
        var embedded = new EmbeddedFileProvider(typeof(StudioPage).Assembly, "FaceStudio.Web.wwwroot");
        IFileProvider files = app.Environment.WebRootFileProvider is { } root and not NullFileProvider
            ? new CompositeFileProvider(root, embedded)
            : embedded;
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
