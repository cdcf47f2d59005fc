using FaceStudio.Core.Denoising;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.TestSupport;
using FaceStudio.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FaceStudio.Web.BrowserTests;

/// <summary>
/// The web sample on a real loopback Kestrel port over the demo pack, its denoiser paced (each step waits
/// <see cref="Pace.StepDelay"/>, honouring cancellation) so a browser can watch previews arrive and cancel midway.
/// </summary>
public sealed class StudioServer : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fs-studio-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    /// <summary>The server's body limit in these tests.</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    /// <summary>How the demo denoiser is paced and what it saw.</summary>
    public Pace Pace { get; } = new();

    /// <summary>The app's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Test pictures, written as PNG files.</summary>
    public string Files => Path.Combine(_folder, "files");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Files);
        string demo = Path.Combine(_folder, "demo");
        _app = WebSample.Build(
            [
                "--urls", "http://127.0.0.1:0",
                "--FaceStudio:DemoCacheDirectory", demo,
                "--GenerateEndpoint:MaxRequestBytes", MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--Logging:LogLevel:Default", "Warning",
                "--Logging:LogLevel:FaceStudio", "Error",
            ],
            builder => builder.Services.AddSingleton(_ =>
            {
                var pipeline = new FaceStudioPipelineBuilder().UseModelPack(DemoPack.EnsureCached(demo));
                return pipeline.UseDenoiser(new PacedDenoiser(pipeline.Denoiser!, Pace)).Build();
            }));
        await _app.StartAsync();
        Address = new Uri(_app.Urls.Single());

        var codec = new SkiaImageCodec();
        // Real photos (tests/TestData/faces): the demo pack's BlazeFace finds one face on each of person 1's photos
        // (the portrait's head, and the whole portrait at 160×160) and three on person 2's (the tiled group).
        Save(codec, "person1-a.png", FacePhotos.Head(FacePhotos.Portrait, path => codec.Decode(path)));
        Save(codec, "person1-b.png", ImageResize.Resize(codec.Decode(FacePhotos.Path(FacePhotos.Portrait)), 160, 160));
        Save(codec, "person2.png", codec.Decode(FacePhotos.Path(FacePhotos.Group)));
        Save(codec, "style.png", Gradient(192, 192));
        await System.IO.File.WriteAllTextAsync(Path.Combine(Files, "notes.txt"), "these are notes, not a photo");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    public string File(string name) => Path.Combine(Files, name);

    private void Save(SkiaImageCodec codec, string name, RgbImage image) => codec.EncodePng(image, Path.Combine(Files, name));

    
    private static RgbImage Gradient(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                row[x * 3] = (byte)(x * 255 / (width - 1));
                row[(x * 3) + 1] = (byte)(y * 255 / (height - 1));
                row[(x * 3) + 2] = 90;
            }
        }

        return image;
    }
}

/// <summary>Step pacing of the test server and what its denoiser saw.</summary>
public sealed class Pace
{
    private int _calls;
    private int _cancelledInStep;

    /// <summary>How long each denoiser step waits (cancellable) before predicting.</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Denoiser steps started.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Steps that were running when the generation was cancelled (the wait was cut short).</summary>
    public int CancelledInStep => Volatile.Read(ref _cancelledInStep);

    public void Reset()
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _cancelledInStep, 0);
    }

    internal void Step(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (cancellationToken.WaitHandle.WaitOne(StepDelay))
        {
            Interlocked.Increment(ref _cancelledInStep);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}

/// <summary>A denoiser that waits <see cref="Pace.StepDelay"/> per step, then runs the real one.</summary>
internal sealed class PacedDenoiser(IDenoiser inner, Pace pace) : IDenoiser
{
    public DenoiserCapabilities Capabilities => inner.Capabilities;

    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) =>
        new Session(inner.CreateSession(conditioning, latentShape), pace);

    private sealed class Session(IDenoiserSession inner, Pace pace) : IDenoiserSession
    {
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
        {
            pace.Step(cancellationToken);
            inner.Predict(sample, timestep, prediction, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
