namespace FaceStudio.Core.Pipeline;

/// <summary>Wall time spent in each stage of a request.</summary>
public sealed record StageTimings
{
    /// <summary>Text encoding.</summary>
    public TimeSpan TextEncoding { get; init; }

    /// <summary>Face detection, alignment and embedding, and the style image encoder.</summary>
    public TimeSpan IdentityEncoding { get; init; }

    /// <summary>Guidance composition (projector) and session binding.</summary>
    public TimeSpan Conditioning { get; init; }

    /// <summary>The denoise loop, all images.</summary>
    public TimeSpan Denoising { get; init; }

    /// <summary>VAE decoding, all images.</summary>
    public TimeSpan Decoding { get; init; }

    /// <summary>The whole request.</summary>
    public TimeSpan Total { get; init; }

    /// <summary>Denoiser steps per second over the denoise loop.</summary>
    public double StepsPerSecond { get; init; }
}
