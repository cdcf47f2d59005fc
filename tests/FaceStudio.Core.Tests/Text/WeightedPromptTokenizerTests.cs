using FaceStudio.Core.Text;
using Microsoft.Extensions.Logging;

namespace FaceStudio.Core.Tests.Text;

public class WeightedPromptTokenizerTests : IClassFixture<ClipTokenizerFixture>
{
    private const int Start = 49406, End = 49407, A = 320, Cat = 2368, Photo = 1125;
    private readonly ClipTokenizer _tokenizer;

    public WeightedPromptTokenizerTests(ClipTokenizerFixture fixture) => _tokenizer = fixture.Tokenizer;

    [Fact]
    public void Gives_each_token_its_fragment_weight()
    {
        var t = new WeightedPromptTokenizer(_tokenizer).Tokenize("a (photo:1.5) of [a cat]", maxContextTokens: 77);
        Assert.Equal(1, t.WindowCount);
        Assert.Equal([Start, A, Photo, 539, A, Cat, End, End], t.InputIds[..8]);
        Assert.Equal([1f, 1f, 1.5f, 1f, (float)(1 / 1.1), (float)(1 / 1.1), 1f, 1f], t.Weights[..8]);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 0], t.AttentionMask[..8]);
        Assert.All(t.Weights[6..], w => Assert.Equal(1f, w));
        Assert.True(t.HasWeights);
        Assert.False(t.Truncated);
    }

    [Fact]
    public void Plain_prompt_matches_the_tokenizer_and_has_unit_weights()
    {
        var t = new WeightedPromptTokenizer(_tokenizer).Tokenize("a photo of an astronaut riding a horse on mars");
        Assert.Equal(_tokenizer.Tokenize("a photo of an astronaut riding a horse on mars").InputIds, t.InputIds);
        Assert.False(t.HasWeights);
    }

    [Fact]
    public void Attention_parsing_can_be_turned_off()
    {
        var t = new WeightedPromptTokenizer(_tokenizer, parseAttention: false).Tokenize("(cat:1.5)");
        Assert.Equal(_tokenizer.Tokenize("(cat:1.5)").InputIds, t.InputIds);
        Assert.False(t.HasWeights);
    }

    [Fact]
    public void Long_prompt_fills_windows_of_77_when_the_denoiser_accepts_them()
    {
        string prompt = string.Join(' ', Enumerable.Repeat("cat", 100));
        var logger = new ListLogger();
        var t = new WeightedPromptTokenizer(_tokenizer, logger).Tokenize(prompt, maxContextTokens: 154);
        Assert.Equal(2, t.WindowCount);
        Assert.Equal(154, t.Length);
        Assert.False(t.Truncated);
        Assert.Empty(logger.Entries);
        // Window 0: start, 75 cats, end.
        Assert.Equal([Start, .. Enumerable.Repeat(Cat, 75), End], t.WindowIds(0).ToArray());
        // Window 1: start, the other 25 cats, end, padding.
        int[] second = t.WindowIds(1).ToArray();
        Assert.Equal([Start, .. Enumerable.Repeat(Cat, 25), End], second[..27]);
        Assert.All(second[27..], id => Assert.Equal(_tokenizer.PadTokenId, id));
        Assert.Equal(27, t.AttentionMask[77..].Sum());
    }

    [Fact]
    public void Long_prompt_is_truncated_with_a_warning_when_only_77_fit()
    {
        string prompt = string.Join(' ', Enumerable.Repeat("cat", 100));
        var logger = new ListLogger();
        var t = new WeightedPromptTokenizer(_tokenizer, logger).Tokenize(prompt, maxContextTokens: 77);
        Assert.Equal(1, t.WindowCount);
        Assert.True(t.Truncated);
        Assert.Equal(100, t.ContentTokenCount);
        Assert.Equal(End, t.InputIds[76]);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("100", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_pads_shorter_prompts_with_empty_windows()
    {
        string longPrompt = string.Join(' ', Enumerable.Repeat("cat", 80));
        var batch = new WeightedPromptTokenizer(_tokenizer).TokenizeBatch([longPrompt, ""], maxContextTokens: null);
        Assert.All(batch, t => Assert.Equal(2, t.WindowCount));
        int[] emptySecond = batch[1].WindowIds(1).ToArray();
        Assert.Equal([Start, End], emptySecond[..2]);
        Assert.Equal(2, batch[1].AttentionMask[77..].Sum());
        Assert.All(batch[1].Weights, w => Assert.Equal(1f, w));
    }

    [Fact]
    public void Weights_flow_into_embeddings_end_to_end()
    {
        // Fake encoder output: every element of row t equals t + 1, D = 4.
        var t = new WeightedPromptTokenizer(_tokenizer).Tokenize("(cat:2)", maxContextTokens: 77);
        const int d = 4;
        float[] h = new float[t.Length * d];
        for (int row = 0; row < t.Length; row++)
        {
            h.AsSpan(row * d, d).Fill(row + 1);
        }

        // Sum of rows 1..77 = 77·78/2 = 3003; row 1 ("cat", value 2) doubles: weighted sum 3005; ratio 3003/3005.
        PromptWeighting.ApplyWeights(h, t.Weights, d, t.WindowLength);
        const double ratio = 3003.0 / 3005.0;
        Assert.Equal(1 * ratio, h[0], 5);
        Assert.Equal(4 * ratio, h[d], 5);
        Assert.Equal(3 * ratio, h[2 * d], 5);
    }

    private sealed class ListLogger : ILogger<WeightedPromptTokenizer>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
