using FaceStudio.Core.Denoising;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Text;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Text;

/// <summary>
/// Prompt weighting and long prompts through <see cref="OnnxTextEncoder"/> with the real CLIP tokenizer, checked against
/// the demo encoder's formula (<see cref="Reference.TextEncoder"/>) and weighting/framing computed in the test.
/// </summary>
public sealed class OnnxTextEncoderWindowTests
{
    private const int D = 8;
    private const int W = TextReference.Window;

    private static readonly string[] Words = ["red", "green", "blue", "cat", "dog", "house", "tree", "river", "sky", "photo", "portrait", "light", "dark", "old", "young", "city"];

    // 80 one-token words: more than one window's 75 content tokens.
    private static readonly string LongPrompt = string.Join(' ', Enumerable.Range(0, 80).Select(i => Words[(i * 7) % Words.Length]));

    private static ClipTokenizer Clip => SharedClip.Tokenizer;

    private static TextEncoderSpec Spec(OnnxElementType ids = OnnxElementType.Int32, TensorPrecision precision = TensorPrecision.Float32, bool pooler = true) =>
        new() { VocabSize = 1009, MaxTokens = W, HiddenSize = D, InputIdsType = ids, Precision = precision, WithPooler = pooler };

    private static OnnxTextEncoder Create(TextEncoderSpec spec, TextEncoderWeights w, OnnxTextEncoderOptions? options = null, ILoggerFactory? loggers = null) =>
        new(new InferenceSession(TextEncoderModel.Build(spec, w).ToBytes()), Clip, ownsSession: true, options: options, loggerFactory: loggers);

    /// <summary>Unweighted encoding of framed ids (windows laid end to end) from the formula.</summary>
    private static (float[] Last, float[] Pooled) Plain(TextEncoderSpec spec, TextEncoderWeights w, long[] ids) =>
        Reference.TextEncoder(spec, w, ids, ids.Length / W);

    /// <summary>
    /// The first seeded weights whose plain encoding of <paramref name="ids"/> has a window mean clearly away from 0, so the
    /// mean-restoring ratio is well conditioned and float32 and double sums agree closely.
    /// </summary>
    private static TextEncoderWeights WeightsWithClearMean(TextEncoderSpec spec, long[] ids)
    {
        for (ulong seed = 1; ; seed++)
        {
            TextEncoderWeights w = TextEncoderWeights.Random(spec, seed);
            float[] last = Plain(spec, w, ids).Last;
            if (Math.Abs(TextReference.Sum(last.AsSpan(0, W * D)) / (W * D)) > 0.05)
            {
                return w;
            }
        }
    }

    private static float[] Rows(float[] hidden, int firstRow, int rows) => hidden.AsSpan(firstRow * D, rows * D).ToArray();

    [Theory]
    [InlineData(OnnxElementType.Int32, true)]
    [InlineData(OnnxElementType.Int64, true)]
    [InlineData(OnnxElementType.Int32, false)]
    [InlineData(OnnxElementType.Int64, false)]
    public async Task WeightedWordScalesItsRowAndRestoresTheWindowMean(OnnxElementType idsType, bool pooler)
    {
        TextEncoderSpec spec = Spec(idsType, pooler: pooler);

        // "a photo of a cat": start, a, photo, of, a, cat → "cat" is row 5.
        long[] negative = TextReference.Frame(Clip, Clip.EncodeContent("blurry"), 1);
        long[] prompt = TextReference.Frame(Clip, Clip.EncodeContent("a photo of a cat"), 1);
        TextEncoderWeights w = WeightsWithClearMean(spec, prompt);
        using OnnxTextEncoder encoder = Create(spec, w);

        TextEncoding result = await encoder.EncodeAsync(["blurry", "a photo of a (cat:1.5)"]);

        (float[] negLast, float[] negPooled) = Plain(spec, w, negative);
        (float[] plain, float[] plainPooled) = Plain(spec, w, prompt);
        double meanBefore = TextReference.Sum(plain) / plain.Length;
        float[] weighted = (float[])plain.Clone();
        TextReference.WeightWindow(weighted, 0, new Dictionary<int, float> { [5] = 1.5f }, D);

        Assert.Equal([2, W, D], result.HiddenStates.ShapeArray());
        Reference.AssertClose(negLast, Rows(result.HiddenStates.Buffer, 0, W), 1e-5f);
        float[] actual = Rows(result.HiddenStates.Buffer, W, W);
        Reference.AssertClose(weighted, actual, 1e-5f);

        // The weighted row moved away from the plain one by the factor (times the restoring ratio); the mean is back.
        double ratio = weighted[0] / (double)plain[0];
        Assert.Equal(1.5 * ratio, actual[(5 * D) + 1] / (double)plain[(5 * D) + 1], 4);
        Assert.NotEqual(1.0, ratio, 3);
        Assert.Equal(meanBefore, TextReference.Sum(actual) / actual.Length, 5);

        if (pooler)
        {
            Assert.NotNull(result.Pooled);
            Assert.Equal([2, D], result.Pooled!.ShapeArray());
            Reference.AssertClose([.. negPooled, .. plainPooled], result.Pooled.Buffer, 1e-5f);
        }
        else
        {
            Assert.Null(result.Pooled);
        }
    }

    [Theory]
    [InlineData(OnnxElementType.Int32)]
    [InlineData(OnnxElementType.Int64)]
    public async Task Fp16EncoderMatchesFp32AndTheFormulaWithinTolerance(OnnxElementType idsType)
    {
        var options = new OnnxTextEncoderOptions { MaxContextTokens = 2 * W };
        TextEncoderWeights w = TextEncoderWeights.Random(Spec(idsType), 12);
        using OnnxTextEncoder fp32 = Create(Spec(idsType), w, options);
        using OnnxTextEncoder fp16 = Create(Spec(idsType, TensorPrecision.Float16), w, options);
        string[] prompts = ["", "(" + LongPrompt + ":1.2)"];
        TextEncoding a = await fp32.EncodeAsync(prompts);
        TextEncoding b = await fp16.EncodeAsync(prompts);
        Assert.Equal([2, 2 * W, D], b.HiddenStates.ShapeArray());
        Reference.AssertClose(a.HiddenStates.Buffer, b.HiddenStates.Buffer, 1e-2f);
        Reference.AssertClose(a.Pooled!.Buffer, b.Pooled!.Buffer, 1e-2f);
    }

    [Fact]
    public async Task LongPromptFillsTwoWindowsLaidEndToEndWhenAllowed()
    {
        TextEncoderSpec spec = Spec();
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 13);
        var loggers = new CapturingLoggerFactory();
        using OnnxTextEncoder encoder = Create(spec, w, new OnnxTextEncoderOptions { MaxContextTokens = 2 * W }, loggers);
        Assert.Equal(2 * W, encoder.MaxTokens);

        TextEncoding result = await encoder.EncodeAsync(["", LongPrompt]);

        IReadOnlyList<int> content = Clip.EncodeContent(LongPrompt);
        Assert.InRange(content.Count, 76, 150);
        long[] ids = TextReference.Frame(Clip, content, 2);
        (float[] first, float[] firstPooled) = Plain(spec, w, ids[..W]);
        (float[] second, _) = Plain(spec, w, ids[W..]);
        (float[] empty, float[] emptyPooled) = Plain(spec, w, TextReference.Frame(Clip, [], 1));

        Assert.Equal([2, 2 * W, D], result.HiddenStates.ShapeArray());
        float[] prompt = Rows(result.HiddenStates.Buffer, 2 * W, 2 * W);
        Reference.AssertClose(first, prompt.AsSpan(0, W * D), 1e-5f);
        Reference.AssertClose(second, prompt.AsSpan(W * D), 1e-5f); // row 77 onwards: the second window alone

        // The empty negative prompt gets two windows of [start, end, padding] so both stack into one batch.
        Reference.AssertClose([.. empty, .. empty], Rows(result.HiddenStates.Buffer, 0, 2 * W), 1e-5f);

        // Pooled from the first window.
        Reference.AssertClose([.. emptyPooled, .. firstPooled], result.Pooled!.Buffer, 1e-5f);
        Assert.DoesNotContain(loggers.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task WeightInTheSecondWindowRestoresThatWindowsMeanOnly()
    {
        TextEncoderSpec spec = Spec();
        IReadOnlyList<int> content = Clip.EncodeContent(LongPrompt + " giraffe");
        long[] ids = TextReference.Frame(Clip, content, 2);
        TextEncoderWeights w = WeightsWithClearMean(spec, ids[W..]);
        using OnnxTextEncoder encoder = Create(spec, w, new OnnxTextEncoderOptions { MaxContextTokens = 3 * W });

        // The last word's tokens sit in the second window; the first window has no weights and must stay as it was.
        TextEncoding result = await encoder.EncodeAsync([LongPrompt + " (giraffe:0.5)"]);

        (float[] plain, _) = Plain(spec, w, ids);
        IReadOnlyList<int> last = Clip.EncodeContent("giraffe");
        var weights = new Dictionary<int, float>();
        for (int k = content.Count - last.Count; k < content.Count; k++)
        {
            weights[1 + (k - 75)] = 0.5f; // position within the second window
        }

        TextReference.WeightWindow(plain, W, weights, D);
        Assert.Equal([1, 2 * W, D], result.HiddenStates.ShapeArray()); // two windows needed, not the three allowed
        Reference.AssertClose(plain, result.HiddenStates.Buffer, 1e-5f);
    }

    [Fact]
    public async Task LongPromptIsTruncatedToOneWindowWithAWarningByDefault()
    {
        TextEncoderSpec spec = Spec();
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 15);
        var loggers = new CapturingLoggerFactory();
        using OnnxTextEncoder encoder = Create(spec, w, loggers: loggers);
        Assert.Equal(W, encoder.MaxTokens);

        TextEncoding result = await encoder.EncodeAsync(["", LongPrompt]);

        IReadOnlyList<int> content = Clip.EncodeContent(LongPrompt);
        (float[] first, _) = Plain(spec, w, TextReference.Frame(Clip, content, 1));
        Assert.Equal([2, W, D], result.HiddenStates.ShapeArray());
        Reference.AssertClose(first, Rows(result.HiddenStates.Buffer, W, W), 1e-5f);
        (string category, LogLevel level, string message) = Assert.Single(loggers.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(nameof(WeightedPromptTokenizer), category, StringComparison.Ordinal);
        Assert.Contains($"{content.Count} tokens but only 75 fit", message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, level);
    }

    [Fact]
    public async Task FillContextGivesShortPromptsEveryAllowedWindow()
    {
        TextEncoderSpec spec = Spec();
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 16);
        using OnnxTextEncoder encoder = Create(spec, w, new OnnxTextEncoderOptions { MaxContextTokens = 2 * W, FillContext = true });
        TextEncoding result = await encoder.EncodeAsync(["a cat"]);
        long[] ids = [.. TextReference.Frame(Clip, Clip.EncodeContent("a cat"), 1), .. TextReference.Frame(Clip, [], 1)];
        Assert.Equal([1, 2 * W, D], result.HiddenStates.ShapeArray());
        Reference.AssertClose(Plain(spec, w, ids).Last, result.HiddenStates.Buffer, 1e-5f);
    }

    [Fact]
    public async Task AttentionSyntaxCanBeReadAsPlainText()
    {
        TextEncoderSpec spec = Spec();
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 17);
        using OnnxTextEncoder encoder = Create(spec, w, new OnnxTextEncoderOptions { ParseAttention = false });
        TextEncoding result = await encoder.EncodeAsync(["a (cat:1.5)"]);
        long[] ids = TextReference.Frame(Clip, Clip.EncodeContent("a (cat:1.5)"), 1);
        Assert.Contains(ids, id => id == Clip.EncodeContent("(")[0]); // the bracket is a token
        Reference.AssertClose(Plain(spec, w, ids).Last, result.HiddenStates.Buffer, 1e-5f);
    }

    [Theory]
    [InlineData(OnnxElementType.Int32)]
    [InlineData(OnnxElementType.Int64)]
    public async Task AllWindowsOfAllPromptsGoInOneRunWithTheirAttentionMask(OnnxElementType idsType)
    {
        using var encoder = new OnnxTextEncoder(
            new InferenceSession(TextReference.EchoEncoder(idsType, "batch", withMask: true).ToBytes()), Clip, ownsSession: true,
            options: new OnnxTextEncoderOptions { MaxContextTokens = 2 * W });
        Assert.Equal(3, encoder.HiddenSize);

        TextEncoding result = await encoder.EncodeAsync(["ugly", LongPrompt]);

        long[] expectedIds = [.. TextReference.Frame(Clip, Clip.EncodeContent("ugly"), 2), .. TextReference.Frame(Clip, Clip.EncodeContent(LongPrompt), 2)];
        float[] echoed = result.HiddenStates.Buffer;
        Assert.Equal([2, 2 * W, 3], result.HiddenStates.ShapeArray());
        for (int i = 0; i < expectedIds.Length; i++)
        {
            // Mask: 1 up to and including the window's first end token, 0 on the padding after it.
            int windowStart = i - (i % W);
            int end = Array.IndexOf(expectedIds, (long)Clip.EndTokenId, windowStart);
            Assert.Equal(expectedIds[i], (long)echoed[i * 3]);
            Assert.Equal(i <= end ? 1f : 0f, echoed[(i * 3) + 1]);
            Assert.Equal(4f, echoed[(i * 3) + 2]); // every row saw a run of 2 prompts × 2 windows
        }
    }

    [Theory]
    [InlineData(1, OnnxElementType.Int64)]
    [InlineData(3, OnnxElementType.Int32)]
    public async Task FixedBatchGraphRunsInChunksOfItsSize(int fixedBatch, OnnxElementType idsType)
    {
        using var encoder = new OnnxTextEncoder(
            new InferenceSession(TextReference.EchoEncoder(idsType, fixedBatch, withMask: false, withPooler: true).ToBytes()), Clip, ownsSession: true,
            options: new OnnxTextEncoderOptions { MaxContextTokens = 2 * W });

        TextEncoding result = await encoder.EncodeAsync(["", LongPrompt]);

        long[] expectedIds = [.. TextReference.Frame(Clip, [], 2), .. TextReference.Frame(Clip, Clip.EncodeContent(LongPrompt), 2)];
        float[] echoed = result.HiddenStates.Buffer;
        Assert.Equal([2, 2 * W, 2], result.HiddenStates.ShapeArray());
        for (int i = 0; i < expectedIds.Length; i++)
        {
            Assert.Equal(expectedIds[i], (long)echoed[i * 2]);
            Assert.Equal(fixedBatch, echoed[(i * 2) + 1]);
        }

        // Pooled: each prompt's first window (ids 0–76 and 154–230), whichever chunk it ran in.
        Assert.Equal([2, 2], result.Pooled!.ShapeArray());
        for (int b = 0; b < 2; b++)
        {
            double meanId = expectedIds.Skip(b * 2 * W).Take(W).Average();
            Assert.InRange(result.Pooled.Buffer[b * 2] - meanId, -0.05, 0.05);
            Assert.Equal(fixedBatch, result.Pooled.Buffer[(b * 2) + 1]);
        }
    }

    [Fact]
    public async Task MalformedWeightIsATypedError()
    {
        TextEncoderSpec spec = Spec();
        using OnnxTextEncoder encoder = Create(spec, TextEncoderWeights.Random(spec, 1));
        await Assert.ThrowsAsync<Core.Errors.FaceStudioValidationException>(() => encoder.EncodeAsync(["a (cat:1.2.3)"]));
    }

    [Theory]
    [InlineData(null, false, 0, 3 * W, false)]     // dynamic context: three windows, as many as needed
    [InlineData(77, false, 0, W, true)]            // stock SD 1.5 export: one window
    [InlineData(77, false, 4, W, true)]            // at least one window, even if identities cannot fit
    [InlineData(81, false, 4, W, true)]            // 77 text + 4 identity tokens on the composed path
    [InlineData(154, false, 0, 2 * W, true)]
    [InlineData(154, false, 4, W, true)]           // 2·77 + 4 > 154: one window, leaving room for the identity tokens
    [InlineData(154, true, 4, 2 * W, true)]        // native identity inputs: nothing appended to the text
    public void OptionsFollowTheDenoisersContext(int? context, bool native, int identityTokens, int expectedTokens, bool fill)
    {
        var caps = new DenoiserCapabilities { MaxContextTokens = context, SupportsIdentityRegions = native };
        OnnxTextEncoderOptions options = OnnxTextEncoderOptions.ForDenoiser(caps, identityTokens);
        Assert.Equal(expectedTokens, options.MaxContextTokens);
        Assert.Equal(fill, options.FillContext);
        Assert.True(options.ParseAttention);
    }

    [Fact]
    public void NonPositiveContextIsRejected()
    {
        TextEncoderSpec spec = Spec();
        var session = new InferenceSession(TextEncoderModel.Build(spec, TextEncoderWeights.Random(spec, 1)).ToBytes());
        using (session)
        {
            Core.Errors.FaceStudioValidationException ex = Assert.Throws<Core.Errors.FaceStudioValidationException>(
                () => new OnnxTextEncoder(session, Clip, options: new OnnxTextEncoderOptions { MaxContextTokens = 0 }));
            Assert.Contains("MaxContextTokens must be at least 1", ex.Message, StringComparison.Ordinal);
        }
    }
}
