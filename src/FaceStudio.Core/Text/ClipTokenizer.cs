using System.Text.Json;
using FaceStudio.Core.Errors;
using Microsoft.ML.Tokenizers;

namespace FaceStudio.Core.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer (Stable Diffusion's <c>tokenizer/</c> folder): reproduces the ids of OpenAI's
/// <c>simple_tokenizer</c> and Hugging Face's <c>CLIPTokenizer</c>. Thread-safe once built.
/// </summary>
/// <remarks>
/// Text is cleaned (<see cref="ClipTextNormalizer"/>), split by CLIP's pre-tokenizer, mapped byte-to-unicode and
/// merged by <see cref="BpeTokenizer"/> (Microsoft.ML.Tokenizers) with the <c>&lt;/w&gt;</c> end-of-word suffix.
/// </remarks>
public sealed class ClipTokenizer : ITokenizer
{
    /// <summary>Positions per sequence in every CLIP text encoder.</summary>
    public const int DefaultMaxLength = 77;

    /// <summary>CLIP's end-of-word suffix.</summary>
    public const string EndOfWordSuffix = "</w>";

    private readonly BpeTokenizer _bpe;

    private ClipTokenizer(BpeTokenizer bpe, int startId, int endId, int padId, int maxLength, int vocabularySize)
    {
        _bpe = bpe;
        StartTokenId = startId;
        EndTokenId = endId;
        PadTokenId = padId;
        MaxLength = maxLength;
        VocabularySize = vocabularySize;
    }

    /// <inheritdoc />
    public int MaxLength { get; }

    /// <inheritdoc />
    public int StartTokenId { get; }

    /// <inheritdoc />
    public int EndTokenId { get; }

    /// <inheritdoc />
    public int PadTokenId { get; }

    /// <summary>Entries in <c>vocab.json</c> (49,408 for CLIP ViT-L/14).</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// Loads <c>vocab.json</c> and <c>merges.txt</c> from <paramref name="tokenizerDirectory"/>, and the pad token from
    /// <c>special_tokens_map.json</c> or <c>tokenizer_config.json</c> when present (default <c>&lt;|endoftext|&gt;</c>,
    /// the Stable Diffusion 1.5 convention; OpenAI's layout names <c>!</c>, id 0).
    /// </summary>
    /// <param name="tokenizerDirectory">A model folder's <c>tokenizer/</c> directory.</param>
    /// <param name="maxLength">Positions per sequence, start and end included; at least 3.</param>
    /// <exception cref="TokenizerException">A file is missing or malformed; the message names it.</exception>
    /// <exception cref="FaceStudioValidationException"><paramref name="maxLength"/> is below 3.</exception>
    public static ClipTokenizer FromDirectory(string tokenizerDirectory, int maxLength = DefaultMaxLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerDirectory);
        if (maxLength < 3)
        {
            throw new FaceStudioValidationException(nameof(maxLength),
                $"maxLength must be at least 3 positions (start, one token, end); found {maxLength}.");
        }

        if (!Directory.Exists(tokenizerDirectory))
        {
            throw new TokenizerException(tokenizerDirectory,
                $"Tokenizer folder '{tokenizerDirectory}' does not exist; expected a folder holding vocab.json and merges.txt.");
        }

        string vocabPath = Path.Combine(tokenizerDirectory, "vocab.json");
        string mergesPath = Path.Combine(tokenizerDirectory, "merges.txt");
        foreach (string name in (ReadOnlySpan<string>)["vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"])
        {
            // Opening a FIFO blocks until a writer comes: only regular files are read.
            string file = Path.Combine(tokenizerDirectory, name);
            if (File.Exists(file) && !FaceStudio.Core.Imaging.FileKinds.IsRegularFileFollowingLinks(file))
            {
                throw new TokenizerException(tokenizerDirectory,
                    $"Tokenizer file '{file}' is {FaceStudio.Core.Imaging.FileKinds.DescribeNonRegular(file) ?? "a special file"}; expected a regular file.");
            }
        }

        Dictionary<string, int> vocabulary = ClipTokenizerFiles.ReadVocabulary(vocabPath);
        List<string> merges = ClipTokenizerFiles.ReadMerges(mergesPath);

        int startId = RequireToken(vocabulary, ClipPreTokenizer.StartOfText, vocabPath);
        int endId = RequireToken(vocabulary, ClipPreTokenizer.EndOfText, vocabPath);
        string padToken = ClipTokenizerFiles.ReadPadToken(tokenizerDirectory) ?? ClipPreTokenizer.EndOfText;
        if (!vocabulary.TryGetValue(padToken, out int padId))
        {
            throw new TokenizerException(tokenizerDirectory,
                $"The pad token '{padToken}' named by the tokenizer config of '{tokenizerDirectory}' is not in '{vocabPath}'.");
        }

        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            PreTokenizer = ClipPreTokenizer.Instance,
            Normalizer = ClipTextNormalizer.Instance,
            SpecialTokens = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                [ClipPreTokenizer.StartOfText] = startId,
                [ClipPreTokenizer.EndOfText] = endId,
            },
            EndOfWordSuffix = EndOfWordSuffix,
            ByteLevel = true,
        };

        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(options);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new TokenizerException(tokenizerDirectory,
                $"Could not build a BPE tokenizer from '{vocabPath}' and '{mergesPath}': {ex.Message}", ex);
        }

        return new ClipTokenizer(bpe, startId, endId, padId, maxLength, vocabulary.Count);
    }

    /// <inheritdoc />
    public IReadOnlyList<int> EncodeContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? [] : _bpe.EncodeToIds(text);
    }

    /// <inheritdoc />
    public TokenizedText Tokenize(string text)
    {
        IReadOnlyList<int> content = EncodeContent(text);
        int capacity = MaxLength - 2;
        int kept = Math.Min(content.Count, capacity);
        var ids = new int[MaxLength];
        var mask = new int[MaxLength];
        ids[0] = StartTokenId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = content[i];
        }

        ids[kept + 1] = EndTokenId;
        int count = kept + 2;
        ids.AsSpan(count).Fill(PadTokenId);
        mask.AsSpan(0, count).Fill(1);
        return new TokenizedText(ids, mask, count, content.Count > capacity);
    }

    private static int RequireToken(Dictionary<string, int> vocabulary, string token, string vocabPath) =>
        vocabulary.TryGetValue(token, out int id)
            ? id
            : throw new TokenizerException(vocabPath, $"'{vocabPath}' has no '{token}' entry; expected a CLIP vocabulary with start and end tokens.");
}

/// <summary>Reading and validating the files of a tokenizer folder.</summary>
internal static class ClipTokenizerFiles
{
    public static Dictionary<string, int> ReadVocabulary(string path)
    {
        EnsureExists(path, "a JSON object mapping each token to its integer id");
        byte[] bytes = File.ReadAllBytes(path);
        Dictionary<string, int>? vocabulary;
        try
        {
            vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(bytes);
        }
        catch (JsonException ex)
        {
            throw new TokenizerException(path,
                $"'{path}' is not a valid vocabulary: expected a JSON object mapping each token to its integer id ({ex.Message}).", ex);
        }

        if (vocabulary is null || vocabulary.Count == 0)
        {
            throw new TokenizerException(path, $"'{path}' is empty; expected a JSON object mapping each token to its integer id.");
        }

        return vocabulary;
    }

    public static List<string> ReadMerges(string path)
    {
        EnsureExists(path, "one merge per line: two tokens separated by a space");
        var merges = new List<string>(50_000);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            // The header "#version: 0.2" and blank lines carry no merge.
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
            {
                throw new TokenizerException(path,
                    $"'{path}' line {lineNumber}: expected two tokens separated by one space, found '{Truncate(line)}'.");
            }

            merges.Add(line);
        }

        // A header-only file is valid: a byte-level vocabulary with no merges (the demo pack's tiny tokenizer).
        return merges;
    }

    /// <summary>The pad token named by special_tokens_map.json, else tokenizer_config.json; null when neither names one.</summary>
    public static string? ReadPadToken(string directory)
    {
        foreach (string name in (ReadOnlySpan<string>)["special_tokens_map.json", "tokenizer_config.json"])
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("pad_token", out JsonElement pad))
                {
                    // Either "pad_token": "<|endoftext|>" or "pad_token": { "content": "!", ... }.
                    string? token = pad.ValueKind switch
                    {
                        JsonValueKind.String => pad.GetString(),
                        JsonValueKind.Object when pad.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.String => c.GetString(),
                        _ => null,
                    };
                    if (!string.IsNullOrEmpty(token))
                    {
                        return token;
                    }
                }
            }
            catch (JsonException ex)
            {
                throw new TokenizerException(path, $"'{path}' is not valid JSON; expected a tokenizer config object ({ex.Message}).", ex);
            }
        }

        return null;
    }

    private static void EnsureExists(string path, string expected)
    {
        if (!File.Exists(path))
        {
            throw new TokenizerException(path, $"'{path}' was not found; expected {expected}.");
        }
    }

    private static string Truncate(string line) => line.Length <= 60 ? line : string.Concat(line.AsSpan(0, 60), "…");
}
