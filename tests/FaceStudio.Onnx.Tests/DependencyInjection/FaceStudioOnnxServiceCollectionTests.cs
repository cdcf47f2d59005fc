using System.Diagnostics;
using System.Diagnostics.Metrics;
using FaceStudio.Core.AI;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;
using FaceStudio.Onnx.Tests.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static FaceStudio.Onnx.Tests.Pipeline.PipelineTestKit;

namespace FaceStudio.Onnx.Tests.DependencyInjection;

/// <summary><c>services.AddFaceStudio(...)</c> over demo packs written to a temporary folder.</summary>
public sealed class FaceStudioOnnxServiceCollectionTests(DemoPackFixture fixture) : IClassFixture<DemoPackFixture>
{
    [Fact]
    public async Task Configuration_section_registers_a_singleton_pipeline_over_the_named_pack()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["FaceStudio:ModelPack"] = fixture.Pack.Root,
                ["FaceStudio:MaxConcurrentRequests"] = "3",
                ["FaceStudio:ExecutionProvider"] = "Cpu",
            })
            .Build();
        await using ServiceProvider services = new ServiceCollection().AddFaceStudio(configuration.GetSection("FaceStudio")).Services.BuildServiceProvider();

        FaceStudioPipeline pipeline = services.GetRequiredService<FaceStudioPipeline>();

        Assert.Same(pipeline, services.GetRequiredService<FaceStudioPipeline>());
        Assert.Equal(3, pipeline.Options.MaxConcurrentRequests);
        await AssertSameImagesAsync(fixture.Pipeline, pipeline, DemoPack.RandomFaceEmbeddingSize);
    }

    [Fact]
    public async Task UseDemoPack_without_a_model_pack_generates_the_demo_pack_and_warns_that_its_weights_are_random()
    {
        string cache = fixture.NewFolder();
        var logs = new CapturingLoggerProvider();
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.AddProvider(logs));
        await using ServiceProvider services = collection
            .AddFaceStudio(o => o.DemoCacheDirectory = cache)
            .UseDemoPack()
            .Services.BuildServiceProvider();

        FaceStudioPipeline pipeline = services.GetRequiredService<FaceStudioPipeline>();

        string packFolder = Assert.Single(Directory.GetDirectories(cache));
        Assert.True(File.Exists(Path.Combine(packFolder, ModelPackManifest.FileName)));
        Assert.Equal(1, pipeline.Options.MaxConcurrentRequests);
        Assert.Contains(logs.Entries, e => e.Category == typeof(DemoModelPackSource).FullName && e.Level == LogLevel.Warning
            && e.Message.Contains("random weights", StringComparison.Ordinal) && e.Message.Contains("face models are real", StringComparison.Ordinal));

        // Same default seed and face models as a default demo pack made apart, so the same pictures.
        await AssertSameImagesAsync(fixture.DefaultDemoPipeline, pipeline, DemoPack.FaceEmbeddingSize);
    }

    [Fact]
    public async Task ModelPack_demo_in_configuration_selects_the_demo_pack_registered_by_UseDemoPack()
    {
        string cache = fixture.NewFolder();
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FaceStudio:ModelPack"] = "demo", ["FaceStudio:DemoCacheDirectory"] = cache })
            .Build();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFaceStudio(configuration.GetSection("FaceStudio")).UseDemoPack();
        using IHost host = builder.Build();
        await host.StartAsync();

        FaceStudioPipeline pipeline = host.Services.GetRequiredService<FaceStudioPipeline>();

        Assert.Single(Directory.GetDirectories(cache));
        await AssertSameImagesAsync(fixture.DefaultDemoPipeline, pipeline, DemoPack.FaceEmbeddingSize);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_missing_model_pack_fails_the_host_start_naming_the_key_and_how_to_ask_for_the_demo()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FaceStudio:ExecutionProvider"] = "Cpu" })
            .Build();

        OptionsValidationException ex = await StartFailsAsync(s => s.AddFaceStudio(configuration.GetSection("FaceStudio")));

        string failure = Assert.Single(ex.Failures);
        Assert.Contains("'FaceStudio:ModelPack' is not set", failure, StringComparison.Ordinal);
        Assert.Contains("\"demo\"", failure, StringComparison.Ordinal);
        Assert.Contains("UseDemoPack()", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelPack_demo_without_UseDemoPack_fails_the_host_start_naming_the_package()
    {
        OptionsValidationException ex = await StartFailsAsync(s => s.AddFaceStudio(o => o.ModelPack = "demo"));

        string failure = Assert.Single(ex.Failures);
        Assert.Contains("no demo pack is registered", failure, StringComparison.Ordinal);
        Assert.Contains("FaceStudio.Onnx.Demo", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_configuration_key_fails_the_host_start_suggesting_the_nearest_key()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FaceStudio:ModelPath"] = fixture.Pack.Root, ["FaceStudio:Colour"] = "blue" })
            .Build();

        OptionsValidationException ex = await StartFailsAsync(s => s.AddFaceStudio(configuration.GetSection("FaceStudio")).UseDemoPack());

        Assert.Contains(ex.Failures, f => f.Contains("unknown key 'FaceStudio:ModelPath'; did you mean 'ModelPack'?", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("unknown key 'FaceStudio:Colour'; the known keys are ModelPack,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_execution_provider_missing_from_the_installed_runtime_fails_the_host_start()
    {
        OptionsValidationException ex = await StartFailsAsync(s =>
        {
            s.AddSingleton(new SessionFactory(null, () => ["CPUExecutionProvider"]));
            s.AddFaceStudio(o =>
            {
                o.ModelPack = fixture.Pack.Root;
                o.ExecutionProvider = ExecutionProviderKind.Cuda;
            });
        });

        Assert.Contains(ex.Failures, f => f.Contains("Execution provider Cuda (CUDAExecutionProvider) is not in the installed ONNX Runtime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Named_pipelines_are_keyed_services_each_over_its_own_pack()
    {
        string dirA = fixture.NewFolder(), dirB = fixture.NewFolder();
        DemoPack.Create(dirA, seed: 101);
        DemoPack.Create(dirB, seed: 202);
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Packs:B:ModelPack"] = dirB })
            .Build();
        await using ServiceProvider services = new ServiceCollection()
            .AddFaceStudio("a", o => o.ModelPack = dirA).Services
            .AddFaceStudio("b", configuration.GetSection("Packs:B")).Services
            .BuildServiceProvider();

        FaceStudioPipeline a = services.GetRequiredKeyedService<FaceStudioPipeline>("a");
        FaceStudioPipeline b = services.GetRequiredKeyedService<FaceStudioPipeline>("b");
        using FaceStudioPipeline directA = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(dirA)).Build();
        using FaceStudioPipeline directB = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(dirB)).Build();

        Assert.NotSame(a, b);
        Assert.Null(services.GetService<FaceStudioPipeline>());
        await AssertSameImagesAsync(directA, a, DemoPack.FaceEmbeddingSize);
        await AssertSameImagesAsync(directB, b, DemoPack.FaceEmbeddingSize);
        byte[] fromA = (await a.GenerateAsync(Request(seed: 3))).Images[0].Image.Pixels;
        byte[] fromB = (await b.GenerateAsync(Request(seed: 3))).Images[0].Image.Pixels;
        Assert.NotEqual(fromA, fromB);
    }

    [Fact]
    public async Task Invalid_options_fail_the_host_start_listing_every_problem()
    {
        string broken = fixture.NewFolder();
        DemoPack.Create(broken);
        File.Delete(Path.Combine(broken, "unet", "model.onnx"));
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFaceStudio(o =>
        {
            o.MaxConcurrentRequests = 0;
            o.ModelPack = broken;
        });
        using IHost host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.Contains("MaxConcurrentRequests must be in [1, 64] but is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ModelPack", StringComparison.Ordinal) && f.Contains("unet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Valid_options_start_the_host()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFaceStudio(o => o.ModelPack = fixture.Pack.Root);
        using IHost host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task Generation_logs_through_ILogger_and_emits_steps_and_a_trace()
    {
        var logs = new CapturingLoggerProvider();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddFaceStudio(o => o.ModelPack = fixture.Pack.Root);
        using IHost host = builder.Build();
        await host.StartAsync();
        IMeterFactory meters = host.Services.GetRequiredService<IMeterFactory>();

        long steps = 0;
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this host's meter: other tests' pipelines run in parallel in this process.
            if (instrument.Meter.Name == FaceStudioTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "facestudio.steps")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref steps, value));
        meterListener.Start();

        using var testSource = new ActivitySource("FaceStudio.Onnx.Tests.DependencyInjection");
        var stopped = new List<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is FaceStudioTelemetry.Name || s == testSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);

        FaceStudioPipeline pipeline = host.Services.GetRequiredService<FaceStudioPipeline>();
        GenerationResult result;
        ActivityTraceId trace;
        using (Activity parent = testSource.StartActivity("test")!)
        {
            trace = parent.TraceId;
            result = await pipeline.GenerateAsync(Request(seed: 9, steps: 3) with { BatchCount = 2 });
        }

        await host.StopAsync();

        // 3 Euler-ancestral steps per image, 2 images: one count per denoiser call.
        Assert.Equal(3, result.Metadata.ModelCalls);
        Assert.Equal(6, Interlocked.Read(ref steps));
        Activity generate;
        lock (stopped)
        {
            generate = Assert.Single(stopped, a => a.OperationName == "facestudio.generate" && a.TraceId == trace);
        }

        Assert.Equal(3, generate.GetTagItem("facestudio.steps"));
        Assert.Equal("euler-a", generate.GetTagItem("facestudio.scheduler"));
        Assert.Contains(logs.Entries, e => e.Category == typeof(FaceStudioPipeline).FullName && e.Level == LogLevel.Information
            && e.Message.StartsWith("Generated 2 image(s) 64x64, 3 steps of euler-a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Image_generator_registration_resolves_an_IImageGenerator_over_the_pipeline()
    {
#pragma warning disable MEAI001 // IImageGenerator is experimental.
        await using ServiceProvider services = new ServiceCollection()
            .AddFaceStudio(o => o.ModelPack = fixture.Pack.Root)
            .AddImaging()
            .Services.AddFaceStudioImageGenerator()
            .BuildServiceProvider();

        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        ImageGenerationResponse response = await generator.GenerateAsync(
            new ImageGenerationRequest(Request(seed: 4).Prompt),
            new ImageGenerationOptions
            {
                ImageSize = new System.Drawing.Size(72, 64),
                AdditionalProperties = new AdditionalPropertiesDictionary { [FaceStudioImageGenerator.Keys.Steps] = 4, [FaceStudioImageGenerator.Keys.Seed] = 4L },
            });

        Assert.IsType<FaceStudioImageGenerator>(generator);
        Assert.IsType<SkiaImageCodec>(services.GetRequiredService<IImageCodec>());
        DataContent png = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal("image/png", png.MediaType);
        RgbImage decoded = new SkiaImageCodec().Decode(png.Data, "response.png");
        RgbImage expected = (await fixture.Pipeline.GenerateAsync(Request(seed: 4, width: 72, height: 64))).Images[0].Image;
        Assert.Equal((72, 64), (decoded.Width, decoded.Height));
        Assert.Equal(expected.Pixels, decoded.Pixels);
#pragma warning restore MEAI001
    }

    [Fact]
    public async Task Builder_chain_registers_the_image_generator_through_MEAI_builder_middleware()
    {
#pragma warning disable MEAI001 // IImageGenerator is experimental.
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddFaceStudio(o => o.ModelPack = fixture.Pack.Root)
            .AddImaging()
            .AddImageGenerator()
            .UseLogging();
        await using ServiceProvider services = collection.BuildServiceProvider();

        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        Assert.IsType<LoggingImageGenerator>(generator);
        Assert.NotNull(generator.GetService<FaceStudioImageGenerator>());
        ImageGenerationResponse response = await generator.GenerateAsync(
            new ImageGenerationRequest(Request(seed: 4).Prompt),
            new ImageGenerationOptions { AdditionalProperties = new AdditionalPropertiesDictionary { [FaceStudioImageGenerator.Keys.Steps] = 2, [FaceStudioImageGenerator.Keys.Seed] = 4L } });
        Assert.Equal("image/png", Assert.IsType<DataContent>(Assert.Single(response.Contents)).MediaType);
#pragma warning restore MEAI001
    }

    private static async Task<OptionsValidationException> StartFailsAsync(Action<IServiceCollection> register)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        register(builder.Services);
        using IHost host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private static async Task AssertSameImagesAsync(FaceStudioPipeline expected, FaceStudioPipeline actual, int faceEmbeddingSize)
    {
        GenerationRequest request = Request(seed: 17) with { Identities = [Core.Pipeline.IdentityInput.FromEmbedding(Embedding(1, faceEmbeddingSize))] };
        byte[] want = (await expected.GenerateAsync(request)).Images[0].Image.Pixels;
        byte[] got = (await actual.GenerateAsync(request)).Images[0].Image.Pixels;
        Assert.Equal(want, got);
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly List<LogEntry> _entries = [];

        public IReadOnlyList<LogEntry> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._entries)
                {
                    owner._entries.Add(new LogEntry(category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
