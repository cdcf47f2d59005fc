namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>What a VAE encoder graph outputs.</summary>
public enum VaeEncoderOutput
{
    /// <summary><c>latent_sample [B, C, h, w]</c>.</summary>
    LatentSample,

    /// <summary><c>latent_parameters [B, 2C, h, w]</c>: mean channels then log-variance channels.</summary>
    LatentParameters,
}
