using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace FaceStudio.Samples.Tests.Web;

/// <summary>The web sample in process, its demo pack generated into a temporary folder and a small body limit.</summary>
public sealed class WebSampleFactory : WebApplicationFactory<Program>
{
    /// <summary>Body limit of these tests (bytes).</summary>
    public const long MaxRequestBytes = 256 * 1024;

    private readonly TempFolder _folder = new();

    /// <summary>Where the app generates its demo pack.</summary>
    public string DemoCacheDirectory => _folder.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("FaceStudio:DemoCacheDirectory", _folder.Path);
        builder.UseSetting("GenerateEndpoint:MaxRequestBytes", MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureLogging(logging => logging.ClearProviders());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _folder.Dispose();
        }
    }
}
