using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Latents;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// The memory levers of issue 20 on the committed tiny real-architecture pack: each one that changes how sessions
/// are made or when they are loaded still gives the PyTorch outputs within the parity tolerance, and the same
/// outputs as the default settings.
/// </summary>
public class MemoryLeverParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<bool, bool> ArenaSettings => new()
    {
        { false, true },
        { true, false },
        { false, false },
    };

    private static (string, Array, long[]) In(string name, string file)
    {
        var npy = ParityFixtures.Read(file);
        return npy.Descr == "<i8" ? (name, npy.AsInt64(), npy.Shape) : (name, npy.AsFloat(), npy.Shape);
    }

    private static float[] RunWith(OnnxSessionOptions options, string model, string outputName, params (string, Array, long[])[] inputs)
    {
        using InferenceSession session = new SessionFactory().Create(Path.Combine(ParityFixtures.Pack, model), options);
        return OrtRunner.Run(session, inputs)[outputName];
    }

    [Theory]
    [MemberData(nameof(ArenaSettings))]
    public void Unet_and_vae_decoder_without_the_cpu_arena_or_memory_pattern_match_pytorch_and_the_defaults(bool arena, bool pattern)
    {
        var options = new OnnxSessionOptions { EnableCpuMemoryArena = arena, EnableMemoryPattern = pattern };
        (string, Array, long[])[] unetInputs =
        [
            In("sample", "components/unet/sample.npy"), In("timestep", "components/unet/timestep.npy"),
            In("encoder_hidden_states", "components/unet/encoder_hidden_states.npy"),
        ];
        float[] unet = RunWith(options, "unet/model.onnx", "out_sample", unetInputs);
        float[] unetDefault = RunWith(OnnxSessionOptions.Default, "unet/model.onnx", "out_sample", unetInputs);
        double unetRel = ParityFixtures.RelativeL2(unet, ParityFixtures.Read("components/unet/out_sample.npy").AsFloat());

        var vaeInput = In("latent_sample", "components/vae_decoder/latent_sample.npy");
        float[] vae = RunWith(options, "vae_decoder/model.onnx", "sample", vaeInput);
        float[] vaeDefault = RunWith(OnnxSessionOptions.Default, "vae_decoder/model.onnx", "sample", vaeInput);
        double vaeRel = ParityFixtures.RelativeL2(vae, ParityFixtures.Read("components/vae_decoder/sample.npy").AsFloat());
        output.WriteLine($"arena={arena} pattern={pattern}: unet rel L2 {unetRel:E2}, vae decoder rel L2 {vaeRel:E2}");

        Assert.InRange(unetRel, 0, Tolerance);
        Assert.InRange(vaeRel, 0, Tolerance);
        Assert.InRange(ParityFixtures.RelativeL2(unet, unetDefault), 0, 1e-6);
        Assert.InRange(ParityFixtures.RelativeL2(vae, vaeDefault), 0, 1e-6);
    }

    [Fact]
    public async Task The_vae_encoder_loads_on_first_use_and_then_encodes_like_diffusers()
    {
        ModelPack pack = ModelPack.Load(ParityFixtures.Pack);
        var builder = new FaceStudioPipelineBuilder().UseModelPack(pack);
        using FaceStudioPipeline pipeline = builder.Build();

        var lazy = Assert.IsType<LazyLatentEncoder>(builder.LatentEncoder);
        Assert.False(lazy.IsLoaded);
        Assert.Equal(pack.Vae.ScalingFactor, lazy.ScalingFactor);
        Assert.False(lazy.IsLoaded);

        var sample = ParityFixtures.Read("components/vae_encoder/sample.npy");
        var images = new FloatTensor(sample.AsFloat(), sample.Shape.Select(d => (int)d).ToArray());
        FloatTensor encoded = await lazy.EncodeAsync(images);
        Assert.True(lazy.IsLoaded);

        // diffusers' latent_parameters: mean then log-variance along channels; the encoder keeps the scaled mean.
        var parameters = ParityFixtures.Read("components/vae_encoder/latent_parameters.npy");
        float[] raw = parameters.AsFloat();
        int b = (int)parameters.Shape[0], c2 = (int)parameters.Shape[1], plane = (int)(parameters.Shape[2] * parameters.Shape[3]);
        int c = c2 / 2;
        var expected = new float[b * c * plane];
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < c * plane; j++)
            {
                expected[(i * c * plane) + j] = raw[(i * c2 * plane) + j] * pack.Vae.ScalingFactor;
            }
        }

        double rel = ParityFixtures.RelativeL2(encoded.Span, expected);
        output.WriteLine($"lazy VAE encoder rel L2 {rel:E2}");
        Assert.InRange(rel, 0, Tolerance);
        Assert.Equal(c, lazy.LatentChannels);
    }

    [Fact]
    public void An_eager_vae_encoder_is_loaded_with_the_pipeline_when_the_option_is_off()
    {
        var builder = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(ParityFixtures.Pack), new PipelineSessionOptions { LoadVaeEncoderOnFirstUse = false });
        using FaceStudioPipeline pipeline = builder.Build();
        Assert.IsType<OnnxLatentEncoder>(builder.LatentEncoder);
    }

    [Fact]
    public async Task A_disposed_lazy_encoder_refuses_work_and_never_loads()
    {
        int loads = 0;
        var lazy = new LazyLatentEncoder(
            () => { loads++; return OnnxLatentEncoder.Load(Path.Combine(ParityFixtures.Pack, "vae_encoder/model.onnx")); }, 8, 0.18215f);
        lazy.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => lazy.EncodeAsync(new FloatTensor(1, 3, 8, 8)));
        Assert.Equal(0, loads);
    }
}
