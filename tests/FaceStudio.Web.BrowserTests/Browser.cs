using Microsoft.Playwright;

namespace FaceStudio.Web.BrowserTests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, or <c>FACESTUDIO_CHROMIUM</c>) under Playwright. Playwright's own
/// browser builds are never downloaded; when Chromium is missing or cannot start the tests fail and say why.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>artifacts/screenshots</c> under the repository root (or <c>FACESTUDIO_SCREENSHOTS</c>).</summary>
    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    public async Task InitializeAsync()
    {
        string executable = FindChromium();
        try
        {
            _playwright = await Playwright.CreateAsync();
            Instance = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
                Timeout = 60_000,
            });
        }
        catch (Exception ex) when (ex is PlaywrightException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException(
                $"The studio page's browser tests need Chromium, but '{executable}' could not be started under Playwright: {ex.Message} " +
                "Install it with 'apt-get install chromium' (.ci/run does) or point FACESTUDIO_CHROMIUM at a Chromium binary.", ex);
        }
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null)
        {
            await Instance.CloseAsync();
        }

        _playwright?.Dispose();
    }

    private static string FindChromium()
    {
        string[] candidates = Environment.GetEnvironmentVariable("FACESTUDIO_CHROMIUM") is { Length: > 0 } configured
            ? [configured]
            : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];
        return candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            $"The studio page's browser tests need Chromium but none was found at {string.Join(", ", candidates)}. " +
            "Install it with 'apt-get install chromium' (.ci/run does) or set FACESTUDIO_CHROMIUM to a Chromium binary.");
    }

    private static string FindScreenshotFolder()
    {
        if (Environment.GetEnvironmentVariable("FACESTUDIO_SCREENSHOTS") is { Length: > 0 } configured)
        {
            Directory.CreateDirectory(configured);
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
            {
                string folder = Path.Combine(dir.FullName, "artifacts", "screenshots");
                Directory.CreateDirectory(folder);
                return folder;
            }
        }

        string fallback = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(fallback);
        return fallback;
    }
}
