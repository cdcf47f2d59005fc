using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Text;

namespace FaceStudio.Benchmarks.Text;

/// <summary>
/// Tokenising a prompt that fills the 77 positions exactly (75 content tokens), plain and with attention weights,
/// and applying weights to [77, 768] hidden states.
/// Run: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*TokenizerBenchmarks*'
/// The vocabulary comes from FACESTUDIO_TOKENIZER, else tests/TestData/clip-tokenizer in the repository.
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    /// <summary>75 CLIP content tokens: with start and end, exactly 77.</summary>
    public const string Prompt77 =
        "portrait photo of a smiling woman with curly red hair and freckles, wearing a green wool sweater, standing in a "
        + "sunlit autumn forest, soft rim light, shallow depth of field, 85mm lens, f/1.8, highly detailed skin texture, "
        + "cinematic color grading, golden hour, bokeh background, sharp focus on the eyes, natural makeup, masterpiece, best";

    private const string WeightedPrompt77 =
        "portrait photo of a (smiling woman:1.2) with ((curly red hair)) and freckles, wearing a green wool sweater, standing in a "
        + "[sunlit autumn forest], soft rim light, shallow depth of field, 85mm lens, f/1.8, highly detailed skin texture, "
        + "cinematic color grading, golden hour, bokeh background, sharp focus on the eyes, natural makeup, masterpiece, best";

    private ClipTokenizer _tokenizer = null!;
    private WeightedPromptTokenizer _weighted = null!;
    private float[] _hidden = null!;
    private float[] _weights = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = ClipTokenizer.FromDirectory(FindTokenizerDirectory());
        int count = _tokenizer.EncodeContent(Prompt77).Count;
        if (count != 75)
        {
            throw new InvalidOperationException($"The benchmark prompt should have 75 content tokens; it has {count}.");
        }

        _weighted = new WeightedPromptTokenizer(_tokenizer);
        _weights = _weighted.Tokenize(WeightedPrompt77, 77).Weights;
        _hidden = new float[77 * 768];
        var random = new Random(42);
        for (int i = 0; i < _hidden.Length; i++)
        {
            _hidden[i] = (float)(random.NextDouble() - 0.5);
        }
    }

    [Benchmark(Baseline = true)]
    public TokenizedText Tokenize_77_token_prompt() => _tokenizer.Tokenize(Prompt77);

    [Benchmark]
    public WeightedTokenization Tokenize_weighted_77_token_prompt() => _weighted.Tokenize(WeightedPrompt77, 77);

    // Repeated application drifts the values but not the cost, which is what is measured.
    [Benchmark]
    public float ApplyWeights_77x768()
    {
        PromptWeighting.ApplyWeights(_hidden, _weights, 768, 77);
        return _hidden[0];
    }

    internal static string FindTokenizerDirectory()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("FACESTUDIO_TOKENIZER");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "TestData", "clip-tokenizer");
            }
        }

        throw new DirectoryNotFoundException("Set FACESTUDIO_TOKENIZER to a folder with vocab.json and merges.txt.");
    }
}
