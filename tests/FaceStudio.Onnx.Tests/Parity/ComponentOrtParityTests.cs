using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// Each ONNX model of the committed tiny pack (exported by tools/export from diffusers/transformers classes), run with
/// ONNX Runtime on the inputs the fixture script used, against the PyTorch output it recorded: relative L2 ≤ 1e-4.
/// (Straight ONNX Runtime sessions: the SDK's backends and ModelPack are phase 2's tests.)
/// </summary>
public class ComponentOrtParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    internal static (string, Array, long[]) In(string name, string file)
    {
        var npy = ParityFixtures.Read(file);
        return npy.Descr == "<i8" ? (name, npy.AsInt64(), npy.Shape) : (name, npy.AsFloat(), npy.Shape);
    }

    private double Check(string model, string outputName, string expectedFile, params (string, Array, long[])[] inputs)
    {
        var result = OrtRunner.Run(File.ReadAllBytes(Path.Combine(ParityFixtures.Pack, model)), inputs);
        double rel = ParityFixtures.RelativeL2(result[outputName], ParityFixtures.Read(expectedFile).AsFloat());
        output.WriteLine($"{model} {outputName}: relative L2 {rel:E2}");
        return rel;
    }

    [Fact]
    public void Parity_text_encoder_matches_transformers_CLIPTextModel()
    {
        var ids = In("input_ids", "components/text_encoder/input_ids.npy");
        Assert.InRange(Check("text_encoder/model.onnx", "last_hidden_state", "components/text_encoder/last_hidden_state.npy", ids), 0, Tolerance);
        Assert.InRange(Check("text_encoder/model.onnx", "pooler_output", "components/text_encoder/pooler_output.npy", ids), 0, Tolerance);
    }

    [Fact]
    public void Parity_unet_matches_diffusers_UNet2DConditionModel_including_other_sizes_and_token_counts()
    {
        Assert.InRange(Check("unet/model.onnx", "out_sample", "components/unet/out_sample.npy",
            In("sample", "components/unet/sample.npy"), In("timestep", "components/unet/timestep.npy"),
            In("encoder_hidden_states", "components/unet/encoder_hidden_states.npy")), 0, Tolerance);
        Assert.InRange(Check("unet/model.onnx", "out_sample", "components/unet/out_sample_8x16_tokens10.npy",
            In("sample", "components/unet/sample_8x16.npy"), In("timestep", "components/unet/timestep_1.npy"),
            In("encoder_hidden_states", "components/unet/encoder_hidden_states_10.npy")), 0, Tolerance);
    }

    [Fact]
    public void Parity_vae_matches_diffusers_AutoencoderKL()
    {
        Assert.InRange(Check("vae_decoder/model.onnx", "sample", "components/vae_decoder/sample.npy",
            In("latent_sample", "components/vae_decoder/latent_sample.npy")), 0, Tolerance);
        Assert.InRange(Check("vae_encoder/model.onnx", "latent_parameters", "components/vae_encoder/latent_parameters.npy",
            In("sample", "components/vae_encoder/sample.npy")), 0, Tolerance);
    }

    [Fact]
    public void Parity_image_encoder_matches_transformers_CLIPVisionModelWithProjection()
        => Assert.InRange(Check("image_encoder/model.onnx", "image_embeds", "components/image_encoder/image_embeds.npy",
            In("pixel_values", "components/image_encoder/pixel_values.npy")), 0, Tolerance);

    [Fact]
    public void Parity_projectors_match_pytorch_faceid_and_facestudio_flavours()
    {
        Assert.InRange(Check("projector/model.onnx", "tokens", "components/projector/tokens.npy",
            In("face_embeds", "components/projector/face_embeds.npy")), 0, Tolerance);
        Assert.InRange(Check("projector_facestudio/model.onnx", "tokens", "components/projector_facestudio/tokens.npy",
            In("face_embeds", "components/projector_facestudio/face_embeds.npy"),
            In("image_embeds", "components/projector_facestudio/image_embeds.npy")), 0, Tolerance);
    }

    [Theory]
    [InlineData("unet_identity")]
    [InlineData("unet_identity_bicubic")]
    public void Parity_identity_unet_matches_its_pytorch_masked_attention(string folder)
        => Assert.InRange(Check(folder + "/model.onnx", "out_sample", $"components/{folder}/out_sample.npy",
            In("sample", "components/unet_identity/sample.npy"), In("timestep", "components/unet_identity/timestep.npy"),
            In("encoder_hidden_states", "components/unet_identity/encoder_hidden_states.npy"),
            In("identity_tokens", "components/unet_identity/identity_tokens.npy"),
            In("identity_masks", "components/unet_identity/identity_masks.npy"),
            In("identity_scales", "components/unet_identity/identity_scales.npy")), 0, Tolerance);

    /// <summary>
    /// diffusers' UNet with IPAdapterAttnProcessor, ip_adapter_masks (latent size, bicubic downsampling per attention
    /// resolution) and per-image scales, against the exported identity UNets on the same tokens. The bicubic export
    /// reproduces it; the area rule's distance is pinned (it is a different mask at the coarser resolutions).
    /// </summary>
    [Fact]
    public void Parity_identity_unet_bicubic_matches_diffusers_ip_adapter_masks_and_area_rule_distance_is_pinned()
    {
        var inputs = IdentityCallInputs();
        double bicubic = Check("unet_identity_bicubic/model.onnx", "out_sample", "identity/unet_call/out_sample.npy", inputs);
        double area = Check("unet_identity/model.onnx", "out_sample", "identity/unet_call/out_sample.npy", inputs);
        Assert.InRange(bicubic, 0, Tolerance);
        Assert.True(area > 10 * Tolerance, $"area rule unexpectedly equal to diffusers' bicubic masks ({area:E2})");
    }

    /// <summary>The inputs of diffusers' recorded identity UNet call (identity/unet_call), in the exported graph's names.</summary>
    internal static (string, Array, long[])[] IdentityCallInputs()
    {
        var neg = ParityFixtures.Read("identity/tokens_negative.npy");
        var pos = ParityFixtures.Read("identity/tokens_positive.npy");
        var masks = ParityFixtures.Read("identity/masks_latent.npy");
        var scales = ParityFixtures.Read("identity/scales.npy").AsFloat();
        long n = neg.Shape[0], k = neg.Shape[1], d = neg.Shape[2], h = masks.Shape[2], w = masks.Shape[3];
        float[] tokens = [.. neg.AsFloat(), .. pos.AsFloat()];
        float[] m = [.. masks.AsFloat(), .. masks.AsFloat()];
        float[] s = [.. scales, .. scales];
        return
        [
            In("sample", "identity/unet_call/sample.npy"), In("timestep", "identity/unet_call/timestep.npy"),
            In("encoder_hidden_states", "identity/unet_call/encoder_hidden_states.npy"),
            ("identity_tokens", tokens, [2, n, k, d]), ("identity_masks", m, [2, n, h, w]), ("identity_scales", s, [2, n]),
        ];
    }
}
