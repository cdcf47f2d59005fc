namespace FaceStudio.Core.Text;

/// <summary>
/// A prompt tokenized into one or more windows of <see cref="WindowLength"/> positions, each
/// <c>[start, up to WindowLength − 2 content tokens, end, padding]</c>, laid end to end, with a weight per position.
/// </summary>
/// <remarks>
/// Encode each window on its own through the text encoder (a batch of <see cref="WindowCount"/> sequences), lay the
/// hidden states end to end into <c>[WindowCount · WindowLength, D]</c>, then call
/// <see cref="PromptWeighting.ApplyWeights(Span{float}, ReadOnlySpan{float}, int, int)"/> with <see cref="Weights"/>.
/// </remarks>
public sealed class WeightedTokenization
{
    /// <summary>Creates a tokenization; arrays are taken as they are (not copied).</summary>
    /// <param name="inputIds">Ids: a whole number of windows of <paramref name="windowLength"/> positions.</param>
    /// <param name="attentionMask">1 for start, content and end positions; 0 for padding.</param>
    /// <param name="weights">Per-position weights; 1 for start, end and padding.</param>
    /// <param name="windowLength">Positions per window (77 for CLIP).</param>
    /// <param name="contentTokenCount">Content tokens the prompt produced, before any truncation.</param>
    /// <param name="truncated">True when content was dropped to fit the allowed windows.</param>
    public WeightedTokenization(int[] inputIds, int[] attentionMask, float[] weights, int windowLength, int contentTokenCount, bool truncated)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowLength, 3);
        if (inputIds.Length == 0 || inputIds.Length % windowLength != 0)
        {
            throw new ArgumentException($"Expected a positive multiple of {windowLength} ids; found {inputIds.Length}.", nameof(inputIds));
        }

        if (attentionMask.Length != inputIds.Length || weights.Length != inputIds.Length)
        {
            throw new ArgumentException(
                $"Expected {inputIds.Length} mask entries and weights; found {attentionMask.Length} and {weights.Length}.", nameof(weights));
        }

        InputIds = inputIds;
        AttentionMask = attentionMask;
        Weights = weights;
        WindowLength = windowLength;
        ContentTokenCount = contentTokenCount;
        Truncated = truncated;
    }

    /// <summary>All ids, window after window.</summary>
    public int[] InputIds { get; }

    /// <summary>1 for start, content and end positions, 0 for padding, window after window.</summary>
    public int[] AttentionMask { get; }

    /// <summary>Weight of each position; 1 for start, end and padding.</summary>
    public float[] Weights { get; }

    /// <summary>Positions per window (77 for CLIP).</summary>
    public int WindowLength { get; }

    /// <summary>Number of windows.</summary>
    public int WindowCount => InputIds.Length / WindowLength;

    /// <summary>Total positions: <see cref="WindowCount"/> × <see cref="WindowLength"/>.</summary>
    public int Length => InputIds.Length;

    /// <summary>Content tokens the prompt produced, before any truncation.</summary>
    public int ContentTokenCount { get; }

    /// <summary>True when content was dropped because the denoiser accepts fewer windows than the prompt needs.</summary>
    public bool Truncated { get; }

    /// <summary>True when any position has a weight other than 1 (weighting can then be skipped).</summary>
    public bool HasWeights => Weights.AsSpan().ContainsAnyExcept(1f);

    /// <summary>The ids of window <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> WindowIds(int index) => InputIds.AsSpan(WindowSlice(index), WindowLength);

    /// <summary>The weights of window <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> WindowWeights(int index) => Weights.AsSpan(WindowSlice(index), WindowLength);

    private int WindowSlice(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, WindowCount);
        return index * WindowLength;
    }
}
