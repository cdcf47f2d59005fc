using System.Globalization;
using System.Text;
using System.Text.Json;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Regions;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// docs/parity.md is this test's output: it measures every row again (the same measurements as the other parity
/// tests), writes the table to parity.md beside the test assembly, and checks that docs/parity.md holds the same rows
/// with the same numbers (to the two significant digits printed; values below 1e-4 are floating-point noise and may
/// differ by up to a factor of 3 between CPUs). Regenerate with <c>FACESTUDIO_WRITE_PARITY_DOC=1</c>.
/// </summary>
public class ParityTableTests(ITestOutputHelper output)
{
    private const string Header = "| component | reference (library, version) | metric | measured |";

    [Fact]
    public async Task Parity_docs_table_matches_the_measured_values()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, "index.json")));
        JsonElement v = doc.RootElement.GetProperty("versions");
        string torch = "PyTorch " + v.GetProperty("torch").GetString();
        string diffusers = "diffusers " + v.GetProperty("diffusers").GetString();
        string transformers = "transformers " + v.GetProperty("transformers").GetString();
        const string Rel = "relative L2";

        var rows = new List<(string Component, string Reference, string Metric, double Value)>
        {
            ("text encoder (ONNX)", $"CLIPTextModel, {transformers}", Rel + " (last_hidden_state)", Component("text_encoder/model.onnx", "last_hidden_state", "components/text_encoder/last_hidden_state.npy", ("input_ids", "components/text_encoder/input_ids.npy"))),
            ("UNet (ONNX)", $"UNet2DConditionModel, {diffusers}", Rel, Component("unet/model.onnx", "out_sample", "components/unet/out_sample.npy", ("sample", "components/unet/sample.npy"), ("timestep", "components/unet/timestep.npy"), ("encoder_hidden_states", "components/unet/encoder_hidden_states.npy"))),
            ("VAE decoder (ONNX)", $"AutoencoderKL, {diffusers}", Rel, Component("vae_decoder/model.onnx", "sample", "components/vae_decoder/sample.npy", ("latent_sample", "components/vae_decoder/latent_sample.npy"))),
            ("VAE encoder (ONNX)", $"AutoencoderKL, {diffusers}", Rel + " (mean ‖ log-variance)", Component("vae_encoder/model.onnx", "latent_parameters", "components/vae_encoder/latent_parameters.npy", ("sample", "components/vae_encoder/sample.npy"))),
            ("image encoder (ONNX)", $"CLIPVisionModelWithProjection, {transformers}", Rel, Component("image_encoder/model.onnx", "image_embeds", "components/image_encoder/image_embeds.npy", ("pixel_values", "components/image_encoder/pixel_values.npy"))),
            ("projector, IP-Adapter-FaceID (ONNX)", $"MLPProjModel (IP-Adapter-FaceID), {torch}", Rel, Component("projector/model.onnx", "tokens", "components/projector/tokens.npy", ("face_embeds", "components/projector/face_embeds.npy"))),
            ("projector, FaceStudio (ONNX)", $"Linear over [face ‖ image], {torch}", Rel, Component("projector_facestudio/model.onnx", "tokens", "components/projector_facestudio/tokens.npy", ("face_embeds", "components/projector_facestudio/face_embeds.npy"), ("image_embeds", "components/projector_facestudio/image_embeds.npy"))),
            ("identity UNet, bicubic masks (ONNX)", $"IPAdapterAttnProcessor with ip_adapter_masks, {diffusers}", Rel, IdentityCall("unet_identity_bicubic/model.onnx")),
            ("identity UNet, area masks (ONNX)", $"IPAdapterAttnProcessor with ip_adapter_masks, {diffusers}: not matched (area-averaged masks instead of bicubic; pinned)", Rel, IdentityCall("unet_identity/model.onnx")),
            ("region masks, bicubic rule (BicubicMaskResampler), whole size ratios", $"IPAdapterMaskProcessor.downsample, {diffusers} / {torch}", "largest absolute difference (soft masks 16×16, 24×40 and the identity run's, every layer)", MaskLayers(whole: true)),
            ("region masks, bicubic rule (BicubicMaskResampler), other size ratios", $"IPAdapterMaskProcessor.downsample, {diffusers} / {torch}: PyTorch's cubic weights differ by ~1e-7 at such ratios", "largest absolute difference (soft masks 9×16, 13×7, every layer)", MaskLayers(whole: false)),
            ("torch-cpu noise source", $"randn_tensor with torch.Generator(\"cpu\"), {diffusers} / {torch}", "largest absolute difference over every recorded draw", NoiseDraws()),
        };

        foreach (string name in DiffusersPipelineParity.Cases())
        {
            DiffusersPipelineParity.Outcome o = await DiffusersPipelineParity.RunCaseAsync(name);
            AddPipeline(rows, $"pipeline {name}, seed from index.json, torch-cpu", $"StableDiffusion{(name.StartsWith("img2img", StringComparison.Ordinal) ? "Img2Img" : string.Empty)}Pipeline, {diffusers}", o);
        }

        DiffusersPipelineParity.Outcome identity = await DiffusersPipelineParity.RunIdentityAsync();
        AddPipeline(rows, "two-region identity generation (FaceID, scales 0.9/0.6, left/right)", $"masked IP-Adapter-FaceID (IPAdapterAttnProcessor, IPAdapterFaceIDImageProjection), {diffusers}", identity);
        DiffusersPipelineParity.Outcome identityArea = await DiffusersPipelineParity.RunIdentityAsync("unet_identity/model.onnx", "area");
        rows.Add(("two-region identity generation, area-rule identity UNet (maskDownsample: area)", $"masked IP-Adapter-FaceID, {diffusers}: not matched (area-averaged masks at the coarser layers where diffusers' are bicubic; pinned)", "final latents " + Rel, identityArea.LatentRelativeL2));

        string table = Render(rows);
        string artifact = Path.Combine(AppContext.BaseDirectory, "parity.md");
        await File.WriteAllTextAsync(artifact, table);
        output.WriteLine(table);
        string docPath = ParityFixtures.RepositoryPath("docs", "parity.md");
        if (Environment.GetEnvironmentVariable("FACESTUDIO_WRITE_PARITY_DOC") == "1")
        {
            await File.WriteAllTextAsync(docPath, table);
        }

        string[] expected = TableRows(table);
        string[] documented = TableRows(await File.ReadAllTextAsync(docPath));
        Assert.Equal(expected.Length, documented.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            string[] e = Cells(expected[i]), d = Cells(documented[i]);
            Assert.Equal(e[..3], d[..3]);
            double measured = double.Parse(e[3], CultureInfo.InvariantCulture), written = double.Parse(d[3], CultureInfo.InvariantCulture);
            bool same = e[3] == d[3] || (measured < 1e-4 && written < 1e-4 && Math.Abs(Math.Log10(Math.Max(measured, 1e-12) / Math.Max(written, 1e-12))) <= 0.5);
            Assert.True(same, $"docs/parity.md row '{e[0]}' says {d[3]} but the measurement is {e[3]} (regenerate: FACESTUDIO_WRITE_PARITY_DOC=1; artifact {artifact})");
        }
    }

    private static void AddPipeline(List<(string, string, string, double)> rows, string component, string reference, DiffusersPipelineParity.Outcome o)
    {
        rows.Add((component, reference, "final latents relative L2", o.LatentRelativeL2));
        rows.Add((component, reference, "decoded pixels, largest difference in grey levels", o.MaxGreyLevelDifference));
    }

    private static string Render(List<(string Component, string Reference, string Metric, double Value)> rows)
    {
        var sb = new StringBuilder();
        sb.Append("# Parity with the reference frameworks\n\n")
          .Append("Written by `ParityTableTests` (tests/FaceStudio.Onnx.Tests/Parity; `FACESTUDIO_WRITE_PARITY_DOC=1` rewrites this file), which measures\n")
          .Append("every row on the committed tiny pack and references (tests/FaceStudio.Onnx.Tests/TestData/Parity, made by\n")
          .Append("tools/parity/make-fixtures.sh) and fails when this file disagrees. Pipelines: 64×64 (identity 128×128), 8 steps,\n")
          .Append("guidance 7.5, the SDK with the same seed and the torch-cpu noise source. Relative L2 = ‖SDK − reference‖ / ‖reference‖.\n\n")
          .Append(Header).Append('\n')
          .Append("|---|---|---|---|\n");
        foreach (var (component, reference, metric, value) in rows)
        {
            string number = value == Math.Floor(value) && value < 1000 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.0e+00", CultureInfo.InvariantCulture);
            sb.Append("| ").Append(component).Append(" | ").Append(reference).Append(" | ").Append(metric).Append(" | ").Append(number).Append(" |\n");
        }

        return sb.ToString();
    }

    private static string[] TableRows(string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int header = Array.IndexOf(lines, Header);
        Assert.True(header >= 0, "docs/parity.md has no table with the header " + Header);
        return [.. lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))];
    }

    private static string[] Cells(string row) => [.. row.Trim('|').Split(" | ").Select(c => c.Trim())];

    private static double Component(string model, string outputName, string expectedFile, params (string Name, string File)[] inputs)
    {
        var result = OrtRunner.Run(File.ReadAllBytes(Path.Combine(ParityFixtures.Pack, model)), [.. inputs.Select(i => ComponentOrtParityTests.In(i.Name, i.File))]);
        return ParityFixtures.RelativeL2(result[outputName], ParityFixtures.Read(expectedFile).AsFloat());
    }

    private static double IdentityCall(string model)
    {
        var result = OrtRunner.Run(File.ReadAllBytes(Path.Combine(ParityFixtures.Pack, model)), ComponentOrtParityTests.IdentityCallInputs());
        return ParityFixtures.RelativeL2(result["out_sample"], ParityFixtures.Read("identity/unet_call/out_sample.npy").AsFloat());
    }

    private static double MaskLayers(bool whole)
    {
        double worst = 0;
        foreach (MaskDownsampleParityTests.Layer layer in MaskDownsampleParityTests.SoftMaskLayers().Where(l => l.WholeRatio == whole))
        {
            worst = Math.Max(worst, layer.Worst);
        }

        if (whole)
        {
            (int width, int height) = DiffusersPipelineParity.IdentitySize();
            RegionMaskSet set = RegionMaskBuilder.Build(DiffusersPipelineParity.IdentityRegions(2, width, height), 2, width, height, new RegionMaskOptions { Downsample = RegionMaskDownsample.Bicubic });
            for (int level = 0, d = 1; level < set.Levels.Count; level++, d *= 2)
            {
                float[] expected = ParityFixtures.Read($"identity/mask_downsample_from_latent_d{d}.npy").AsFloat();
                float[] actual = set.Levels[level].Masks.Buffer;
                for (int i = 0; i < expected.Length; i++)
                {
                    worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
                }
            }
        }

        return worst;
    }

    private static double NoiseDraws()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, "index.json")));
        var runs = doc.RootElement.GetProperty("pipelines").EnumerateObject().Select(p => p.Value).Append(doc.RootElement.GetProperty("identity"));
        double worst = 0;
        foreach (JsonElement run in runs)
        {
            var source = new TorchCpuNoiseSource(run.GetProperty("seed").GetInt64());
            foreach (JsonElement draw in run.GetProperty("draws_in_order").EnumerateArray())
            {
                float[] expected = ParityFixtures.Read(draw.GetProperty("file").GetString()!).AsFloat();
                var actual = new float[expected.Length];
                source.NextGaussian(actual);
                for (int i = 0; i < expected.Length; i++)
                {
                    worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
                }
            }
        }

        return worst;
    }
}
