using System.Globalization;
using System.Numerics.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// The composed-regions blend, <c>ε = Σ_k w_k ⊙ ε_k + (1 − Σ_k w_k) ⊙ ε_text</c>, with <c>w_k = s_k·m_k</c> broadcast
/// over channels. Weights are fixed per generation; blending allocates nothing.
/// </summary>
public sealed class CompositeNoiseBlend
{
    private readonly float[] _weights;
    private readonly float[] _textWeight;

    /// <summary>Creates the blend from masks [N, h·w] and per-identity scales [N].</summary>
    public CompositeNoiseBlend(ReadOnlySpan<float> masks, ReadOnlySpan<float> scales, int planeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(planeSize);
        if (masks.Length != scales.Length * planeSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Masks must hold N·h·w = {scales.Length * planeSize} values but hold {masks.Length}."), nameof(masks));
        }

        IdentityCount = scales.Length;
        PlaneSize = planeSize;
        _weights = masks.ToArray();
        _textWeight = new float[planeSize];
        Array.Fill(_textWeight, 1f);
        for (int k = 0; k < IdentityCount; k++)
        {
            Span<float> w = _weights.AsSpan(k * planeSize, planeSize);
            TensorPrimitives.Multiply(w, scales[k], w);
            TensorPrimitives.Subtract(_textWeight, w, _textWeight);
        }
    }

    /// <summary>N.</summary>
    public int IdentityCount { get; }

    /// <summary>h·w.</summary>
    public int PlaneSize { get; }

    /// <summary>Starts the blend: <c>destination = (1 − Σ w_k) ⊙ ε_text</c>. Shapes [C, h·w].</summary>
    public void Begin(ReadOnlySpan<float> textPrediction, Span<float> destination)
    {
        int channels = Channels(textPrediction.Length, destination.Length);
        for (int c = 0; c < channels; c++)
        {
            TensorPrimitives.Multiply(textPrediction.Slice(c * PlaneSize, PlaneSize), _textWeight, destination.Slice(c * PlaneSize, PlaneSize));
        }
    }

    /// <summary>Adds identity <paramref name="identity"/>'s term: <c>destination += w_k ⊙ ε_k</c>.</summary>
    public void Accumulate(int identity, ReadOnlySpan<float> identityPrediction, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(identity);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(identity, IdentityCount);
        int channels = Channels(identityPrediction.Length, destination.Length);
        ReadOnlySpan<float> w = _weights.AsSpan(identity * PlaneSize, PlaneSize);
        for (int c = 0; c < channels; c++)
        {
            Span<float> dst = destination.Slice(c * PlaneSize, PlaneSize);
            TensorPrimitives.MultiplyAdd(identityPrediction.Slice(c * PlaneSize, PlaneSize), w, dst, dst);
        }
    }

    /// <summary>The whole blend for contiguous identity predictions [N, C, h·w].</summary>
    public void Blend(ReadOnlySpan<float> textPrediction, ReadOnlySpan<float> identityPredictions, Span<float> destination)
    {
        Begin(textPrediction, destination);
        int length = textPrediction.Length;
        if (identityPredictions.Length != IdentityCount * length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Identity predictions must hold N·C·h·w = {IdentityCount * length} values but hold {identityPredictions.Length}."), nameof(identityPredictions));
        }

        for (int k = 0; k < IdentityCount; k++)
        {
            Accumulate(k, identityPredictions.Slice(k * length, length), destination);
        }
    }

    private int Channels(int source, int destination)
    {
        if (source != destination || source % PlaneSize != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Predictions must be [C, {PlaneSize}] and match the destination; got {source} and {destination} values."));
        }

        return source / PlaneSize;
    }
}
