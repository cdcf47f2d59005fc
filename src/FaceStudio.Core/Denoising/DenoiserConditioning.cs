using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Denoising;

/// <summary>Conditioning for a generation, batch-first.</summary>
/// <param name="EncoderHiddenStates">Context tokens [B, T, D] (<c>encoder_hidden_states</c>).</param>
/// <param name="Identity">Identity inputs for denoisers with native regions; null otherwise.</param>
public sealed record DenoiserConditioning(FloatTensor EncoderHiddenStates, IdentityConditioning? Identity = null);
