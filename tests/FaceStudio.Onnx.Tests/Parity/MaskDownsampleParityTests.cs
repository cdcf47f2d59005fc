using System.Text.Json;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Regions;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// The SDK's region masks under diffusers' bicubic rule against diffusers 0.28.2's IPAdapterMaskProcessor.downsample
/// (recorded by tools/parity/make_fixtures.py and record_mask_downsample.py), and the manifest's maskDownsample
/// choosing the rule.
/// </summary>
public class MaskDownsampleParityTests(ITestOutputHelper output)
{
    /// <summary>Non-whole size ratios: PyTorch 1.13's cubic weights differ from the float32 formula by about 1e-7 (see BicubicMaskResampler).</summary>
    internal const double FractionalRatioTolerance = 1e-6;

    /// <summary>
    /// The masks the SDK builds for the identity run's two boxes, at every level, are the masks diffusers gives each
    /// attention layer in that run (mask_downsample_from_latent_d*: IPAdapterMaskProcessor.downsample of the latent-size
    /// masks): equal bit for bit. The latent level is the recorded ip_adapter_masks itself.
    /// </summary>
    [Fact]
    public void Parity_bicubic_region_masks_equal_diffusers_downsampled_masks_at_every_resolution()
    {
        (int width, int height) = DiffusersPipelineParity.IdentitySize();
        RegionMaskSet set = RegionMaskBuilder.Build(DiffusersPipelineParity.IdentityRegions(2, width, height), 2, width, height, new RegionMaskOptions { Downsample = RegionMaskDownsample.Bicubic });
        Assert.Equal(ParityFixtures.Read("identity/masks_latent.npy").AsFloat(), set.Latent.Masks.Buffer);
        for (int level = 0, d = 1; level < set.Levels.Count; level++, d *= 2)
        {
            var expected = ParityFixtures.Read($"identity/mask_downsample_from_latent_d{d}.npy");
            RegionMaskLevel actual = set.Levels[level];
            Assert.Equal([1, 2, actual.Height, actual.Width], expected.Shape);
            Assert.Equal(expected.AsFloat(), actual.Masks.Buffer);
        }

        // The area rule gives other masks below the latent size here (the boxes' edge is soft under bicubic).
        RegionMaskSet area = RegionMaskBuilder.Build(DiffusersPipelineParity.IdentityRegions(2, width, height), 2, width, height, new RegionMaskOptions { Downsample = RegionMaskDownsample.Area });
        Assert.NotEqual(ParityFixtures.Read("identity/mask_downsample_from_latent_d2.npy").AsFloat(), area.Levels[1].Masks.Buffer);
    }

    /// <summary>
    /// Soft and binary masks of latent sizes 16×16, 24×40 (whole size ratios), 9×16 and 13×7 (not; and diffusers'
    /// mask size differs from the layer's grid, e.g. 4×10 for a 5×8 layer) against IPAdapterMaskProcessor.downsample.
    /// </summary>
    [Fact]
    public void Parity_bicubic_mask_resampler_matches_diffusers_downsample_on_soft_masks()
    {
        foreach (Layer layer in SoftMaskLayers())
        {
            output.WriteLine($"{layer.Name} → layer of {layer.Expected.Length / 2} positions (diffusers resizes to {layer.MaskHeight}×{layer.MaskWidth}): max |Δ| {layer.Worst:E2}");
            if (layer.WholeRatio)
            {
                Assert.Equal(layer.Expected, layer.Actual);
            }
            else
            {
                Assert.InRange(layer.Worst, 0, FractionalRatioTolerance);
            }
        }
    }

    /// <summary>One recorded layer of record_mask_downsample.py: diffusers' masks and the SDK's.</summary>
    internal sealed record Layer(string Name, int MaskHeight, int MaskWidth, bool WholeRatio, float[] Expected, float[] Actual)
    {
        public double Worst => MaxAbs(Actual, Expected);
    }

    /// <summary>Every recorded soft-mask layer, downsampled by <see cref="BicubicMaskResampler"/>.</summary>
    internal static IEnumerable<Layer> SoftMaskLayers()
    {
        const string Dir = "identity/mask_downsample/";
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, Dir + "index.json")));
        var layers = new List<Layer>();
        foreach (JsonProperty c in doc.RootElement.GetProperty("cases").EnumerateObject())
        {
            int h = c.Value.GetProperty("size")[0].GetInt32(), w = c.Value.GetProperty("size")[1].GetInt32();
            float[] masks = ParityFixtures.Read(Dir + c.Value.GetProperty("masks").GetString()).AsFloat();
            int n = masks.Length / (h * w);
            foreach (JsonElement layer in c.Value.GetProperty("layers").EnumerateArray())
            {
                int q = layer.GetProperty("queries").GetInt32();
                float[] expected = ParityFixtures.Read(Dir + layer.GetProperty("file").GetString()).AsFloat();
                var actual = new float[expected.Length];
                for (int k = 0; k < n; k++)
                {
                    BicubicMaskResampler.Downsample(masks.AsSpan(k * h * w, h * w), w, h, actual.AsSpan(k * q, q));
                }

                (int mh, int mw) = BicubicMaskResampler.MaskSize(h, w, q);
                layers.Add(new Layer(c.Name, mh, mw, h % mh == 0 && w % mw == 0, expected, actual));
            }
        }

        return layers;
    }

    /// <summary>The pack's maskDownsample sets the pipeline's rule; an explicit different rule is refused when the pipeline is built.</summary>
    [Fact]
    public void Parity_pack_mask_rule_is_followed_and_a_different_explicit_rule_is_a_typed_error()
    {
        using var folder = new TestFolder();
        string pack = DiffusersPipelineParity.PackWithIdentityUNet(folder, "unet_identity_bicubic/model.onnx", "bicubic");
        Assert.Equal(RegionMaskDownsample.Bicubic, ModelPack.Load(pack).MaskDownsample);
        using (var follows = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(pack)).Build())
        {
            Assert.Equal(RegionMaskDownsample.Bicubic, follows.Components.Denoiser.Capabilities.MaskDownsample);
            Assert.Equal(RegionMaskDownsample.Bicubic, follows.RegionMasks.Downsample);
        }

        var builder = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(pack))
            .UseOptions(new FaceStudioPipelineOptions { RegionMasks = new RegionMaskOptions { Downsample = RegionMaskDownsample.Area } });
        var ex = Assert.Throws<FaceStudioValidationException>(() => builder.Build().Dispose());
        Assert.Equal("RegionMasks.Downsample", ex.ParameterName);
        Assert.Contains("Area", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Bicubic", ex.Message, StringComparison.Ordinal);
    }

    private static double MaxAbs(float[] a, float[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }

        return worst;
    }
}
