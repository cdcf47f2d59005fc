using FaceStudio.Core.Denoising;

namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Shape and contract options of a demo UNet.</summary>
public sealed record UNetSpec
{
    /// <summary>Latent channels (C).</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Context token width (D).</summary>
    public int ContextDim { get; init; } = 64;

    /// <summary>Context tokens (T) when fixed; null declares a dynamic sequence axis.</summary>
    public int? ContextTokens { get; init; } = 77;

    /// <summary>Timestep form.</summary>
    public TimestepForm Timestep { get; init; } = TimestepForm.Int64Batch;

    /// <summary>Precision of weights and float inputs/outputs.</summary>
    public TensorPrecision Precision { get; init; } = TensorPrecision.Float32;

    /// <summary>Batch size when fixed in the graph (some exports fix it to 1 or 2); null declares it dynamic.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Attention width A = H·d of <see cref="AttentionUNetModel"/>'s cross-attention (queries, keys and values).</summary>
    public int AttentionDim { get; init; } = 16;

    /// <summary>Attention heads H of <see cref="AttentionUNetModel"/>; <see cref="AttentionDim"/> must be a multiple of it.</summary>
    public int Heads { get; init; } = 1;

    /// <summary>Tokens per identity (K) when the graph takes identity inputs; null for a plain UNet.</summary>
    public int? IdentityTokens { get; init; }
}
