using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceStudio.Core.Text;

/// <summary>
/// Turns prompts with attention syntax (<see cref="PromptAttentionParser"/>) into ids and per-position weights, split
/// into windows of <see cref="ITokenizer.MaxLength"/> positions for prompts longer than one window.
/// </summary>
/// <remarks>
/// Each fragment is tokenized on its own, as the popular UIs do, so a bracket also ends a word. Content is cut into
/// windows of <c>MaxLength − 2</c> tokens, each framed by start and end tokens and padded. A denoiser that accepts
/// <c>k · MaxLength</c> context tokens gets up to k windows laid end to end; content beyond that is dropped with a
/// logged warning (with a 77-token denoiser: the first window only).
/// </remarks>
public sealed partial class WeightedPromptTokenizer
{
    private readonly ILogger _logger;
    private readonly bool _parseAttention;

    /// <summary>Creates the tokenizer.</summary>
    /// <param name="tokenizer">The CLIP tokenizer (e.g. <see cref="ClipTokenizer"/>).</param>
    /// <param name="logger">Receives the truncation warning.</param>
    /// <param name="parseAttention">False treats brackets and weights as plain text (every weight 1).</param>
    public WeightedPromptTokenizer(ITokenizer tokenizer, ILogger<WeightedPromptTokenizer>? logger = null, bool parseAttention = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokenizer = tokenizer;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _parseAttention = parseAttention;
    }

    /// <summary>The underlying tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>Windows that fit in <paramref name="maxContextTokens"/> positions (at least 1); null means no limit.</summary>
    public int MaxWindows(int? maxContextTokens) =>
        maxContextTokens is int max ? Math.Max(1, max / Tokenizer.MaxLength) : int.MaxValue;

    /// <summary>Tokenizes one prompt.</summary>
    /// <param name="prompt">The prompt, with attention syntax when enabled.</param>
    /// <param name="maxContextTokens">Context tokens the denoiser accepts (<c>DenoiserCapabilities.MaxContextTokens</c>); null when unlimited.</param>
    public WeightedTokenization Tokenize(string prompt, int? maxContextTokens = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        (List<int> ids, List<float> weights) = EncodeWeighted(prompt);
        int needed = WindowsNeeded(ids.Count);
        return Build(ids, weights, needed, MaxWindows(maxContextTokens));
    }

    /// <summary>
    /// Tokenizes several prompts (e.g. prompt and negative prompt) to the same number of windows, so that their hidden
    /// states stack into one batch: shorter ones get extra windows holding only start and end tokens.
    /// </summary>
    /// <param name="prompts">The prompts.</param>
    /// <param name="maxContextTokens">Context tokens the denoiser accepts; null when unlimited.</param>
    /// <param name="minimumWindows">
    /// Windows every prompt gets at least (capped by <paramref name="maxContextTokens"/>): a denoiser whose context length is
    /// fixed needs all of them, filled with start and end tokens when the prompts are short.
    /// </param>
    public IReadOnlyList<WeightedTokenization> TokenizeBatch(IReadOnlyList<string> prompts, int? maxContextTokens = null, int minimumWindows = 1)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumWindows, 1);
        var encoded = new List<(List<int> Ids, List<float> Weights)>(prompts.Count);
        int windows = minimumWindows;
        foreach (string prompt in prompts)
        {
            ArgumentNullException.ThrowIfNull(prompt, nameof(prompts));
            var e = EncodeWeighted(prompt);
            encoded.Add(e);
            windows = Math.Max(windows, WindowsNeeded(e.Ids.Count));
        }

        int allowed = MaxWindows(maxContextTokens);
        var result = new WeightedTokenization[encoded.Count];
        for (int i = 0; i < encoded.Count; i++)
        {
            result[i] = Build(encoded[i].Ids, encoded[i].Weights, windows, allowed);
        }

        return result;
    }

    private (List<int> Ids, List<float> Weights) EncodeWeighted(string prompt)
    {
        var ids = new List<int>();
        var weights = new List<float>();
        IReadOnlyList<WeightedFragment> fragments = _parseAttention
            ? PromptAttentionParser.Parse(prompt)
            : [new WeightedFragment(prompt, 1f)];
        foreach (WeightedFragment fragment in fragments)
        {
            IReadOnlyList<int> content = Tokenizer.EncodeContent(fragment.Text);
            for (int k = 0; k < content.Count; k++)
            {
                ids.Add(content[k]);
                weights.Add(fragment.Weight);
            }
        }

        return (ids, weights);
    }

    private int ContentPerWindow => Tokenizer.MaxLength - 2;

    private int WindowsNeeded(int contentCount) => Math.Max(1, (contentCount + ContentPerWindow - 1) / ContentPerWindow);

    private WeightedTokenization Build(List<int> content, List<float> contentWeights, int windows, int allowedWindows)
    {
        int length = Tokenizer.MaxLength;
        int perWindow = ContentPerWindow;
        int kept = Math.Min(windows, allowedWindows);
        bool truncated = content.Count > kept * perWindow;
        if (truncated)
        {
            LogTruncated(_logger, content.Count, kept * perWindow, kept, kept * length);
        }

        var ids = new int[kept * length];
        var mask = new int[kept * length];
        var weights = new float[kept * length];
        weights.AsSpan().Fill(1f);
        for (int w = 0; w < kept; w++)
        {
            int offset = w * length;
            int from = w * perWindow;
            int count = Math.Clamp(content.Count - from, 0, perWindow);
            ids[offset] = Tokenizer.StartTokenId;
            for (int k = 0; k < count; k++)
            {
                ids[offset + 1 + k] = content[from + k];
                weights[offset + 1 + k] = contentWeights[from + k];
            }

            ids[offset + 1 + count] = Tokenizer.EndTokenId;
            ids.AsSpan(offset + 2 + count, length - 2 - count).Fill(Tokenizer.PadTokenId);
            mask.AsSpan(offset, count + 2).Fill(1);
        }

        return new WeightedTokenization(ids, mask, weights, length, content.Count, truncated);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Prompt has {ContentTokens} tokens but only {KeptTokens} fit ({Windows} window(s), {ContextTokens} context tokens the denoiser accepts); the rest is dropped.")]
    private static partial void LogTruncated(ILogger logger, int contentTokens, int keptTokens, int windows, int contextTokens);
}
