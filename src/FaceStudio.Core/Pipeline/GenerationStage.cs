namespace FaceStudio.Core.Pipeline;

/// <summary>Stages of a generation, in order.</summary>
public enum GenerationStage
{
    /// <summary>Encoding the prompt.</summary>
    EncodingText,

    /// <summary>Detecting, aligning and embedding faces; encoding the style image.</summary>
    EncodingIdentities,

    /// <summary>Composing guidance and binding the denoiser.</summary>
    Conditioning,

    /// <summary>Running the denoise loop.</summary>
    Denoising,

    /// <summary>Decoding latents to pixels.</summary>
    Decoding,

    /// <summary>Done.</summary>
    Completed,
}
