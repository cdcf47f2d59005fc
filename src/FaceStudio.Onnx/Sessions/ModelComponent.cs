namespace FaceStudio.Onnx.Sessions;

/// <summary>The models a pipeline loads; each may get its own session options.</summary>
public enum ModelComponent
{
    /// <summary>CLIP text encoder.</summary>
    TextEncoder,

    /// <summary>UNet denoiser.</summary>
    Denoiser,

    /// <summary>VAE decoder.</summary>
    VaeDecoder,

    /// <summary>VAE encoder.</summary>
    VaeEncoder,

    /// <summary>Face detector.</summary>
    FaceDetector,

    /// <summary>Face embedder.</summary>
    FaceEmbedder,

    /// <summary>CLIP vision encoder.</summary>
    ImageEncoder,

    /// <summary>Guidance projector.</summary>
    Projector,
}
