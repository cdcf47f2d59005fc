using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Denoising;

/// <summary>Inputs of an identity-aware denoiser (see docs/model-contract.md).</summary>
/// <param name="Tokens"><c>identity_tokens</c> [B, N, K, D].</param>
/// <param name="Masks"><c>identity_masks</c> [B, N, h, w] at latent resolution, values in [0, 1].</param>
/// <param name="Scales"><c>identity_scales</c> [B, N].</param>
public sealed record IdentityConditioning(FloatTensor Tokens, FloatTensor Masks, FloatTensor Scales);
