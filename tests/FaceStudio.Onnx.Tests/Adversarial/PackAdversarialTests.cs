using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using FaceStudio.Core.Pipeline;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Tests.Packs;

namespace FaceStudio.Onnx.Tests.Adversarial;

/// <summary>
/// Packs an attacker or an accident could hand over: special files where models, vocabularies or manifests belong
/// (a FIFO hung load forever), links out of the pack, misspelt manifest keys, absurd values. Each is one typed
/// <see cref="ModelPackException"/> naming the problem, within a bound.
/// </summary>
public sealed class PackAdversarialTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("unet/model.onnx")]
    [InlineData("tokenizer/vocab.json")]
    [InlineData("tokenizer/merges.txt")]
    [InlineData("facestudio.json")]
    [InlineData("scheduler/scheduler_config.json")]
    [InlineData("vae_decoder/config.json")]
    public async Task A_fifo_inside_the_pack_is_refused_not_opened(string relative)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var folder = new TestFolder();
        ModelPackTests.Layout(folder);
        string path = folder.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        Assert.Equal(0, MakeFifo(path, 0x1B6));

        Task<ModelPack> load = Task.Run(() => ModelPack.Load(folder.Path));
        Task first = await Task.WhenAny(load, Task.Delay(Bound));
        if (!ReferenceEquals(first, load))
        {
            // Unblock the reader so the test process does not keep a hung thread.
            using (var writer = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
            }

            Assert.Fail($"Loading a pack with a FIFO at '{relative}' did not finish within {Bound.TotalSeconds} s.");
        }

        ModelPackException ex = await Assert.ThrowsAsync<ModelPackException>(() => load);
        Assert.Contains(ex.Problems, p => p.Contains(relative, StringComparison.Ordinal) && p.Contains("not a regular file", StringComparison.Ordinal) && p.Contains("FIFO", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ModelPackManifest.FileName)]
    [InlineData("scheduler/scheduler_config.json")]
    public void A_manifest_or_scheduler_config_linked_out_of_the_pack_is_refused(string relative)
    {
        using var folder = new TestFolder();
        using var outside = new TestFolder();
        ModelPackTests.Layout(folder);
        string target = outside.File("planted.json");
        File.WriteAllText(target, "{}");
        Directory.CreateDirectory(Path.GetDirectoryName(folder.File(relative))!);
        File.CreateSymbolicLink(folder.File(relative), target);

        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));

        Assert.Contains(ex.Problems, p => p.Contains(relative, StringComparison.Ordinal) && p.Contains("outside the pack folder", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "Components": { "unet": "unet/model.onnx" } }""", "$.Components")]
    [InlineData("""{ "components": {}, "options": { "vaeScaling": 0.2 } }""", "$.options.vaeScaling")]
    [InlineData("""{ "tokenizer": { "vocab": "tokenizer/vocab.json", "Merges": "x" } }""", "$.tokenizer.Merges")]
    public void Unknown_manifest_keys_are_an_error_naming_the_key(string manifest, string key)
    {
        using var folder = new TestFolder();
        ModelPackTests.Layout(folder);
        File.WriteAllText(folder.File(ModelPackManifest.FileName), manifest);

        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));

        Assert.Contains(ex.Problems, p => p.Contains($"unknown key at '{key}'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1e38")]
    [InlineData("100.5")]
    [InlineData("0")]
    [InlineData("-0.18")]
    public void Vae_scaling_factors_outside_0_to_100_are_refused(string factor)
    {
        using var folder = new TestFolder();
        ModelPackTests.Layout(folder);
        File.WriteAllText(folder.File(ModelPackManifest.FileName), $$"""{ "options": { "vaeScalingFactor": {{factor}} } }""");

        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));

        Assert.Contains(ex.Problems, p => p.Contains("VAE scaling factor must be in (0, 100]", StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_tokens_that_differ_from_the_projector_output_are_refused_at_build()
    {
        using var folder = new TestFolder();
        string root = folder.File("pack");
        DemoPack.Create(root);
        string manifestPath = Path.Combine(root, ModelPackManifest.FileName);
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        JsonObject options = manifest["options"] as JsonObject ?? [];
        options["identityTokens"] = 999;
        manifest["options"] = options;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        ModelPack pack = ModelPack.Load(root);

        ModelPackException ex = Assert.Throws<ModelPackException>(() => new FaceStudioPipelineBuilder().UseModelPack(pack).Build());

        Assert.Contains("options.identityTokens is 999", ex.Message, StringComparison.Ordinal);
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
