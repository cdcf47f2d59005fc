using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;

namespace FaceStudio.TestSupport;

/// <summary>Sizes of one masked multi-identity cross-attention call.</summary>
/// <param name="Positions">Query positions P (h·w of the feature map).</param>
/// <param name="TextTokens">Text context tokens T.</param>
/// <param name="Identities">Identities N.</param>
/// <param name="TokensPerIdentity">Guidance tokens per identity K.</param>
/// <param name="Heads">Attention heads H.</param>
/// <param name="HeadDim">Width of each head d; rows are H·d wide, head h in columns [h·d, (h+1)·d).</param>
public readonly record struct CrossAttentionShape(int Positions, int TextTokens, int Identities, int TokensPerIdentity, int Heads, int HeadDim)
{
    /// <summary>Row width H·d.</summary>
    public int Width => Heads * HeadDim;
}

/// <summary>
/// Reference masked multi-identity cross-attention (decoupled IP-Adapter form with FaceStudio routing, paper Eq. 2):
/// <c>out(p) = Attn(q_p, K_text, V_text) + Σ_k s_k · m_k(p) · Attn(q_p, K_k, V_k)</c>, softmax scaled by 1/√d.
/// A position with <c>s_k·m_k(p) = 0</c> skips identity k entirely, so it gets nothing from identity k's tokens.
/// </summary>
public static class MaskedCrossAttention
{
    private const int StackScores = 256;

    /// <summary>Computes the attention output for all positions and heads.</summary>
    /// <param name="shape">Sizes.</param>
    /// <param name="query">Projected queries [P, H·d].</param>
    /// <param name="textKeys">Projected text keys [T, H·d].</param>
    /// <param name="textValues">Projected text values [T, H·d].</param>
    /// <param name="identityKeys">Projected identity keys [N, K, H·d].</param>
    /// <param name="identityValues">Projected identity values [N, K, H·d].</param>
    /// <param name="masks">Region masks [N, P] at this attention's resolution.</param>
    /// <param name="scales">Per-identity scales [N].</param>
    /// <param name="output">Receives [P, H·d]; must not overlap the inputs.</param>
    public static void Compute(
        CrossAttentionShape shape,
        ReadOnlySpan<float> query,
        ReadOnlySpan<float> textKeys,
        ReadOnlySpan<float> textValues,
        ReadOnlySpan<float> identityKeys,
        ReadOnlySpan<float> identityValues,
        ReadOnlySpan<float> masks,
        ReadOnlySpan<float> scales,
        Span<float> output)
    {
        (int p, int t, int n, int k, int heads, int d) = shape;
        int width = shape.Width;
        CheckLength(nameof(query), query.Length, (long)p * width);
        CheckLength(nameof(textKeys), textKeys.Length, (long)t * width);
        CheckLength(nameof(textValues), textValues.Length, (long)t * width);
        CheckLength(nameof(identityKeys), identityKeys.Length, (long)n * k * width);
        CheckLength(nameof(identityValues), identityValues.Length, (long)n * k * width);
        CheckLength(nameof(masks), masks.Length, (long)n * p);
        CheckLength(nameof(scales), scales.Length, n);
        CheckLength(nameof(output), output.Length, (long)p * width);

        int scoreLength = Math.Max(t, k);
        float[]? rented = scoreLength > StackScores ? ArrayPool<float>.Shared.Rent(scoreLength) : null;
        Span<float> scores = rented is null ? stackalloc float[StackScores] : rented;
        float invSqrt = 1f / MathF.Sqrt(d);
        try
        {
            for (int pos = 0; pos < p; pos++)
            {
                for (int h = 0; h < heads; h++)
                {
                    int column = h * d;
                    ReadOnlySpan<float> q = query.Slice((pos * width) + column, d);
                    Span<float> o = output.Slice((pos * width) + column, d);
                    o.Clear();
                    Attend(q, textKeys, textValues, t, width, column, invSqrt, 1f, scores[..t], o);
                    for (int id = 0; id < n; id++)
                    {
                        float weight = scales[id] * masks[(id * p) + pos];
                        if (weight == 0f)
                        {
                            continue;
                        }

                        int offset = id * k * width;
                        Attend(q, identityKeys.Slice(offset, k * width), identityValues.Slice(offset, k * width), k, width, column, invSqrt, weight, scores[..k], o);
                    }
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    // o += weight · softmax(q·Kᵀ/√d) · V for one head.
    private static void Attend(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int tokens, int width, int column, float invSqrt, float weight, Span<float> scores, Span<float> o)
    {
        int d = q.Length;
        for (int j = 0; j < tokens; j++)
        {
            scores[j] = TensorPrimitives.Dot(q, keys.Slice((j * width) + column, d)) * invSqrt;
        }

        float max = TensorPrimitives.Max(scores);
        TensorPrimitives.Subtract(scores, max, scores);
        TensorPrimitives.Exp(scores, scores);
        TensorPrimitives.Multiply(scores, weight / TensorPrimitives.Sum(scores), scores);
        for (int j = 0; j < tokens; j++)
        {
            TensorPrimitives.MultiplyAdd(values.Slice((j * width) + column, d), scores[j], o, o);
        }
    }

    private static void CheckLength(string name, int actual, long expected)
    {
        if (actual != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} must hold {expected} values for this shape but holds {actual}."), name);
        }
    }
}
