using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Pipeline;

/// <summary>One generated image.</summary>
/// <param name="Image">The pixels.</param>
/// <param name="Seed">The seed that produced it.</param>
public sealed record GeneratedImage(RgbImage Image, long Seed);
