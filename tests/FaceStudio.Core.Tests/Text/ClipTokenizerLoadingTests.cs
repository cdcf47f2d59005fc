using FaceStudio.Core.Errors;
using FaceStudio.Core.Text;

namespace FaceStudio.Core.Tests.Text;

public sealed class ClipTokenizerLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("facestudio-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void CopyReferenceFiles()
    {
        foreach (string name in (string[])["vocab.json", "merges.txt"])
        {
            File.Copy(Path.Combine(TestData.ClipTokenizerDirectory, name), Path.Combine(_dir, name));
        }
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        string missing = Path.Combine(_dir, "nope");
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FaceStudioException>(ex);
    }

    [Fact]
    public void Missing_vocabulary_is_named()
    {
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\na b\n");
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(_dir));
        Assert.EndsWith("vocab.json", ex.Path, StringComparison.Ordinal);
        Assert.Contains("vocab.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"a\": \"not a number\"}")]
    [InlineData("{\"a\": 1")]
    [InlineData("{}")]
    public void Malformed_vocabulary_is_rejected(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), json);
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\na b\n");
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(_dir));
        Assert.Contains("vocab.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vocabulary_without_special_tokens_is_rejected()
    {
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), "{\"a</w>\": 0}");
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\na b\n");
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(_dir));
        Assert.Contains("<|startoftext|>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_merges_is_named()
    {
        File.Copy(Path.Combine(TestData.ClipTokenizerDirectory, "vocab.json"), Path.Combine(_dir, "vocab.json"));
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(_dir));
        Assert.Contains("merges.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_merge_line_is_reported_with_its_number()
    {
        File.Copy(Path.Combine(TestData.ClipTokenizerDirectory, "vocab.json"), Path.Combine(_dir, "vocab.json"));
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\ni n\nt h e\n");
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(_dir));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("t h e", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenAI_layout_pads_with_exclamation_mark_id_0()
    {
        CopyReferenceFiles();
        File.WriteAllText(Path.Combine(_dir, "special_tokens_map.json"), "{\"pad_token\": \"!\", \"eos_token\": \"<|endoftext|>\"}");
        var tokenizer = ClipTokenizer.FromDirectory(_dir);
        TokenizedText t = tokenizer.Tokenize("a photo of a cat");
        Assert.Equal(0, tokenizer.PadTokenId);
        Assert.Equal(49407, t.InputIds[6]);
        Assert.All(t.InputIds[7..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void Tokenizer_config_object_form_is_read()
    {
        CopyReferenceFiles();
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"),
            "{\"pad_token\": {\"content\": \"!\", \"lstrip\": false}, \"model_max_length\": 77}");
        Assert.Equal(0, ClipTokenizer.FromDirectory(_dir).PadTokenId);
    }

    [Fact]
    public void Stable_diffusion_layout_pads_with_end_token()
    {
        CopyReferenceFiles();
        File.WriteAllText(Path.Combine(_dir, "special_tokens_map.json"),
            "{\"pad_token\": {\"content\": \"<|endoftext|>\"}, \"bos_token\": {\"content\": \"<|startoftext|>\"}}");
        Assert.Equal(49407, ClipTokenizer.FromDirectory(_dir).PadTokenId);
    }

    [Fact]
    public void Unknown_pad_token_is_rejected()
    {
        CopyReferenceFiles();
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), "{\"pad_token\": \"<pad>\"}");
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(_dir));
        Assert.Contains("<pad>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_config_is_rejected()
    {
        CopyReferenceFiles();
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), "{ not json");
        var ex = Assert.Throws<TokenizerException>(() => ClipTokenizer.FromDirectory(_dir));
        Assert.Contains("tokenizer_config.json", ex.Message, StringComparison.Ordinal);
    }
}
