using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;
using FaceStudio.TestSupport;

namespace FaceStudio.Core.Tests.Pipeline;

public class FaceStudioPipelineTests
{
    private static GenerationRequest Request(long seed = 42, string scheduler = SchedulerCatalog.EulerAncestral) => new()
    {
        Prompt = "a portrait",
        Width = 64,
        Height = 64,
        Steps = 6,
        Scheduler = scheduler,
        Seed = seed,
    };

    [Fact]
    public void Builder_names_every_missing_component()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => new FaceStudioPipelineBuilder().Build());
        Assert.Contains("text encoder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("denoiser", ex.Message, StringComparison.Ordinal);
        Assert.Contains("VAE decoder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_pipeline_options_are_rejected_at_build()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => PipelineFakes.Builder().UseOptions(new FaceStudioPipelineOptions { MaxConcurrentRequests = 0 }).Build());
        Assert.Equal(nameof(FaceStudioPipelineOptions.MaxConcurrentRequests), ex.ParameterName);
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void Automatic_region_min_score_outside_0_1_is_rejected_at_build(float minScore)
    {
        // Otherwise it surfaced only in a multi-identity request, after the text encoder and face detector had run.
        var ex = Assert.Throws<FaceStudioValidationException>(() => PipelineFakes.Builder().UseOptions(new FaceStudioPipelineOptions { AutomaticRegions = new AutomaticRegionOptions { MinScore = minScore } }).Build());
        Assert.Equal(nameof(AutomaticRegionOptions.MinScore), ex.ParameterName);
    }

    public static TheoryData<string, GenerationRequest> InvalidRequests() => new()
    {
        { "Scheduler", Request() with { Scheduler = "warp-drive" } },
        { "steps", Request() with { Steps = 0 } },
        { "Width", Request() with { Width = 100 } },
        { "Height", Request() with { Height = 4096 } },
        { "BatchCount", Request() with { BatchCount = 0 } },
        { "GuidanceScale", Request() with { GuidanceScale = float.NaN } },
        { "Alpha", Request() with { Alpha = 1.5f } },
        { "Identities[0]", Request() with { Identities = [new IdentityInput()] } },
        {
            "Regions", Request() with
            {
                Identities =
                [
                    IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(1))) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 32, 64)) },
                    IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(2))),
                ],
            }
        },
        {
            "Regions", Request() with
            {
                Identities =
                [
                    IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(1))),
                    IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(2))),
                ],
            }
        },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Invalid_requests_are_rejected_before_any_model_runs(string expectedField, GenerationRequest request)
    {
        var text = new FakeTextEncoder();
        var denoiser = new FakeDenoiser();
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser, text, withProjector: true).Build();

        var ex = await Assert.ThrowsAnyAsync<FaceStudioException>(() => pipeline.GenerateAsync(request));

        Assert.Contains(expectedField, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, text.Calls);
        Assert.Equal(0, denoiser.Sessions);
        Assert.Equal(0, denoiser.Calls);
    }

    public static TheoryData<string, GenerationRequest> RequestsTheProjectorCannotTake() => new()
    {
        // The fake projector takes 512-d face embeddings only (E = 0).
        { "512", Request() with { Flavor = GuidanceFlavor.IpAdapterFaceId, Identities = [IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(1).AsSpan(0, 256)))] } },
        { "Flavor", Request() with { Flavor = GuidanceFlavor.FaceStudioHybrid, Identities = [IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(1)))] } },
    };

    [Theory]
    [MemberData(nameof(RequestsTheProjectorCannotTake))]
    public async Task Identities_the_projector_cannot_take_are_rejected_before_any_model_runs(string expected, GenerationRequest request)
    {
        var text = new FakeTextEncoder();
        var denoiser = new FakeDenoiser();
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser, text, withProjector: true).Build();

        var ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => pipeline.GenerateAsync(request));

        Assert.Contains(expected, ex.ParameterName + " " + ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, text.Calls);
        Assert.Equal(0, denoiser.Sessions);
    }

    [Fact]
    public async Task Style_encoder_wider_than_the_projector_image_input_fails_before_any_model_runs()
    {
        // Hybrid projector taking 8-wide image embeddings; the style encoder makes 16-wide ones.
        const int k = 2, e = 8, f = 512;
        var text = new FakeTextEncoder();
        var style = new FakeImageEncoder(16);
        var projector = new LinearGuidanceProjector(new float[k * PipelineFakes.Dim * (e + f)], null, f, e, k, PipelineFakes.Dim);
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(text: text).UseGuidanceProjector(projector).UseStyleEncoder(style).Build();
        GenerationRequest request = Request() with
        {
            Flavor = GuidanceFlavor.FaceStudioHybrid,
            Style = new StyleInput(new RgbImage(64, 64)),
            Identities = [IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(1)))],
        };

        var ex = await Assert.ThrowsAsync<ModelContractException>(() => pipeline.GenerateAsync(request));

        Assert.Contains("16", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, text.Calls);
        Assert.Equal(0, style.Calls);
    }

    [Fact]
    public async Task Identities_without_a_projector_are_rejected_before_any_model_runs()
    {
        var text = new FakeTextEncoder();
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(text: text).Build();
        GenerationRequest request = Request() with { Identities = [IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(1)))] };

        var ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => pipeline.GenerateAsync(request));
        Assert.Contains("projector", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, text.Calls);
    }

    public static TheoryData<string, DenoiserCapabilities> MismatchedTextDenoisers() => new()
    {
        // The text encoder makes 8 tokens of width 16.
        { "32 wide", new DenoiserCapabilities { LatentChannels = 4, ContextDim = 32 } },
        { "at most 4 context tokens", new DenoiserCapabilities { LatentChannels = 4, ContextDim = PipelineFakes.Dim, MaxContextTokens = 4 } },
    };

    [Theory]
    [MemberData(nameof(MismatchedTextDenoisers))]
    public async Task Text_only_request_with_a_denoiser_that_cannot_take_the_text_tokens_fails_before_any_model_runs(string expected, DenoiserCapabilities capabilities)
    {
        var text = new FakeTextEncoder();
        var denoiser = new FakeDenoiser { Capabilities = capabilities };
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser, text).Build();

        var ex = await Assert.ThrowsAsync<ModelContractException>(() => pipeline.GenerateAsync(Request()));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, text.Calls);
        Assert.Equal(0, denoiser.Sessions);
    }

    [Theory]
    [InlineData(8, 8, "8 latent channels")]
    [InlineData(4, 16, "factor 16")]
    public async Task Img2img_with_a_VAE_encoder_that_does_not_match_the_denoiser_and_decoder_fails_before_any_model_runs(int channels, int factor, string expected)
    {
        var text = new FakeTextEncoder();
        var encoder = new FakeEncoder(channels, factor);
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(text: text).UseLatentEncoder(encoder).Build();
        GenerationRequest request = Request() with { Style = new StyleInput(new RgbImage(64, 64)) { UseAsInitImage = true, Strength = 0.5f } };

        var ex = await Assert.ThrowsAsync<ModelContractException>(() => pipeline.GenerateAsync(request));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, text.Calls);
        Assert.Equal(0, encoder.Calls);
    }

    [Fact]
    public async Task Same_seed_gives_same_image_and_other_seed_differs()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();

        GenerationResult a = await pipeline.GenerateAsync(Request(7));
        GenerationResult b = await pipeline.GenerateAsync(Request(7));
        GenerationResult c = await pipeline.GenerateAsync(Request(8));

        Assert.Equal(a.Images[0].Image.Pixels, b.Images[0].Image.Pixels);
        Assert.NotEqual(a.Images[0].Image.Pixels, c.Images[0].Image.Pixels);
        Assert.Equal(7, a.Metadata.Seed);
        Assert.Equal(64, a.Images[0].Image.Width);
    }

    [Fact]
    public async Task Batch_images_use_consecutive_seeds()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();

        GenerationResult batch = await pipeline.GenerateAsync(Request(10) with { BatchCount = 3 });
        GenerationResult third = await pipeline.GenerateAsync(Request(12));

        Assert.Equal([10L, 11L, 12L], batch.Images.Select(i => i.Seed));
        Assert.Equal(third.Images[0].Image.Pixels, batch.Images[2].Image.Pixels);
    }

    [Fact]
    public async Task Concurrent_requests_give_the_same_images_as_sequential_ones()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().UseOptions(new FaceStudioPipelineOptions { MaxConcurrentRequests = 4 }).Build();
        string[] schedulers = [SchedulerCatalog.EulerAncestral, SchedulerCatalog.DpmPlusPlus2MKarras, SchedulerCatalog.Ddim, SchedulerCatalog.DpmPlusPlus2MSde];
        GenerationRequest[] requests = [.. schedulers.Select((s, i) => Request(100 + i, s))];

        var sequential = new List<byte[]>();
        foreach (GenerationRequest r in requests)
        {
            sequential.Add((await pipeline.GenerateAsync(r)).Images[0].Image.Pixels);
        }

        GenerationResult[] concurrent = await Task.WhenAll(requests.Concat(requests).Select(r => Task.Run(() => pipeline.GenerateAsync(r))));

        for (int i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(sequential[i % requests.Length], concurrent[i].Images[0].Image.Pixels);
        }
    }

    [Fact]
    public async Task Text_only_generation_runs_cfg_as_one_batch_of_two_per_step()
    {
        var denoiser = new FakeDenoiser();
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser).Build();

        GenerationResult result = await pipeline.GenerateAsync(Request() with { Scheduler = SchedulerCatalog.Ddim });

        Assert.Equal([2], denoiser.BatchSizes);
        Assert.Equal(6, denoiser.Calls);
        Assert.Equal(6, result.Metadata.ModelCalls);
        Assert.Null(result.Metadata.RegionMode);
    }

    [Fact]
    public async Task Fixed_batch_one_denoiser_gets_two_runs_per_step()
    {
        var denoiser = new FakeDenoiser { Capabilities = new() { LatentChannels = 4, ContextDim = PipelineFakes.Dim, FixedBatchSize = 1 } };
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser).Build();
        using FaceStudioPipeline batched = PipelineFakes.Builder().Build();

        GenerationResult a = await pipeline.GenerateAsync(Request());
        GenerationResult b = await batched.GenerateAsync(Request());

        Assert.Equal([1, 1], denoiser.BatchSizes);
        Assert.Equal(12, denoiser.Calls);
        Assert.Equal(b.Images[0].Image.Pixels, a.Images[0].Image.Pixels);
    }

    [Fact]
    public async Task Fixed_batch_above_two_pads_the_text_only_run_with_copies_of_the_unconditional_row()
    {
        // A denoiser exported with a fixed batch of 3 (e.g. for the composed path's U, T, I rows) must get batches of 3
        // for text-only requests too; the padding rows are ignored, so the image equals the dynamic-batch one.
        var denoiser = new FakeDenoiser { Capabilities = new() { LatentChannels = 4, ContextDim = PipelineFakes.Dim, FixedBatchSize = 3 } };
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser).Build();
        using FaceStudioPipeline batched = PipelineFakes.Builder().Build();

        GenerationResult a = await pipeline.GenerateAsync(Request());
        GenerationResult b = await batched.GenerateAsync(Request());

        Assert.Equal([3], denoiser.BatchSizes);
        Assert.Equal(6, denoiser.Calls);
        Assert.Equal(b.Images[0].Image.Pixels, a.Images[0].Image.Pixels);
    }

    [Fact]
    public async Task Cancellation_inside_a_step_stops_the_run_and_returns_nothing()
    {
        using var cts = new CancellationTokenSource();
        var denoiser = new FakeDenoiser
        {
            // The third call cancels and then observes the token inside the step, as the ONNX backend does.
            BeforeCall = (call, token) =>
            {
                if (call == 3)
                {
                    cts.Cancel();
                    return true;
                }

                return false;
            },
        };
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser).Build();
        var progress = new RecordingProgress<GenerationProgress>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.GenerateAsync(Request(), progress, cts.Token));

        Assert.Equal(3, denoiser.Calls);
        Assert.DoesNotContain(progress.Items, p => p.Stage is GenerationStage.Decoding or GenerationStage.Completed);
    }

    [Fact]
    public async Task Progress_reports_arrive_in_stage_and_step_order()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        var progress = new RecordingProgress<GenerationProgress>();

        await pipeline.GenerateAsync(Request() with { BatchCount = 2 }, progress);

        GenerationProgress[] items = [.. progress.Items];
        for (int i = 1; i < items.Length; i++)
        {
            Assert.True(items[i].Stage >= items[i - 1].Stage || (items[i].Stage == GenerationStage.Denoising && items[i - 1].Stage == GenerationStage.Denoising), $"stage went back at {i}");
            if (items[i].Stage == GenerationStage.Denoising && items[i - 1].Stage == GenerationStage.Denoising && items[i].ImageIndex == items[i - 1].ImageIndex)
            {
                Assert.Equal(items[i - 1].Step + 1, items[i].Step);
            }
        }

        Assert.Equal(12, items.Count(p => p.Stage == GenerationStage.Denoising));
        Assert.Equal(GenerationStage.Completed, items[^1].Stage);
    }

    [Fact]
    public async Task Streaming_yields_every_step_with_previews_then_the_result()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        var events = new List<GenerationEvent>();

        await foreach (GenerationEvent e in pipeline.GenerateStreamingAsync(Request() with { StepPreviews = true }))
        {
            events.Add(e);
        }

        StepEvent[] steps = [.. events.OfType<StepEvent>()];
        Assert.Equal([1, 2, 3, 4, 5, 6], steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.Equal(8, s.Preview!.Width));
        Assert.IsType<CompletedEvent>(events[^1]);
        GenerationResult direct = await pipeline.GenerateAsync(Request());
        Assert.Equal(direct.Images[0].Image.Pixels, ((CompletedEvent)events[^1]).Result.Images[0].Image.Pixels);
    }

    [Fact]
    public async Task The_denoise_loop_runs_on_a_dedicated_thread_not_a_thread_pool_thread()
    {
        // Minutes of blocking native work on a pool thread starve small machines: with 2 cores the stream's consumer
        // got its first step event only after the last step had run.
        var onPool = new List<bool>();
        var denoiser = new FakeDenoiser
        {
            BeforeCall = (_, _) =>
            {
                lock (onPool)
                {
                    onPool.Add(Thread.CurrentThread.IsThreadPoolThread);
                }

                return false;
            },
        };
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser).Build();

        await pipeline.GenerateAsync(Request() with { BatchCount = 2 });
        await foreach (GenerationEvent e in pipeline.GenerateStreamingAsync(Request()))
        {
        }

        Assert.Equal(18, onPool.Count);
        Assert.All(onPool, Assert.False);
    }

    [Fact]
    public async Task NaN_from_the_denoiser_is_a_typed_error()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(new FakeDenoiser { ReturnNaN = true }).Build();

        var ex = await Assert.ThrowsAsync<FaceStudioException>(() => pipeline.GenerateAsync(Request()));
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_identities_with_boxes_take_the_composed_path_and_report_regions()
    {
        var denoiser = new FakeDenoiser();
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(denoiser, withProjector: true).Build();
        GenerationRequest request = Request() with
        {
            Flavor = GuidanceFlavor.IpAdapterFaceId,
            Identities =
            [
                IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(1))) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 32, 64)) },
                IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(PipelineFakes.UnitEmbedding(2))) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(32, 0, 32, 64)) },
            ],
        };

        GenerationResult result = await pipeline.GenerateAsync(request);

        Assert.Equal(RegionMode.Composed, result.Metadata.RegionMode);
        Assert.Equal(2, result.Metadata.Regions.Count);
        Assert.Equal(RegionBox.FromSize(0, 0, 4, 8), result.Metadata.Regions[0]);
        Assert.Equal(RegionBox.FromSize(4, 0, 4, 8), result.Metadata.Regions[1]);
    }
}
