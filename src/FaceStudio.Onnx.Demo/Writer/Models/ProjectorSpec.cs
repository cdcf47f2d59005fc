namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Options of the demo FaceStudio guidance projector.</summary>
public sealed record ProjectorSpec
{
    /// <summary>Face embedding width (512).</summary>
    public int FaceEmbeddingSize { get; init; } = 512;

    /// <summary>CLIP image embedding width (E).</summary>
    public int ImageEmbeddingSize { get; init; } = 64;

    /// <summary>Tokens per identity (K).</summary>
    public int Tokens { get; init; } = 4;

    /// <summary>Token width (D, the denoiser's context width).</summary>
    public int TokenDim { get; init; } = 64;
}
