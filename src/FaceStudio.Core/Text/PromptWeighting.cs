using System.Numerics.Tensors;

namespace FaceStudio.Core.Text;

/// <summary>
/// Applies prompt weights to text-encoder output, as AUTOMATIC1111 does: each token's embedding is multiplied by its
/// weight, then the whole window is rescaled so that its mean over all T × D elements equals the mean before weighting.
/// </summary>
/// <remarks>
/// Restoring the mean keeps the overall magnitude of the conditioning where the denoiser was trained, so that raising
/// a few tokens shifts attention towards them instead of brightening or saturating the whole picture. The mean is the
/// plain arithmetic mean of every element of one window [77, D] of one prompt (the UI takes it over its batch of
/// prompts for the window; with one prompt per batch the two agree).
/// </remarks>
public static class PromptWeighting
{
    /// <summary>
    /// Multiplies row t of <paramref name="hiddenStates"/> ([T, D], row-major) by <c>weights[t]</c> and restores the mean of
    /// each window of <paramref name="windowLength"/> rows. In place; allocates nothing.
    /// </summary>
    /// <param name="hiddenStates">Token embeddings [T, D] of one prompt, windows laid end to end.</param>
    /// <param name="weights">One weight per row (T entries).</param>
    /// <param name="hiddenSize">D, the width of each embedding.</param>
    /// <param name="windowLength">Rows per window whose mean is restored separately (77 for CLIP); 0 treats all T rows as one window.</param>
    /// <remarks>
    /// A window whose weights are all 1 is left untouched. A window whose weighted mean is 0 or not finite keeps the
    /// weighted values without mean restoration (the ratio is undefined).
    /// </remarks>
    public static void ApplyWeights(Span<float> hiddenStates, ReadOnlySpan<float> weights, int hiddenSize, int windowLength = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(windowLength);
        int rows = weights.Length;
        if (hiddenStates.Length != (long)rows * hiddenSize)
        {
            throw new ArgumentException(
                $"Expected hidden states of {rows} × {hiddenSize} = {(long)rows * hiddenSize} elements to match {rows} weights; found {hiddenStates.Length}.",
                nameof(hiddenStates));
        }

        int window = windowLength == 0 ? rows : windowLength;
        if (rows % Math.Max(window, 1) != 0)
        {
            throw new ArgumentException($"Expected a multiple of {window} rows (whole windows); found {rows}.", nameof(weights));
        }

        for (int start = 0; start < rows; start += window)
        {
            ApplyWindow(
                hiddenStates.Slice(start * hiddenSize, window * hiddenSize),
                weights.Slice(start, window),
                hiddenSize);
        }
    }

    private static void ApplyWindow(Span<float> states, ReadOnlySpan<float> weights, int hiddenSize)
    {
        if (!weights.ContainsAnyExcept(1f))
        {
            return;
        }

        // Sums in float like the reference (torch float32 mean); the ratio of the two means cancels the count.
        float originalSum = TensorPrimitives.Sum<float>(states);
        for (int t = 0; t < weights.Length; t++)
        {
            float w = weights[t];
            if (w != 1f)
            {
                Span<float> row = states.Slice(t * hiddenSize, hiddenSize);
                TensorPrimitives.Multiply(row, w, row);
            }
        }

        float weightedSum = TensorPrimitives.Sum<float>(states);
        float ratio = originalSum / weightedSum;
        if (weightedSum != 0f && float.IsFinite(ratio))
        {
            TensorPrimitives.Multiply(states, ratio, states);
        }
    }
}
