using System.Text.Json;
using FaceStudio.Core.Text;

namespace FaceStudio.Core.Tests.Text;

public class ClipTokenizerTests : IClassFixture<ClipTokenizerFixture>
{
    private readonly ClipTokenizer _tokenizer;

    public ClipTokenizerTests(ClipTokenizerFixture fixture) => _tokenizer = fixture.Tokenizer;

    private int[] Ids(string text)
    {
        TokenizedText t = _tokenizer.Tokenize(text);
        return t.InputIds[..t.TokenCount];
    }

    private static int[] Parse(string ids) => ids.Split(' ').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    // The two reference sequences published in tests/TestData/README.md (public test suites).
    [Theory]
    [InlineData("a photo of a cat", "49406 320 1125 539 320 2368 49407")]
    [InlineData("a photo of an astronaut riding a horse on mars", "49406 320 1125 539 550 18376 6765 320 4558 525 7496 49407")]
    public void Reproduces_reference_ids_from_the_readme(string text, string expected) =>
        Assert.Equal(Parse(expected), Ids(text));

    // Expected ids below come from an independent Python port of OpenAI CLIP's simple_tokenizer.py (bytes_to_unicode,
    // the same regex through the `regex` module, rank-ordered merges) run over tests/TestData/clip-tokenizer.
    [Theory]
    [InlineData("A Photo OF a CAT", "49406 320 1125 539 320 2368 49407")]
    [InlineData("hello, world! (best quality), masterpiece...", "49406 3306 267 1002 256 263 949 3027 2361 12066 678 49407")]
    [InlineData("it's you're they've i'm we'll he'd don't", "49406 585 568 592 982 889 1200 328 880 649 1342 797 1896 847 713 49407")]
    [InlineData("room 101 in 2024, 3.14 and 42nd", "49406 1530 272 271 272 530 273 271 273 275 267 274 269 272 275 537 275 273 1764 49407")]
    [InlineData("naïve café, crème brûlée, Übermensch, straße", "49406 1097 35689 563 15304 267 1075 12138 614 711 127 119 75 13489 267 6522 867 1552 7542 267 1894 127 253 324 49407")]
    [InlineData("東京タワー 中文", "49406 48338 21078 105 34941 2429 107 30391 19759 255 29032 485 49407")]
    [InlineData("Привет мир", "49406 26302 16370 29503 110 22176 141 480 38018 16701 141 478 49407")]
    [InlineData("emoji 😀🎉 party ❤️", "49406 16327 12832 3986 1580 1752 49407")]
    [InlineData("x𝐀y", "49406 87 15889 222 344 49407")]
    [InlineData("AT&amp;T &lt;b&gt; and &amp;amp;", "49406 536 261 339 283 321 285 537 261 49407")]
    [InlineData("   lots   of\t spaces ", "49406 2958 539 9006 49407")]
    [InlineData("<|startoftext|>cat<|endoftext|>", "49406 49406 2368 49407 49407")]
    [InlineData("!!'s", "49406 1443 262 338 49407")]
    [InlineData("a_b-c/d\\e", "49406 320 318 321 268 322 270 323 315 324 49407")]
    public void Matches_the_reference_algorithm(string text, string expected) =>
        Assert.Equal(Parse(expected), Ids(text));

    [Theory]
    [MemberData(nameof(ReferenceCases.TokenizerIds), MemberType = typeof(ReferenceCases))]
    public void Matches_the_reference_algorithm_on_random_strings(string text, string expected)
    {
        int[] all = Parse(expected);
        int[] content = all[1..^1];
        Assert.Equal(content, _tokenizer.EncodeContent(text));
        // The framed form is the same ids, cut to 75 content tokens when longer.
        int[] framed = [all[0], .. content.Take(75), all[^1]];
        Assert.Equal(framed, Ids(text));
    }

    [Fact]
    public void Splits_digits_into_single_tokens_found_in_the_vocabulary()
    {
        Dictionary<string, int> vocab = LoadVocabulary();
        int[] expected = [_tokenizer.StartTokenId, .. "2024".Select(c => vocab[c + "</w>"]), _tokenizer.EndTokenId];
        Assert.Equal(expected, Ids("2024"));
    }

    [Fact]
    public void Keeps_a_run_of_symbols_as_one_word()
    {
        Dictionary<string, int> vocab = LoadVocabulary();
        Assert.Equal([_tokenizer.StartTokenId, vocab["cat</w>"], vocab["!!</w>"], _tokenizer.EndTokenId], Ids("cat!!"));
    }

    [Fact]
    public void Applies_ftfy_like_repairs_before_tokenizing()
    {
        Assert.Equal(Ids("it's \"fine\""), Ids("it\u2019s \u201Cfine\u201D"));
        Assert.Equal(Ids("fine"), Ids("\uFB01ne"));
        Assert.Equal(Ids("abc 123"), Ids("\uFF41\uFF42\uFF43\u3000\uFF11\uFF12\uFF13"));
        Assert.Equal(Ids("a b"), Ids("a\u0007 b"));
    }

    [Fact]
    public void Fills_77_positions_with_mask_and_pad()
    {
        TokenizedText t = _tokenizer.Tokenize("a photo of a cat");
        Assert.Equal(77, t.InputIds.Length);
        Assert.Equal(77, t.AttentionMask.Length);
        Assert.Equal(7, t.TokenCount);
        Assert.False(t.Truncated);
        Assert.All(t.InputIds[7..], id => Assert.Equal(49407, id));
        Assert.Equal(Enumerable.Repeat(1, 7).Concat(Enumerable.Repeat(0, 70)), t.AttentionMask);
    }

    [Fact]
    public void Empty_prompt_is_start_and_end()
    {
        TokenizedText t = _tokenizer.Tokenize("");
        Assert.Equal([49406, 49407], t.InputIds[..t.TokenCount]);
        Assert.Empty(_tokenizer.EncodeContent("   "));
    }

    [Fact]
    public void Truncates_long_prompts_keeping_the_end_token()
    {
        // "cat" is one token; 100 of them exceed the 75 content positions.
        string text = string.Join(' ', Enumerable.Repeat("cat", 100));
        TokenizedText t = _tokenizer.Tokenize(text);
        Assert.True(t.Truncated);
        Assert.Equal(77, t.TokenCount);
        Assert.Equal(49406, t.InputIds[0]);
        Assert.All(t.InputIds[1..76], id => Assert.Equal(2368, id));
        Assert.Equal(49407, t.InputIds[76]);
        Assert.All(t.AttentionMask, m => Assert.Equal(1, m));
        Assert.Equal(100, _tokenizer.EncodeContent(text).Count);
    }

    [Fact]
    public void Exactly_75_content_tokens_fit_without_truncation()
    {
        TokenizedText t = _tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("cat", 75)));
        Assert.False(t.Truncated);
        Assert.Equal(77, t.TokenCount);
        Assert.Equal(49407, t.InputIds[76]);
    }

    [Fact]
    public void Exposes_clip_special_ids_and_vocabulary_size()
    {
        Assert.Equal(49406, _tokenizer.StartTokenId);
        Assert.Equal(49407, _tokenizer.EndTokenId);
        Assert.Equal(49407, _tokenizer.PadTokenId);
        Assert.Equal(77, _tokenizer.MaxLength);
        Assert.Equal(49408, _tokenizer.VocabularySize);
    }

    private static Dictionary<string, int> LoadVocabulary() =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(Path.Combine(TestData.ClipTokenizerDirectory, "vocab.json")))!;
}
