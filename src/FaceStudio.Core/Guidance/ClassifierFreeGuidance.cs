using System.Numerics.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>Classifier-free guidance on predictions, in place-safe spans, no allocation.</summary>
public static class ClassifierFreeGuidance
{
    /// <summary><c>destination = ε_u + g·(ε_c − ε_u)</c>. <paramref name="destination"/> may alias <paramref name="conditional"/>.</summary>
    public static void Combine(ReadOnlySpan<float> unconditional, ReadOnlySpan<float> conditional, float scale, Span<float> destination)
    {
        TensorPrimitives.Subtract(conditional, unconditional, destination);
        TensorPrimitives.MultiplyAdd(destination, scale, unconditional, destination);
    }

    /// <summary>
    /// With a separate identity scale: <c>destination = ε_u + g·(ε_t − ε_u) + g_id·(ε_c − ε_t)</c>, where <c>ε_t</c> is the
    /// prediction with text and identity zeroed. <paramref name="destination"/> must not alias the inputs.
    /// </summary>
    public static void Combine(ReadOnlySpan<float> unconditional, ReadOnlySpan<float> text, ReadOnlySpan<float> conditional, float scale, float identityScale, Span<float> destination)
    {
        TensorPrimitives.Subtract(text, unconditional, destination);
        TensorPrimitives.MultiplyAdd(destination, scale, unconditional, destination);
        TensorPrimitives.MultiplyAdd(conditional, identityScale, destination, destination);
        TensorPrimitives.MultiplyAdd(text, -identityScale, destination, destination);
    }
}
