using FaceStudio.Core.Denoising;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Style;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Latents;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;
using FaceStudio.Onnx.Style;
using FaceStudio.Onnx.Text;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// Component residency and low-memory mode (issue 20) on the tiny real-architecture pack: the images are those of
/// the default settings, and the released models are not held between (or after) the stages that use them.
/// </summary>
public class LowMemoryModeTests
{
    private static GenerationRequest Request(int seed) => new()
    {
        Prompt = "a photo",
        Width = 64,
        Height = 64,
        Steps = 3,
        Seed = seed,
        Scheduler = "euler",
    };

    private static async Task<byte[]> GenerateAsync(PipelineSessionOptions options, int seed, Action<FaceStudioPipelineBuilder>? inspect = null)
    {
        var builder = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(ParityFixtures.Pack), options);
        using FaceStudioPipeline pipeline = builder.Build();
        GenerationResult result = await pipeline.GenerateAsync(Request(seed));
        inspect?.Invoke(builder);
        return result.Images[0].Image.Pixels;
    }

    [Fact]
    public async Task Low_memory_mode_gives_the_default_image_and_holds_no_model_after_the_request()
    {
        byte[] normal = await GenerateAsync(new PipelineSessionOptions(), 11);
        byte[] low = await GenerateAsync(new PipelineSessionOptions { LowMemory = true }, 11, builder =>
        {
            var text = Assert.IsType<ResidentTextEncoder>(builder.TextEncoder);
            var unet = Assert.IsType<ResidentDenoiser>(builder.Denoiser);
            var vae = Assert.IsType<ResidentLatentDecoder>(builder.LatentDecoder);
            Assert.Equal(VaeTiling.DefaultTileSampleSize, vae.Tiling?.TileSampleSize);
            Assert.False(vae.Holder.IsLoaded);
            Assert.Equal(1, vae.Holder.Loads);
            Assert.False(text.Holder.IsLoaded);
            Assert.False(unet.Holder.IsLoaded);
            Assert.Equal(1, text.Holder.Loads);
            Assert.Equal(1, unet.Holder.Loads);
        });

        // 64×64 fits in one 512-pixel tile, so the decode is the whole-image decode and the pixels are identical.
        Assert.Equal(normal, low);
    }

    [Fact]
    public async Task Arena_shrinkage_reaches_the_unet_and_vae_runs_and_changes_no_pixel()
    {
        byte[] shrunk = await GenerateAsync(new PipelineSessionOptions(), 13, builder =>
        {
            Assert.True(Assert.IsType<OnnxDenoiser>(builder.Denoiser).Options.ShrinkCpuArenaAfterRun);
            Assert.True(Assert.IsType<OnnxLatentDecoder>(builder.LatentDecoder).ShrinkCpuArenaAfterRun);
        });
        var off = new PipelineSessionOptions { Default = new OnnxSessionOptions { ShrinkCpuArenaAfterRun = false } };
        byte[] kept = await GenerateAsync(off, 13, builder =>
        {
            Assert.False(Assert.IsType<OnnxDenoiser>(builder.Denoiser).Options.ShrinkCpuArenaAfterRun);
            Assert.False(Assert.IsType<OnnxLatentDecoder>(builder.LatentDecoder).ShrinkCpuArenaAfterRun);
        });
        var noArena = new PipelineSessionOptions { Default = new OnnxSessionOptions { EnableCpuMemoryArena = false } };
        await GenerateAsync(noArena, 13, builder => Assert.False(Assert.IsType<OnnxDenoiser>(builder.Denoiser).Options.ShrinkCpuArenaAfterRun));

        Assert.Equal(kept, shrunk);
    }

    [Fact]
    public async Task A_tiled_decode_in_low_memory_mode_loads_the_vae_once_and_equals_the_tiled_decode_of_a_kept_vae()
    {
        // 16-pixel tiles over a 64×64 image: a 5×5 grid of overlapping tiles (stride 12), decoded in one load.
        var tiling = new VaeTiling { TileSampleSize = 16 };
        byte[] kept = await GenerateAsync(new PipelineSessionOptions { VaeTiling = tiling }, 17,
            builder => Assert.Equal(tiling, Assert.IsType<TiledLatentDecoder>(builder.LatentDecoder).Tiling));
        byte[] low = await GenerateAsync(new PipelineSessionOptions { LowMemory = true, VaeTiling = tiling }, 17, builder =>
        {
            var vae = Assert.IsType<ResidentLatentDecoder>(builder.LatentDecoder);
            Assert.Equal(tiling, vae.Tiling);
            Assert.False(vae.Holder.IsLoaded);
            Assert.Equal(1, vae.Holder.Loads);
        });

        Assert.Equal(kept, low);
        Assert.NotEqual(await GenerateAsync(new PipelineSessionOptions(), 17), low);
    }

    [Fact]
    public void UseModelPack_refuses_invalid_pipeline_options_before_loading_any_model()
    {
        var factory = new CountingSessionFactory();
        var builder = new FaceStudioPipelineBuilder().UseOptions(new FaceStudioPipelineOptions { MaxConcurrentRequests = 0 });
        var ex = Assert.Throws<FaceStudio.Core.Errors.FaceStudioValidationException>(() => builder.UseModelPack(ModelPack.Load(ParityFixtures.Pack), null, factory));
        Assert.Contains("MaxConcurrentRequests", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, factory.Created);
        Assert.Null(builder.Denoiser);

        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(ParityFixtures.Pack), null, factory).Build();
        Assert.True(factory.Created >= 3);
    }

    private sealed class CountingSessionFactory : ISessionFactory
    {
        private readonly SessionFactory _inner = new();

        public int Created { get; private set; }

        public Microsoft.ML.OnnxRuntime.InferenceSession Create(string modelPath, OnnxSessionOptions options)
        {
            Created++;
            return _inner.Create(modelPath, options);
        }
    }

    [Fact]
    public async Task A_released_text_encoder_is_loaded_again_by_the_next_request_and_encodes_the_same()
    {
        var builder = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(ParityFixtures.Pack), new PipelineSessionOptions { TextEncoderResidency = ComponentResidency.ReleaseAfterUse });
        using FaceStudioPipeline pipeline = builder.Build();
        var text = Assert.IsType<ResidentTextEncoder>(builder.TextEncoder);
        Assert.IsType<OnnxDenoiser>(builder.Denoiser);
        Assert.False(text.Holder.IsLoaded);

        byte[] first = (await pipeline.GenerateAsync(Request(5))).Images[0].Image.Pixels;
        Assert.False(text.Holder.IsLoaded);
        byte[] second = (await pipeline.GenerateAsync(Request(5))).Images[0].Image.Pixels;
        Assert.False(text.Holder.IsLoaded);
        Assert.Equal(2, text.Holder.Loads);
        Assert.Equal(first, second);
        Assert.Equal(await GenerateAsync(new PipelineSessionOptions(), 5), first);
    }

    [Fact]
    public async Task Concurrent_encodes_share_one_load_and_release_it_when_the_last_one_ends()
    {
        string path = ModelPack.Load(ParityFixtures.Pack).TextEncoderPath;
        ITokenizer tokenizer = ClipTokenizer.FromDirectory(Path.GetDirectoryName(ModelPack.Load(ParityFixtures.Pack).TokenizerVocabPath)!);
        using OnnxTextEncoder reference = OnnxTextEncoder.Load(path, tokenizer);
        TextEncoding expected = await reference.EncodeAsync(["a photo", ""]);
        using var text = new ResidentTextEncoder(() => OnnxTextEncoder.Load(path, tokenizer), ComponentResidency.ReleaseAfterUse);

        TextEncoding[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => text.EncodeAsync(["a photo", ""]))));
        foreach (TextEncoding r in results)
        {
            Assert.Equal(expected.HiddenStates.Buffer, r.HiddenStates.Buffer);
        }

        Assert.False(text.Holder.IsLoaded);
        Assert.InRange(text.Holder.Loads, 1, 8);
    }

    [Fact]
    public async Task A_released_style_encoder_encodes_like_a_kept_one()
    {
        string path = ModelPack.Load(ParityFixtures.Pack).ImageEncoderPath!;
        using ClipStyleEncoder kept = ClipStyleEncoder.Load(path);
        using var released = new ResidentStyleEncoder(() => ClipStyleEncoder.Load(path), ComponentResidency.ReleaseAfterUse);
        Assert.False(released.Holder.IsLoaded);
        Assert.Equal(kept.EmbeddingSize, released.EmbeddingSize);

        var image = new RgbImage(40, 40);
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)(i * 7 % 251);
        }

        StyleEncoding expected = await kept.EncodeAsync([image]);
        StyleEncoding actual = await released.EncodeAsync([image]);
        Assert.Equal(expected.ImageEmbeds.Buffer, actual.ImageEmbeds.Buffer);
        Assert.False(released.Holder.IsLoaded);
        Assert.Equal(1, released.Holder.Loads);
    }

    [Fact]
    public void A_kept_denoiser_stays_loaded_after_its_sessions_close_and_a_released_one_does_not()
    {
        string path = ModelPack.Load(ParityFixtures.Pack).UNetPath;
        using var kept = new ResidentDenoiser(() => OnnxDenoiser.Load(path), ComponentResidency.Keep);
        using var released = new ResidentDenoiser(() => OnnxDenoiser.Load(path), ComponentResidency.ReleaseAfterUse);
        var conditioning = new DenoiserConditioning(new Core.Tensors.FloatTensor(1, 77, kept.Capabilities.ContextDim));
        var shape = new LatentShape(1, 4, 8, 8);
        foreach (ResidentDenoiser d in new[] { kept, released })
        {
            using (IDenoiserSession a = d.CreateSession(conditioning, shape))
            using (IDenoiserSession b = d.CreateSession(conditioning, shape))
            {
                Assert.True(d.Holder.IsLoaded);
            }
        }

        Assert.True(kept.Holder.IsLoaded);
        Assert.False(released.Holder.IsLoaded);
        Assert.Equal(0, kept.Holder.Loads);
        Assert.Equal(1, released.Holder.Loads);
    }

    [Fact]
    public void Validation_names_a_bad_residency_and_a_bad_tiling()
    {
        var residency = Assert.Throws<Core.Errors.FaceStudioValidationException>(() => new PipelineSessionOptions { TextEncoderResidency = (ComponentResidency)9 }.Validate());
        Assert.Equal(nameof(PipelineSessionOptions.TextEncoderResidency), residency.ParameterName);
        var tiling = Assert.Throws<Core.Errors.FaceStudioValidationException>(() => new PipelineSessionOptions { VaeTiling = new VaeTiling { OverlapFactor = 0.9 } }.Validate());
        Assert.Equal(nameof(VaeTiling.OverlapFactor), tiling.ParameterName);
        Assert.Null(new PipelineSessionOptions().EffectiveVaeTiling);
        Assert.NotNull(new PipelineSessionOptions { LowMemory = true }.EffectiveVaeTiling);
        Assert.Equal(ComponentResidency.ReleaseAfterUse, new PipelineSessionOptions { LowMemory = true }.ResidencyOf(ModelComponent.Denoiser));
        Assert.Equal(ComponentResidency.Keep, new PipelineSessionOptions().ResidencyOf(ModelComponent.TextEncoder));
    }
}
