using System.Text.Json;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Tensors;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Latents;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Text;

namespace FaceStudio.Onnx.Tests.Packs;

public sealed class ModelPackTests
{
    private static void Manifest(TestFolder folder, object manifest) =>
        File.WriteAllText(folder.File(ModelPackManifest.FileName), JsonSerializer.Serialize(manifest));

    private static void Touch(TestFolder folder, string relative)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(folder.File(relative))!);
        if (relative.EndsWith(".onnx", StringComparison.Ordinal))
        {
            TinyModel().Save(folder.File(relative));
        }
        else
        {
            File.WriteAllText(folder.File(relative), "x");
        }
    }

    private static OnnxModelBuilder TinyModel()
    {
        var g = new GraphBuilder();
        string x = g.Input("x", OnnxElementType.Float, 4);
        g.Output("y", g.Mul(x, g.Initializer("w", [4], [1, 2, 3, 4])), OnnxElementType.Float, 4);
        return new OnnxModelBuilder(g);
    }

    internal static void Layout(TestFolder folder)
    {
        foreach (string f in new[] { "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx", "tokenizer/vocab.json", "tokenizer/merges.txt" })
        {
            Touch(folder, f);
        }
    }

    [Fact]
    public void MissingExternalDataIsReported()
    {
        using var folder = new TestFolder();
        Layout(folder);
        TinyModel().Save(folder.File("unet/model.onnx"), new ExternalDataOptions(SizeThreshold: 1));
        Assert.Equal(folder.File("unet/model.onnx"), ModelPack.Load(folder.Path).UNetPath);
        File.Delete(folder.File("unet/model.onnx_data"));
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Equal(["missing unet external data 'unet/model.onnx_data' (named by 'unet/model.onnx')"], ex.Problems);
    }

    [Theory]
    [InlineData("../../secret.bin", "leaves the pack folder")]
    [InlineData("/etc/passwd", "must be relative to the model's folder")]
    public void ExternalDataLocationsThatEscapeAreRejected(string location, string problem)
    {
        using var folder = new TestFolder();
        Layout(folder);
        using (var stream = File.Create(folder.File("unet/model.onnx")))
        {
            FaceStudio.Onnx.Demo.Writer.OnnxProtoSerializer.WriteModel(stream, TinyModel(),
                new Dictionary<string, FaceStudio.Onnx.Demo.Writer.OnnxProtoSerializer.ExternalLocation> { ["w"] = new(location, 0, 16) });
        }

        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.StartsWith("unet external data", StringComparison.Ordinal) && p.Contains(problem, StringComparison.Ordinal));
    }

    // Protobuf length-delimited field (wire type 2), written by hand so the test does not rely on the scanner's reader.
    private static byte[] Field(int number, params byte[][] parts)
    {
        byte[] payload = [.. parts.SelectMany(p => p)];
        var bytes = new List<byte>();
        void Varint(ulong v)
        {
            for (; v >= 0x80; v >>= 7)
            {
                bytes.Add((byte)(v | 0x80));
            }

            bytes.Add((byte)v);
        }

        Varint(((ulong)number << 3) | 2);
        Varint((ulong)payload.Length);
        bytes.AddRange(payload);
        return [.. bytes];
    }

    private static byte[] Text(int number, string value) => Field(number, System.Text.Encoding.UTF8.GetBytes(value));

    // TensorProto { name = 8, external_data = 13 { key = 1, value = 2 } }.
    private static byte[] ExternalTensor(string location) =>
        [.. Text(8, "w"), .. Field(13, Text(1, "location"), Text(2, location))];

    [Theory]
    [InlineData("subgraph")]
    [InlineData("sparse")]
    [InlineData("tensor attribute")]
    public void ExternalDataOutsideTheTopLevelInitializersIsChecked(string where)
    {
        byte[] tensor = ExternalTensor("../../secret.bin");
        byte[] graph = where switch
        {
            // GraphProto.node = 1 → NodeProto.attribute = 5 → AttributeProto { name = 1, g = 6 → GraphProto.initializer = 5 }.
            "subgraph" => Field(1, Field(5, Text(1, "then_branch"), Field(6, Field(5, tensor)))),

            // GraphProto.sparse_initializer = 15 → SparseTensorProto.values = 1.
            "sparse" => Field(15, Field(1, tensor)),

            // A Constant node's value: NodeProto.attribute = 5 → AttributeProto { name = 1, t = 5 }.
            _ => Field(1, Field(5, Text(1, "value"), Field(5, tensor))),
        };
        using var folder = new TestFolder();
        Layout(folder);
        File.WriteAllBytes(folder.File("unet/model.onnx"), Field(7, graph));

        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.StartsWith("unet external data", StringComparison.Ordinal) && p.Contains("leaves the pack folder", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelFileThatIsNotOnnxIsReported()
    {
        using var folder = new TestFolder();
        Layout(folder);
        File.WriteAllBytes(folder.File("unet/model.onnx"), [0x3A, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2]);
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.StartsWith("unet model 'unet/model.onnx' is not a readable ONNX file", StringComparison.Ordinal));
    }

    [Fact]
    public void AllMissingFilesAreReportedTogether()
    {
        using var folder = new TestFolder();
        Touch(folder, "unet/model.onnx");
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Equal(
            ["missing textEncoder model 'text_encoder/model.onnx'", "missing vaeDecoder model 'vae_decoder/model.onnx'", "missing tokenizer vocabulary 'tokenizer/vocab.json'", "missing tokenizer merges 'tokenizer/merges.txt'"],
            ex.Problems);
        Assert.Contains("4 problems", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiffusersLayoutWithoutManifestLoadsAndOptionalPartsAreOptional()
    {
        using var folder = new TestFolder();
        foreach (string f in new[] { "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx", "tokenizer/vocab.json", "tokenizer/merges.txt" })
        {
            Touch(folder, f);
        }

        File.WriteAllText(folder.File("vae_decoder/config.json"), """{ "scaling_factor": 0.13025 }""");
        ModelPack pack = ModelPack.Load(folder.Path);
        Assert.Null(pack.VaeEncoderPath);
        Assert.Null(pack.FaceDetectorPath);
        Assert.False(pack.IsDemo);
        Assert.Equal(0.13025f, pack.Vae.ScalingFactor);
        Assert.Equal(folder.File("unet/model.onnx"), pack.UNetPath);
    }

    [Theory]
    [InlineData("../outside.onnx", "leaves the pack folder")]
    [InlineData("unet/../../outside.onnx", "leaves the pack folder")]
    [InlineData("/etc/passwd", "must be relative")]
    [InlineData("C:\\models\\unet.onnx", "must be relative")]
    [InlineData("\\\\server\\share\\unet.onnx", "must be relative")]
    [InlineData("", "empty or invalid path")]
    public void ManifestPathsThatEscapeAreRejected(string path, string problem)
    {
        using var folder = new TestFolder();
        Manifest(folder, new { formatVersion = 1, components = new Dictionary<string, string> { ["unet"] = path } });
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.StartsWith("unet:", StringComparison.Ordinal) && p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void SiblingFolderWithSamePrefixIsOutside()
    {
        using var folder = new TestFolder();
        string sibling = folder.Path + "-evil";
        Directory.CreateDirectory(sibling);
        try
        {
            Manifest(folder, new { components = new Dictionary<string, string> { ["projector"] = "../" + Path.GetFileName(sibling) + "/p.onnx" } });
            ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
            Assert.Contains(ex.Problems, p => p.Contains("leaves the pack folder", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(sibling, true);
        }
    }

    [Fact]
    public void LinkToAFileOutsideIsRejected()
    {
        using var folder = new TestFolder();
        using var outside = new TestFolder();
        File.WriteAllText(outside.File("secret.onnx"), "x");
        Directory.CreateDirectory(folder.File("unet"));
        File.CreateSymbolicLink(folder.File("unet/model.onnx"), outside.File("secret.onnx"));
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.StartsWith("unet:", StringComparison.Ordinal) && p.Contains("outside the pack folder", StringComparison.Ordinal));
    }

    [Fact]
    public void LinkedFolderOutsideIsRejected()
    {
        // The file itself is no link; its folder is, so only checking the file's own link target misses it.
        using var folder = new TestFolder();
        using var outside = new TestFolder();
        Touch(outside, "model.onnx");
        Directory.CreateSymbolicLink(folder.File("unet"), outside.Path);
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.StartsWith("unet:", StringComparison.Ordinal) && p.Contains("outside the pack folder", StringComparison.Ordinal));
    }

    [Fact]
    public void LinksThatStayInsideAreAccepted()
    {
        using var folder = new TestFolder();
        Layout(folder);
        Directory.Move(folder.File("unet"), folder.File("unet-real"));
        Directory.CreateSymbolicLink(folder.File("unet"), "unet-real");
        ModelPack pack = ModelPack.Load(folder.Path);
        Assert.True(File.Exists(pack.UNetPath));
    }

    [Fact]
    public void TokenizerFilesTheTokenizerWouldNotReadAreReported()
    {
        // The pipeline loads the tokenizer as a folder (vocab.json, merges.txt, tokenizer_config.json): other names,
        // or files in different folders, would pass the check here and then fail (or read other files) at load.
        using var folder = new TestFolder();
        Layout(folder);
        Touch(folder, "tokenizer/clip-vocab.json");
        Touch(folder, "bpe/merges.txt");
        Manifest(folder, new { formatVersion = 1, tokenizer = new { vocab = "tokenizer/clip-vocab.json", merges = "bpe/merges.txt" } });
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.Contains("tokenizer.vocab", StringComparison.Ordinal) && p.Contains("'tokenizer/clip-vocab.json'", StringComparison.Ordinal) && p.Contains("vocab.json", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("tokenizer.merges", StringComparison.Ordinal) && p.Contains("'bpe/merges.txt'", StringComparison.Ordinal));
    }

    [Fact]
    public void TokenizerFilesInAnotherFolderWithTheStandardNamesAreAccepted()
    {
        using var folder = new TestFolder();
        Layout(folder);
        Touch(folder, "clip/vocab.json");
        Touch(folder, "clip/merges.txt");
        Manifest(folder, new { formatVersion = 1, tokenizer = new { vocab = "clip/vocab.json", merges = "clip/merges.txt" } });
        Assert.Equal(folder.File("clip/vocab.json"), ModelPack.Load(folder.Path).TokenizerVocabPath);
    }

    [Fact]
    public void BadManifestValuesAreReported()
    {
        using var folder = new TestFolder();
        Manifest(folder, new { formatVersion = 2, components = new Dictionary<string, string> { ["lora"] = "x.onnx" }, options = new { vaeScalingFactor = -1, guidance = "other", identityTokens = 0 } });
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.Contains("formatVersion must be 1; got 2", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("unknown component 'lora'", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("scaling factor must be in (0, 100]; got -1", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("options.guidance", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("options.identityTokens", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidJsonIsReported()
    {
        using var folder = new TestFolder();
        File.WriteAllText(folder.File(ModelPackManifest.FileName), "{ not json");
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains(ex.Problems, p => p.Contains("invalid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void ManifestComponentThatIsMissingIsRequired()
    {
        using var folder = new TestFolder();
        Manifest(folder, new { components = new Dictionary<string, string> { ["faceDetector"] = "identity/scrfd.onnx" } });
        ModelPackException ex = Assert.Throws<ModelPackException>(() => ModelPack.Load(folder.Path));
        Assert.Contains("missing faceDetector model 'identity/scrfd.onnx'", ex.Problems);
    }

    [Fact]
    public async Task DemoPackLoadsEveryBackendAndRunsATinyGeneration()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.File("pack"), seed: 5);
        Assert.True(pack.IsDemo);
        Assert.NotNull(pack.FaceDetectorPath);
        Assert.NotNull(pack.FaceEmbedderPath);
        Assert.NotNull(pack.ImageEncoderPath);
        Assert.NotNull(pack.ProjectorPath);
        Assert.True(File.Exists(folder.File("pack/text_encoder/model.onnx_data")));

        var loader = new ModelPackLoader();
        using OnnxTextEncoder text = loader.LoadTextEncoder(pack, new TestTokenizer(77));
        using OnnxDenoiser unet = loader.LoadDenoiser(pack);
        using OnnxLatentDecoder decoder = loader.LoadVaeDecoder(pack);
        using OnnxLatentEncoder? encoder = loader.LoadVaeEncoder(pack);
        Assert.NotNull(encoder);
        Assert.Equal(DemoPack.HiddenSize, text.HiddenSize);
        Assert.Equal(DemoPack.HiddenSize, unet.Capabilities.ContextDim);
        Assert.True(unet.Capabilities.SupportsIdentityRegions);
        Assert.Equal(DemoPack.IdentityTokens, unet.Capabilities.IdentityTokensPerIdentity);

        TextEncoding context = await text.EncodeAsync(["a portrait", ""]);
        var shape = new LatentShape(2, 4, 8, 8);
        using IDenoiserSession session = unet.CreateSession(new DenoiserConditioning(context.HiddenStates), shape);
        float[] latents = Reference.Random(shape.Length, 1, 3f);
        var eps = new float[shape.Length];
        for (int step = 0; step < 5; step++)
        {
            session.Predict(latents, 999 - (step * 200), eps, CancellationToken.None);
            for (int i = 0; i < latents.Length; i++)
            {
                latents[i] -= 0.1f * eps[i];
            }
        }

        FloatTensor image = await decoder.DecodeAsync(new FloatTensor(latents[..(4 * 64)], 1, 4, 8, 8));
        Assert.Equal([1, 3, 64, 64], image.ShapeArray());
        Assert.All(image.Buffer, v => Assert.InRange(v, -1f, 1f));
        FloatTensor back = await encoder!.EncodeAsync(image);
        Assert.Equal([1, 4, 8, 8], back.ShapeArray());
    }

    [Fact]
    public void DemoPackIsDeterministicAndCachedOnce()
    {
        using var folder = new TestFolder();
        ModelPack first = DemoPack.EnsureCached(folder.Path, seed: 9);
        DateTime written = File.GetLastWriteTimeUtc(first.UNetPath);
        ModelPack again = DemoPack.EnsureCached(folder.Path, seed: 9);
        Assert.Equal(first.Root, again.Root);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again.UNetPath));
        Assert.Empty(Directory.GetDirectories(folder.Path, "*.tmp-*"));

        ModelPack other = DemoPack.Create(folder.File("copy"), seed: 9);
        Assert.Equal(File.ReadAllBytes(first.UNetPath), File.ReadAllBytes(other.UNetPath));
        Assert.Equal(File.ReadAllBytes(first.TextEncoderPath + "_data"), File.ReadAllBytes(other.TextEncoderPath + "_data"));
    }

    [Fact]
    public void DemoTokenizerVocabularyIsByteLevelWithClipSpecialTokens()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.Path, seed: 1);
        Dictionary<string, int> vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(pack.TokenizerVocabPath))!;
        Assert.Equal(514, vocab.Count);
        Assert.Equal(49406, vocab["<|startoftext|>"]);
        Assert.Equal(49407, vocab["<|endoftext|>"]);
        Assert.Equal('a', vocab["a"]);
        Assert.Equal(256 + 'a', vocab["a</w>"]);
        Assert.Equal(512, vocab.Values.Where(v => v < 512).Distinct().Count());
        Assert.Equal("#version: 0.2", File.ReadAllText(pack.TokenizerMergesPath).Trim());
        Assert.NotNull(pack.TokenizerConfigPath);
    }
}
