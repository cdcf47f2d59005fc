namespace FaceStudio.Core.Denoising;

/// <summary>Shape of the latents: batch, channels, height, width.</summary>
public readonly record struct LatentShape(int Batch, int Channels, int Height, int Width)
{
    /// <summary>Elements in the latent tensor.</summary>
    public int Length => checked(Batch * Channels * Height * Width);

    /// <summary>As an array [B, C, h, w].</summary>
    public int[] ToArray() => [Batch, Channels, Height, Width];
}
