using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Denoising;

/// <summary>
/// The noise-prediction network (UNet). Conditioning is bound once per generation through
/// <see cref="CreateSession"/>; each step then runs one prediction for the whole batch
/// (classifier-free guidance: conditional and unconditional rows together).
/// </summary>
public interface IDenoiser
{
    /// <summary>What the model accepts; the pipeline chooses native or composed regions from it.</summary>
    DenoiserCapabilities Capabilities { get; }

    /// <summary>Binds conditioning for one generation.</summary>
    /// <param name="conditioning">Context tokens and, for identity-aware models, identity inputs. Batch B.</param>
    /// <param name="latentShape">Latent shape [B, C, h, w] every step will use.</param>
    IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape);
}

/// <summary>One generation's bound state (device buffers, bindings). Not thread-safe; dispose when done.</summary>
public interface IDenoiserSession : IDisposable
{
    /// <summary>Predicts the model output (ε, v or x₀ as the model was trained) for <paramref name="sample"/> at <paramref name="timestep"/>.</summary>
    /// <param name="sample">Scaled model input, [B, C, h, w] row-major.</param>
    /// <param name="timestep">The scheduler's timestep (e.g. 981).</param>
    /// <param name="prediction">Receives the output, same shape as <paramref name="sample"/>.</param>
    /// <param name="cancellationToken">Cancels the running step (the backend terminates its run).</param>
    void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken);
}

/// <summary>Shape of the latents: batch, channels, height, width.</summary>
public readonly record struct LatentShape(int Batch, int Channels, int Height, int Width)
{
    /// <summary>Elements in the latent tensor.</summary>
    public int Length => checked(Batch * Channels * Height * Width);

    /// <summary>As an array [B, C, h, w].</summary>
    public int[] ToArray() => [Batch, Channels, Height, Width];
}

/// <summary>Conditioning for a generation, batch-first.</summary>
/// <param name="EncoderHiddenStates">Context tokens [B, T, D] (<c>encoder_hidden_states</c>).</param>
/// <param name="Identity">Identity inputs for denoisers with native regions; null otherwise.</param>
public sealed record DenoiserConditioning(FloatTensor EncoderHiddenStates, IdentityConditioning? Identity = null);

/// <summary>Inputs of an identity-aware denoiser (see docs/model-contract.md).</summary>
/// <param name="Tokens"><c>identity_tokens</c> [B, N, K, D].</param>
/// <param name="Masks"><c>identity_masks</c> [B, N, h, w] at latent resolution, values in [0, 1].</param>
/// <param name="Scales"><c>identity_scales</c> [B, N].</param>
public sealed record IdentityConditioning(FloatTensor Tokens, FloatTensor Masks, FloatTensor Scales);

/// <summary>Numeric precision of a model's inputs and outputs.</summary>
public enum TensorPrecision
{
    /// <summary>32-bit float.</summary>
    Float32,

    /// <summary>16-bit IEEE float.</summary>
    Float16,
}

/// <summary>What a denoiser accepts, read from its graph.</summary>
public sealed record DenoiserCapabilities
{
    /// <summary>Latent channels (4 for Stable Diffusion 1.5).</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Width of each context token (768 for Stable Diffusion 1.5).</summary>
    public int ContextDim { get; init; } = 768;

    /// <summary>Most context tokens the model accepts; null when the sequence axis is dynamic.</summary>
    public int? MaxContextTokens { get; init; }

    /// <summary>True when the model takes <c>identity_tokens</c>, <c>identity_masks</c> and <c>identity_scales</c>.</summary>
    public bool SupportsIdentityRegions { get; init; }

    /// <summary>Identity tokens per identity (K) the model expects, when fixed.</summary>
    public int? IdentityTokensPerIdentity { get; init; }

    /// <summary>Batch size the model is fixed to; null when the batch axis is dynamic.</summary>
    public int? FixedBatchSize { get; init; }

    /// <summary>Precision of the model's inputs and outputs.</summary>
    public TensorPrecision Precision { get; init; } = TensorPrecision.Float32;
}
