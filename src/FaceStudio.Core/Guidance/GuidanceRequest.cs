using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>Everything the composer turns into denoiser conditioning.</summary>
/// <param name="PromptTokens">Text encoder output for the prompt, [T, D] or [1, T, D].</param>
/// <param name="UnconditionalTokens">Text encoder output for the empty or negative prompt, same shape.</param>
/// <param name="Identities">Identity slots, in region order (may be empty).</param>
public sealed record GuidanceRequest(FloatTensor PromptTokens, FloatTensor UnconditionalTokens, IReadOnlyList<IdentityGuidance> Identities)
{
    /// <summary>
    /// <c>e_h</c>: CLIP image embedding [E] of the style image (hybrid flavour). Empty means no style image: the image
    /// branch then sees a zero vector in place of <c>e_h</c>.
    /// </summary>
    public ReadOnlyMemory<float> StyleEmbedding { get; init; }

    /// <summary>
    /// <c>prior(e_T)</c>: the prompt mapped into CLIP image space [E] (a prior model's output, or CLIP's projected text
    /// embedding). Empty: the text branch is the text tokens alone and α scales the identity tokens' strength.
    /// </summary>
    public ReadOnlyMemory<float> PromptImageEmbedding { get; init; }

    /// <summary>Checks shapes and values against the projector; throws <see cref="FaceStudioValidationException"/>.</summary>
    internal void Validate(IGuidanceProjector projector, GuidanceFlavor flavor)
    {
        ArgumentNullException.ThrowIfNull(PromptTokens);
        ArgumentNullException.ThrowIfNull(UnconditionalTokens);
        ArgumentNullException.ThrowIfNull(Identities);
        (int t, int d) = TextShape(nameof(PromptTokens), PromptTokens);
        (int tu, int du) = TextShape(nameof(UnconditionalTokens), UnconditionalTokens);
        if (t != tu || d != du)
        {
            throw new FaceStudioValidationException(nameof(UnconditionalTokens), Inv($"{nameof(UnconditionalTokens)} must match the prompt's shape [{t}, {d}] but is [{tu}, {du}]."));
        }

        if (d != projector.TokenDim)
        {
            throw new FaceStudioValidationException(nameof(PromptTokens), Inv($"Text tokens are {d} wide but the projector makes {projector.TokenDim}-wide tokens; text encoder and projector must share the context width."));
        }

        if (flavor == GuidanceFlavor.FaceStudioHybrid && projector.ImageEmbeddingDim == 0)
        {
            throw new FaceStudioValidationException("Flavor", "The FaceStudio hybrid flavour needs a projector that takes image_embeds (E > 0) but this projector takes face_embeds only; use the IpAdapterFaceId flavour.");
        }

        if (projector.ImageEmbeddingDim > 0)
        {
            CheckEmbedding(nameof(StyleEmbedding), StyleEmbedding, projector.ImageEmbeddingDim);
            CheckEmbedding(nameof(PromptImageEmbedding), PromptImageEmbedding, projector.ImageEmbeddingDim);
        }

        for (int i = 0; i < Identities.Count; i++)
        {
            IdentityGuidance id = Identities[i] ?? throw new FaceStudioValidationException(nameof(Identities), Inv($"Identities[{i}] is null."));
            string name = Inv($"Identities[{i}]");
            GuidanceOptions.CheckRange(name + ".Scale", id.Scale, 0f, IdentityGuidance.MaxScale);
            if (id.Components is null || id.Components.Count == 0)
            {
                throw new FaceStudioValidationException(name + ".Components", Inv($"{name} needs at least one face embedding but has none."));
            }

            float sum = 0f;
            for (int c = 0; c < id.Components.Count; c++)
            {
                WeightedEmbedding w = id.Components[c];
                string cname = Inv($"{name}.Components[{c}]");
                if (w.Embedding.Length != projector.FaceEmbeddingDim)
                {
                    throw new FaceStudioValidationException(cname, Inv($"{cname} must hold {projector.FaceEmbeddingDim} values (face embedding) but holds {w.Embedding.Length}."));
                }

                if (!(w.Weight >= 0f) || float.IsInfinity(w.Weight))
                {
                    throw new FaceStudioValidationException(cname, Inv($"{cname}.Weight (β) must be finite and ≥ 0 but is {w.Weight}."));
                }

                if (!IsFinite(w.Embedding.Span) || System.Numerics.Tensors.TensorPrimitives.Norm(w.Embedding.Span) == 0f)
                {
                    throw new FaceStudioValidationException(cname, Inv($"{cname} must be finite and non-zero."));
                }

                sum += w.Weight;
            }

            if (sum <= 0f)
            {
                throw new FaceStudioValidationException(name + ".Components", Inv($"The weights β of {name} must not all be zero."));
            }
        }
    }

    internal static (int Tokens, int Dim) TextShape(string name, FloatTensor tokens)
    {
        if (tokens.Rank == 2)
        {
            return (tokens.Dim(0), tokens.Dim(1));
        }

        if (tokens.Rank == 3 && tokens.Dim(0) == 1)
        {
            return (tokens.Dim(1), tokens.Dim(2));
        }

        throw new FaceStudioValidationException(name, $"{name} must be [T, D] or [1, T, D] but is {tokens}.");
    }

    private static void CheckEmbedding(string name, ReadOnlyMemory<float> e, int dim)
    {
        if (!e.IsEmpty && (e.Length != dim || !IsFinite(e.Span)))
        {
            throw new FaceStudioValidationException(name, Inv($"{name} must hold {dim} finite values (CLIP image space) but holds {e.Length}."));
        }
    }

    private static bool IsFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
