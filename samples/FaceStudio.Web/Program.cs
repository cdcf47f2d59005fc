using FaceStudio.Web;

// The app is composed in WebSample so tests can also start it on a real Kestrel port.
await using WebApplication app = WebSample.Build(args);
await app.RunAsync();

/// <summary>Entry point, visible to the in-process tests (WebApplicationFactory).</summary>
public partial class Program;
