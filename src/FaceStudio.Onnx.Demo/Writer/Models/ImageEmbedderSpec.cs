namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Options of a demo pooled-linear image embedder (ArcFace-style or CLIP-vision-style).</summary>
/// <param name="InputName">Input name.</param>
/// <param name="OutputName">Output name.</param>
/// <param name="InputSize">Square input side (112 for ArcFace, 224 for CLIP vision).</param>
/// <param name="PoolSize">Average-pool window and stride; InputSize must be a multiple of it.</param>
/// <param name="EmbeddingSize">Output width (512 for ArcFace; the CLIP projection width for CLIP vision).</param>
public sealed record ImageEmbedderSpec(string InputName, string OutputName, int InputSize, int PoolSize, int EmbeddingSize)
{
    /// <summary>ArcFace-style: <c>input.1 [N, 3, 112, 112]</c> → <c>embedding [N, 512]</c>.</summary>
    public static ImageEmbedderSpec ArcFace { get; } = new("input.1", "embedding", 112, 16, 512);

    /// <summary>CLIP-vision-style: <c>pixel_values [N, 3, 224, 224]</c> → <c>image_embeds [N, 64]</c>.</summary>
    public static ImageEmbedderSpec ClipVision { get; } = new("pixel_values", "image_embeds", 224, 32, 64);

    /// <summary>Features after pooling: 3·(InputSize/PoolSize)².</summary>
    public int Features => 3 * (InputSize / PoolSize) * (InputSize / PoolSize);
}
