using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Sessions;
using FaceStudio.Onnx.Text;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Benchmarks.Text;

/// <summary>
/// <see cref="OnnxTextEncoder.EncodeAsync"/> of [negative, prompt] on the demo text encoder at SD 1.5's width (D = 768,
/// int64 ids, CPU, two threads): plain, weighted, and a weighted two-window prompt (4 rows in one run). The model is a
/// gather and one 768×768 projection, so the numbers show the encoder's own overhead plus a light graph, not CLIP's cost.
/// Run: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*OnnxTextEncoderBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class OnnxTextEncoderBenchmarks
{
    private const string Weighted77 =
        "portrait photo of a (smiling woman:1.2) with ((curly red hair)) and freckles, wearing a green wool sweater, standing in a "
        + "[sunlit autumn forest], soft rim light, shallow depth of field, 85mm lens, f/1.8, highly detailed skin texture, "
        + "cinematic color grading, golden hour, bokeh background, sharp focus on the eyes, natural makeup, masterpiece, best";

    private OnnxTextEncoder _oneWindow = null!;
    private OnnxTextEncoder _threeWindows = null!;

    [GlobalSetup]
    public void Setup()
    {
        ClipTokenizer tokenizer = ClipTokenizer.FromDirectory(TokenizerBenchmarks.FindTokenizerDirectory());
        var spec = new TextEncoderSpec { VocabSize = 1024, MaxTokens = 77, HiddenSize = 768, InputIdsType = OnnxElementType.Int64 };
        byte[] model = TextEncoderModel.Build(spec, TextEncoderWeights.Random(spec, 1)).ToBytes();
        var factory = new SessionFactory();
        using SessionOptions sessionOptions = factory.CreateSessionOptions(new OnnxSessionOptions { IntraOpThreads = 2 });
        _oneWindow = new OnnxTextEncoder(new InferenceSession(model, sessionOptions), tokenizer, ownsSession: true);
        _threeWindows = new OnnxTextEncoder(new InferenceSession(model, sessionOptions), tokenizer, ownsSession: true,
            options: new OnnxTextEncoderOptions { MaxContextTokens = 3 * 77 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _oneWindow.Dispose();
        _threeWindows.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<TextEncoding> Pair_plain_1_window() => _oneWindow.EncodeAsync(["", TokenizerBenchmarks.Prompt77]);

    [Benchmark]
    public Task<TextEncoding> Pair_weighted_1_window() => _oneWindow.EncodeAsync(["", Weighted77]);

    [Benchmark]
    public Task<TextEncoding> Pair_weighted_2_windows() => _threeWindows.EncodeAsync(["", Weighted77 + ", " + Weighted77]);
}
