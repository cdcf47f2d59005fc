using FaceStudio.Core.Denoising;

namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Options of the demo VAE decoder and encoder.</summary>
public sealed record VaeSpec
{
    /// <summary>Latent channels (C).</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Pixels per latent cell (8).</summary>
    public int DownscaleFactor { get; init; } = 8;

    /// <summary>Precision of weights and I/O.</summary>
    public TensorPrecision Precision { get; init; } = TensorPrecision.Float32;

    /// <summary>The encoder's output form.</summary>
    public VaeEncoderOutput EncoderOutput { get; init; } = VaeEncoderOutput.LatentSample;
}
