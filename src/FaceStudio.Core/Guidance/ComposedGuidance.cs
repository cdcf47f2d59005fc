using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// The composer's result: text tokens for both CFG branches and the guidance tokens of each identity. Region
/// strategy turns it into denoiser batches (<see cref="RegionStrategy"/>).
/// </summary>
public sealed class ComposedGuidance
{
    internal ComposedGuidance(FloatTensor promptTokens, FloatTensor unconditionalTokens, FloatTensor identityTokens, FloatTensor zeroIdentityTokens, float[] identityScales, GuidanceOptions options)
    {
        PromptTokens = promptTokens;
        UnconditionalTokens = unconditionalTokens;
        IdentityTokens = identityTokens;
        ZeroIdentityTokens = zeroIdentityTokens;
        IdentityScales = identityScales;
        Options = options;
    }

    /// <summary>Prompt text tokens [T, D].</summary>
    public FloatTensor PromptTokens { get; }

    /// <summary>Empty/negative prompt text tokens [T, D].</summary>
    public FloatTensor UnconditionalTokens { get; }

    /// <summary>Guidance tokens <c>e_g</c> of each identity, [N, K, D].</summary>
    public FloatTensor IdentityTokens { get; }

    /// <summary>The projector's tokens for zeroed identity and style embeddings, [K, D]: the "no identity" tokens of the unconditional branch.</summary>
    public FloatTensor ZeroIdentityTokens { get; }

    /// <summary>Effective strength of each identity, [N] (the requested scale, times α when the hybrid flavour has no prompt image embedding).</summary>
    public IReadOnlyList<float> IdentityScales { get; }

    /// <summary>The options the tokens were composed with (guidance scales included).</summary>
    public GuidanceOptions Options { get; }

    /// <summary>Number of identities N.</summary>
    public int IdentityCount => IdentityTokens.Dim(0);

    /// <summary>Guidance tokens per identity K.</summary>
    public int TokensPerIdentity => IdentityTokens.Dim(1);

    /// <summary>Text tokens T.</summary>
    public int TextTokenCount => PromptTokens.Dim(0);

    /// <summary>Token width D.</summary>
    public int TokenDim => PromptTokens.Dim(1);
}
