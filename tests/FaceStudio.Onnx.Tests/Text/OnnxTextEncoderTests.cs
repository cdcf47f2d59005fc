using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Text;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Text;

public sealed class OnnxTextEncoderTests
{
    private static readonly TestTokenizer Tokenizer = new(9);

    private static OnnxTextEncoder Create(TextEncoderSpec spec, TextEncoderWeights w) =>
        new(new InferenceSession(TextEncoderModel.Build(spec, w).ToBytes()), Tokenizer, ownsSession: true);

    [Theory]
    [InlineData(OnnxElementType.Int32)]
    [InlineData(OnnxElementType.Int64)]
    public async Task EncodesPromptsAsOneBatchMatchingTheFormula(OnnxElementType idsType)
    {
        var spec = new TextEncoderSpec { VocabSize = 97, MaxTokens = 9, HiddenSize = 8, InputIdsType = idsType };
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 1);
        using OnnxTextEncoder encoder = Create(spec, w);
        Assert.Equal(8, encoder.HiddenSize);
        Assert.Equal(9, encoder.MaxTokens);

        TextEncoding result = await encoder.EncodeAsync(["a cat", ""]);
        long[] ids = [.. Tokenizer.Tokenize("a cat").InputIds.Select(i => (long)i), .. Tokenizer.Tokenize("").InputIds.Select(i => (long)i)];
        (float[] last, float[] pooled) = Reference.TextEncoder(spec, w, ids, 2);
        Assert.Equal([2, 9, 8], result.HiddenStates.ShapeArray());
        Reference.AssertClose(last, result.HiddenStates.Buffer, 1e-5f);
        Assert.NotNull(result.Pooled);
        Reference.AssertClose(pooled, result.Pooled!.Buffer, 1e-5f);
    }

    [Fact]
    public async Task Fp16EncoderMatchesFp32WithinTolerance()
    {
        var spec = new TextEncoderSpec { VocabSize = 97, MaxTokens = 9, HiddenSize = 8 };
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 2);
        using OnnxTextEncoder fp32 = Create(spec, w);
        using OnnxTextEncoder fp16 = Create(spec with { Precision = TensorPrecision.Float16 }, w);
        TextEncoding a = await fp32.EncodeAsync(["portrait"]);
        TextEncoding b = await fp16.EncodeAsync(["portrait"]);
        Reference.AssertClose(a.HiddenStates.Buffer, b.HiddenStates.Buffer, 1e-2f);
    }

    [Fact]
    public void WrongInputNameIsRejectedListingExpectedAndFound()
    {
        var g = new GraphBuilder();
        string ids = g.Input("tokens", OnnxElementType.Int64, "batch", 9);
        g.Output("last_hidden_state", g.Cast(g.Unsqueeze(ids, 2), OnnxElementType.Float), OnnxElementType.Float, "batch", 9, 1);
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxTextEncoder(session, Tokenizer));
        Assert.Contains("no input named 'input_ids'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'input_ids' int32|int64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tokens int64 [batch, 9]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtraInputIsRejected()
    {
        var g = new GraphBuilder();
        string ids = g.Input("input_ids", OnnxElementType.Int32, "batch", 9);
        g.Input("position_ids", OnnxElementType.Int64, "batch", 9);
        g.Output("last_hidden_state", g.Cast(g.Unsqueeze(ids, 2), OnnxElementType.Float), OnnxElementType.Float, "batch", 9, 1);
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxTextEncoder(session, Tokenizer));
        Assert.Contains("unexpected input 'position_ids'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicHiddenWidthIsRejected()
    {
        var g = new GraphBuilder();
        string ids = g.Input("input_ids", OnnxElementType.Int32, "batch", 9);

        // Width taken from the data (ids[0, 0]), so shape inference cannot fix it.
        string width = g.Reshape(g.Slice(g.Cast(ids, OnnxElementType.Int64), [0, 0], [1, 1], [0, 1]), 1);
        string zeros = g.Op("ConstantOfShape", [g.Concat(0, g.Shape(ids), width)]);
        g.Output("last_hidden_state", zeros, OnnxElementType.Float, "batch", 9, "width");
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxTextEncoder(session, Tokenizer));
        Assert.Contains("'last_hidden_state' has a dynamic width", ex.Message, StringComparison.Ordinal);
        Assert.Contains("last_hidden_state float32 [batch, 9, width]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SequenceLengthDifferentFromTokenizerIsRejected()
    {
        var spec = new TextEncoderSpec { VocabSize = 10, MaxTokens = 5, HiddenSize = 4 };
        using var session = new InferenceSession(TextEncoderModel.Build(spec, TextEncoderWeights.Random(spec, 1)).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxTextEncoder(session, Tokenizer));
        Assert.Contains("5 positions but the tokenizer produces 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposedEncoderRefusesWork()
    {
        var spec = new TextEncoderSpec { VocabSize = 10, MaxTokens = 9, HiddenSize = 4 };
        OnnxTextEncoder encoder = Create(spec, TextEncoderWeights.Random(spec, 1));
        encoder.Dispose();
        encoder.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => encoder.EncodeAsync(["x"]));
    }

    [Fact]
    public async Task CancelledTokenStopsBeforeRunning()
    {
        var spec = new TextEncoderSpec { VocabSize = 10, MaxTokens = 9, HiddenSize = 4 };
        using OnnxTextEncoder encoder = Create(spec, TextEncoderWeights.Random(spec, 1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => encoder.EncodeAsync(["x"], new CancellationToken(canceled: true)));
    }
}

public sealed class OnnxTextEncoderConcurrencyTests
{
    [Fact]
    public async Task ConcurrentCallsShareTheSessionAndGetTheirOwnResults()
    {
        var spec = new TextEncoderSpec { VocabSize = 200, MaxTokens = 9, HiddenSize = 8 };
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 4);
        var tokenizer = new TestTokenizer(9);
        using var encoder = new OnnxTextEncoder(new InferenceSession(TextEncoderModel.Build(spec, w).ToBytes()), tokenizer, ownsSession: true);
        string[] prompts = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g", "hh"];
        TextEncoding[] results = await Task.WhenAll(prompts.Select(p => Task.Run(() => encoder.EncodeAsync([p]))));
        for (int i = 0; i < prompts.Length; i++)
        {
            long[] ids = tokenizer.Tokenize(prompts[i]).InputIds.Select(v => (long)v).ToArray();
            Reference.AssertClose(Reference.TextEncoder(spec, w, ids, 1).Last, results[i].HiddenStates.Buffer, 1e-5f);
        }
    }
}
