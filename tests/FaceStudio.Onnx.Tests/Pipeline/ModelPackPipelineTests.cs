using System.Numerics;
using DetectedFace = FaceStudio.Core.Identity.DetectedFace;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using static FaceStudio.Onnx.Tests.Pipeline.PipelineTestKit;

namespace FaceStudio.Onnx.Tests.Pipeline;

/// <summary>The whole pipeline on the demo pack's real ONNX models, built with <c>UseModelPack</c>.</summary>
public sealed class ModelPackPipelineTests(DemoPackFixture fixture) : IClassFixture<DemoPackFixture>
{
    private readonly FaceStudioPipeline _pipeline = fixture.Pipeline;

    [Fact]
    public async Task Text_to_image_gives_a_width_by_height_picture_of_8x8_blocks()
    {
        GenerationResult result = await _pipeline.GenerateAsync(Request(seed: 1, width: 96, height: 64));

        RgbImage image = Assert.Single(result.Images).Image;
        Assert.Equal(96, image.Width);
        Assert.Equal(64, image.Height);
        Assert.Equal(1, result.Images[0].Seed);
        GenerationMetadata m = result.Metadata;
        Assert.Equal((96, 64, 4, 4, 1L), (m.Width, m.Height, m.Steps, m.ModelCalls, m.Seed));
        Assert.Null(m.RegionMode);
        Assert.Empty(m.Regions);

        // The demo VAE decoder is tanh(1x1 conv) upsampled ×8 by nearest neighbour: each 8×8 block is one colour,
        // and the 12×8 latent cells are not all alike.
        var blockColours = new HashSet<(byte, byte, byte)>();
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 96; x++)
            {
                Assert.Equal(Pixel(image, x - (x % 8), y - (y % 8)), Pixel(image, x, y));
            }
        }

        for (int y = 0; y < 64; y += 8)
        {
            for (int x = 0; x < 96; x += 8)
            {
                blockColours.Add(Pixel(image, x, y));
            }
        }

        Assert.True(blockColours.Count > 1, "expected a non-constant picture");
    }

    [Fact]
    public async Task Same_seed_repeats_and_another_seed_differs()
    {
        byte[] a = (await _pipeline.GenerateAsync(Request(seed: 5))).Images[0].Image.Pixels;
        byte[] b = (await _pipeline.GenerateAsync(Request(seed: 5))).Images[0].Image.Pixels;
        byte[] c = (await _pipeline.GenerateAsync(Request(seed: 6))).Images[0].Image.Pixels;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task One_identity_from_an_embedding_uses_native_regions_over_the_whole_picture()
    {
        GenerationRequest textOnly = Request(seed: 11, width: 64, height: 96);
        GenerationRequest withPerson = textOnly with { Identities = [IdentityInput.FromEmbedding(Embedding(1))] };
        GenerationRequest otherPerson = textOnly with { Identities = [IdentityInput.FromEmbedding(Embedding(2))] };

        GenerationResult person = await _pipeline.GenerateAsync(withPerson);
        GenerationResult none = await _pipeline.GenerateAsync(textOnly);
        GenerationResult other = await _pipeline.GenerateAsync(otherPerson);

        // The demo UNet declares identity_tokens/masks/scales, so regions go into the graph (native).
        Assert.Equal(RegionMode.Native, person.Metadata.RegionMode);
        Assert.Equal([RegionBox.FromSize(0, 0, 64 / 8, 96 / 8)], person.Metadata.Regions);
        Assert.NotEqual(none.Images[0].Image.Pixels, person.Images[0].Image.Pixels);
        Assert.NotEqual(other.Images[0].Image.Pixels, person.Images[0].Image.Pixels);
    }

    [Fact]
    public async Task Two_people_from_photos_with_boxes_get_their_own_regions()
    {
        RgbImage green = Photo(128, 40, 40, 48, (0, 255, 0));
        RgbImage red = Photo(128, 24, 56, 56, (255, 0, 0));
        IdentityInput left = IdentityInput.FromPhotos(new IdentityPhoto("green.png", green)) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 32, 64)) };
        IdentityInput right = IdentityInput.FromPhotos(new IdentityPhoto("red.png", red)) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(32, 0, 32, 64)) };
        GenerationRequest request = Request(seed: 21) with { Identities = [left, right] };

        GenerationResult result = await _pipeline.GenerateAsync(request);
        GenerationResult swapped = await _pipeline.GenerateAsync(request with
        {
            Identities = [left with { Region = right.Region }, right with { Region = left.Region }],
        });

        Assert.Equal(RegionMode.Native, result.Metadata.RegionMode);
        // Pixel boxes divided by the VAE factor 8: left half and right half of the 8×8 latent.
        Assert.Equal([RegionBox.FromSize(0, 0, 4, 8), RegionBox.FromSize(4, 0, 4, 8)], result.Metadata.Regions);
        Assert.Equal([RegionBox.FromSize(4, 0, 4, 8), RegionBox.FromSize(0, 0, 4, 8)], swapped.Metadata.Regions);
        Assert.NotEqual(result.Images[0].Image.Pixels, swapped.Images[0].Image.Pixels);
    }

    [Fact]
    public async Task Two_people_without_boxes_take_their_regions_from_the_faces_in_the_style_image()
    {
        // The random demo detector's heads find hundreds of tiny "faces"; a caller's detector (kept by UseModelPack)
        // reports two faces, right one first, so the left-to-right ordering is visible.
        var detector = new FixedFaces(RegionBox.FromCorners(88, 40, 120, 72), RegionBox.FromCorners(8, 40, 40, 72));
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseFaceDetector(detector).UseModelPack(fixture.Pack).Build();
        GenerationRequest request = Request(seed: 22) with
        {
            Identities = [IdentityInput.FromEmbedding(Embedding(3)), IdentityInput.FromEmbedding(Embedding(4))],
            Style = new StyleInput(Gradient(128, 128, 2)),
        };

        GenerationResult result = await pipeline.GenerateAsync(request);

        Assert.Equal(1, detector.Calls);
        Assert.Equal(RegionMode.Native, result.Metadata.RegionMode);
        Assert.Equal(2, result.Metadata.Regions.Count);
        RegionBox first = result.Metadata.Regions[0], second = result.Metadata.Regions[1];
        // Face centres at x = 24 and 104 of 128 → latent columns 1.5 and 6.5 of 8: each region holds its own face.
        Assert.InRange(1.5f, first.X, first.X + first.Width);
        Assert.InRange(6.5f, second.X, second.X + second.Width);
        Assert.True(first.X < second.X, $"regions not left to right: {first} {second}");
    }

    [Fact]
    public async Task Style_image_steers_identity_guided_generation()
    {
        GenerationRequest request = Request(seed: 31) with { Identities = [IdentityInput.FromEmbedding(Embedding(5))] };

        byte[] plain = (await _pipeline.GenerateAsync(request)).Images[0].Image.Pixels;
        byte[] styleA = (await _pipeline.GenerateAsync(request with { Style = new StyleInput(Gradient(80, 60, 0)) })).Images[0].Image.Pixels;
        byte[] styleAgain = (await _pipeline.GenerateAsync(request with { Style = new StyleInput(Gradient(80, 60, 0)) })).Images[0].Image.Pixels;
        byte[] styleB = (await _pipeline.GenerateAsync(request with { Style = new StyleInput(Gradient(80, 60, 3)) })).Images[0].Image.Pixels;

        Assert.Equal(styleA, styleAgain);
        Assert.NotEqual(plain, styleA);
        Assert.NotEqual(styleA, styleB);
    }

    [Fact]
    public async Task Init_image_runs_the_strength_fraction_of_the_schedule_and_shapes_the_result()
    {
        var denoiseSteps = new List<int>();
        var progress = new SyncProgress(p =>
        {
            if (p.Stage == GenerationStage.Denoising)
            {
                denoiseSteps.Add(p.Step);
            }
        });
        GenerationRequest request = Request(seed: 41, steps: 10) with
        {
            Style = new StyleInput(Gradient(64, 64, 0)) { UseAsInitImage = true, Strength = 0.5f },
        };

        GenerationResult fromInit = await _pipeline.GenerateAsync(request, progress);
        GenerationResult fromOtherInit = await _pipeline.GenerateAsync(request with { Style = request.Style! with { Image = Gradient(64, 64, 5) } });
        GenerationResult fromNoise = await _pipeline.GenerateAsync(request with { Style = null });

        // diffusers: init_timestep = min(int(steps · strength), steps) = 5 of the 10 Euler-ancestral steps run.
        Assert.Equal(5, fromInit.Metadata.ModelCalls);
        Assert.Equal([1, 2, 3, 4, 5], denoiseSteps);
        Assert.Equal(10, fromNoise.Metadata.ModelCalls);
        Assert.NotEqual(fromInit.Images[0].Image.Pixels, fromOtherInit.Images[0].Image.Pixels);
        Assert.NotEqual(fromInit.Images[0].Image.Pixels, fromNoise.Images[0].Image.Pixels);
    }

    [Fact]
    public async Task A_component_set_by_the_caller_is_kept_and_the_pack_fills_the_rest()
    {
        var own = new WhiteDecoder();
        FaceStudioPipelineBuilder builder = new FaceStudioPipelineBuilder().UseLatentDecoder(own).UseModelPack(fixture.Pack);

        Assert.Same(own, builder.LatentDecoder);
        Assert.NotNull(builder.TextEncoder);
        Assert.NotNull(builder.Denoiser);
        Assert.NotNull(builder.LatentEncoder);
        Assert.NotNull(builder.IdentityEncoder);
        Assert.NotNull(builder.GuidanceProjector);
        using (FaceStudioPipeline pipeline = builder.Build())
        {
            Assert.Same(own, pipeline.Components.LatentDecoder);
            GenerationResult result = await pipeline.GenerateAsync(Request(seed: 51, width: 80, height: 64));

            Assert.Equal([[1, 4, 8, 10]], own.Shapes);
            RgbImage image = result.Images[0].Image;
            Assert.Equal((80, 64), (image.Width, image.Height));
            Assert.All(image.Pixels, p => Assert.Equal(255, p));
        }

        // The pipeline disposes only what UseModelPack created.
        Assert.False(own.Disposed);
    }

    [Fact]
    public async Task Concurrent_requests_give_the_same_images_as_sequential_ones()
    {
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder()
            .UseOptions(new FaceStudioPipelineOptions { MaxConcurrentRequests = 3 })
            .UseModelPack(fixture.Pack)
            .Build();
        GenerationRequest[] requests =
        [
            Request(seed: 61),
            Request(seed: 62) with { Scheduler = SchedulerCatalog.DpmPlusPlus2MKarras, Identities = [IdentityInput.FromEmbedding(Embedding(6))] },
            Request(seed: 63) with
            {
                Scheduler = SchedulerCatalog.Ddim,
                Identities =
                [
                    IdentityInput.FromEmbedding(Embedding(7)) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 32, 64)) },
                    IdentityInput.FromEmbedding(Embedding(8)) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(32, 0, 32, 64)) },
                ],
            },
        ];

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
    public async Task Cancelling_from_the_progress_callback_at_step_k_stops_the_run_with_no_output()
    {
        const int k = 2;
        var decoder = new CountingDecoder(new ModelPackLoader().LoadVaeDecoder(fixture.Pack));
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseLatentDecoder(decoder).UseModelPack(fixture.Pack).Build();
        using var cts = new CancellationTokenSource();
        var reports = new List<GenerationProgress>();
        var progress = new SyncProgress(p =>
        {
            reports.Add(p);
            if (p.Stage == GenerationStage.Denoising && p.Step == k)
            {
                cts.Cancel();
            }
        });

        Task<GenerationResult> run = pipeline.GenerateAsync(Request(seed: 71, steps: 8), progress, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(k, reports.Where(r => r.Stage == GenerationStage.Denoising).Max(r => r.Step));
        Assert.DoesNotContain(reports, r => r.Stage is GenerationStage.Decoding or GenerationStage.Completed);
        Assert.Equal(0, decoder.Calls);
    }

    [Fact]
    public async Task Cancelling_inside_an_onnx_denoiser_run_stops_the_run_with_no_output()
    {
        using var cts = new CancellationTokenSource();
        var denoiser = new CancelInsideRunDenoiser(new ModelPackLoader().LoadDenoiser(fixture.Pack), cts, cancelAtCall: 3);
        var decoder = new CountingDecoder(new ModelPackLoader().LoadVaeDecoder(fixture.Pack));
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseDenoiser(denoiser).UseLatentDecoder(decoder).UseModelPack(fixture.Pack).Build();
        int lastStep = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.GenerateAsync(
            Request(seed: 72, steps: 8), new SyncProgress(p => lastStep = p.Stage == GenerationStage.Denoising ? p.Step : lastStep), cts.Token));

        // Call 3 was cancelled while in the ONNX run: only steps 1 and 2 completed, and nothing was decoded.
        Assert.Equal(3, denoiser.Calls);
        Assert.Equal(2, lastStep);
        Assert.Equal(0, decoder.Calls);
    }

    [Theory]
    [InlineData("scheduler")]
    [InlineData("steps")]
    [InlineData("size")]
    [InlineData("regions")]
    [InlineData("strength")]
    public async Task Invalid_requests_are_rejected_before_any_model_runs(string problem)
    {
        var text = new CountingTextEncoder(_pipeline.Components.TextEncoder);
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseTextEncoder(text).UseModelPack(fixture.Pack).Build();
        GenerationRequest ok = Request(seed: 81);
        IdentityInput boxed = IdentityInput.FromEmbedding(Embedding(9)) with { Region = IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 32, 64)) };
        (GenerationRequest request, string field, string mentioned) = problem switch
        {
            "scheduler" => (ok with { Scheduler = "no-such-sampler" }, "name", "no-such-sampler"),
            "steps" => (ok with { Steps = 0 }, "steps", "0"),
            "size" => (ok with { Width = 100 }, "Width", "100"),
            "regions" => (ok with { Identities = [boxed, IdentityInput.FromEmbedding(Embedding(10))] }, "Regions", "2 identities but 1 regions"),
            _ => (ok with { Style = new StyleInput(Gradient(64, 64, 0)) { UseAsInitImage = true, Strength = 1.5f } }, "Style.Strength", "1.5"),
        };

        var ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => pipeline.GenerateAsync(request));

        Assert.Equal(field, ex.ParameterName);
        Assert.Contains(mentioned, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, text.Calls);
        await pipeline.GenerateAsync(ok);
        Assert.Equal(1, text.Calls);
    }

    [Fact]
    public void An_unreadable_style_image_is_rejected_at_the_decode_layer_naming_the_file()
    {
        var codec = new SkiaImageCodec();
        byte[] notAnImage = "this is not a picture"u8.ToArray();
        byte[] truncatedPng = SkiaImageCodec.EncodePngBytes(Gradient(32, 32, 1)).AsSpan(0, 40).ToArray();

        var unknown = Assert.ThrowsAny<ImageInputException>(() => codec.Decode(notAnImage, "style.bin"));
        var truncated = Assert.ThrowsAny<ImageInputException>(() => codec.Decode(truncatedPng, "style.png"));

        Assert.Equal("style.bin", unknown.SourceName);
        Assert.Equal("style.png", truncated.SourceName);
        Assert.Contains("PNG", truncated.Message, StringComparison.Ordinal);
    }

    private sealed class FixedFaces(params RegionBox[] boxes) : IFaceDetector
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, CancellationToken cancellationToken = default)
        {
            Calls++;
            IReadOnlyList<DetectedFace> faces = [.. boxes.Select(b => new DetectedFace(b, 0.9f, [
                new(b.X + (b.Width * 0.3f), b.Y + (b.Height * 0.4f)),
                new(b.X + (b.Width * 0.7f), b.Y + (b.Height * 0.4f)),
                new(b.X + (b.Width * 0.5f), b.Y + (b.Height * 0.6f)),
                new(b.X + (b.Width * 0.35f), b.Y + (b.Height * 0.8f)),
                new(b.X + (b.Width * 0.65f), b.Y + (b.Height * 0.8f)),
            ]))];
            return Task.FromResult(faces);
        }
    }

    private static (byte, byte, byte) Pixel(RgbImage image, int x, int y)
    {
        ReadOnlySpan<byte> row = image.Row(y);
        return (row[x * 3], row[(x * 3) + 1], row[(x * 3) + 2]);
    }
}
